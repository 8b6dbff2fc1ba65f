/**
 * DynamoDB is not re-implemented: dynalite (a faithful DynamoDB on LevelDB
 * in memory) runs beside the sandbox on loopback ports and
 * `DynamoDB_20120810.*` requests are forwarded to it.
 *
 * In AWS a table named `orders` in account A us-east-1 and one in account B
 * eu-west-1 are different tables, so there is one dynalite per (account,
 * region) "place", started on the place's first request and closed with the
 * sandbox's scope. dynalite writes its own account and region into every ARN
 * it answers (`TableArn`, `IndexArn`, ...); those are rewritten to the
 * place's, as AWS would have answered the caller.
 */
import { request } from "node:http"
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { createRequire } from "node:module"
import { crc32 } from "node:zlib"
import { Deferred, Effect, Exit, FiberId, Scope } from "effect"
import type { CreateTableRequest } from "./estate/EstateTables.js"
import type { RawRequest, RawResponse } from "./ServiceHandler.js"

interface DynaliteOptions {
  readonly createTableMs?: number
  readonly deleteTableMs?: number
  readonly updateTableMs?: number
}

// dynalite is CommonJS without types; loaded through require so importers of
// this package's sources need no ambient declaration.
const dynalite = createRequire(import.meta.url)("dynalite") as (options?: DynaliteOptions) => Server

/** An account and a region: AWS's unit of DynamoDB table names. */
export interface DynamoPlace {
  readonly accountId: string
  readonly region: string
}

export interface DynamoOptions {
  /** At most this many places (dynalites) per sandbox; a request for one more is refused. Default 200. */
  readonly maxPlaces?: number
  /** The tables a place starts with, created (and tagged) when its dynalite starts. Default none. */
  readonly seed?: (place: DynamoPlace) => ReadonlyArray<CreateTableRequest>
}

/** Answers one DynamoDB request for the caller's place; never fails (errors are encoded responses). */
export type DynamoProxy = (req: RawRequest, place: DynamoPlace) => Effect.Effect<RawResponse>

export const DEFAULT_MAX_PLACES = 200

const JSON_10 = "application/x-amz-json-1.0"

const errorResponse = (status: number, type: string, message: string): RawResponse => {
  const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${type}`, message })
  return { status, headers: { "content-type": JSON_10, "x-amz-crc32": String(crc32(body)) }, body }
}

/** Sends one request to the dynalite on `port` and reads its whole answer. */
const forward = (port: number, req: RawRequest): Effect.Effect<RawResponse> =>
  Effect.async<RawResponse>((resume) => {
    const headers = { ...req.headers, host: `127.0.0.1:${port}`, "content-length": String(req.body.length) }
    const outgoing = request({ host: "127.0.0.1", port, method: req.method, path: req.path, headers }, (res) => {
      const chunks: Array<Buffer> = []
      res.on("data", (chunk: Buffer) => chunks.push(chunk))
      res.on("end", () => {
        const out: Record<string, string> = {}
        for (const [key, value] of Object.entries(res.headers)) {
          if (value !== undefined && key !== "content-length" && key !== "connection" && key !== "transfer-encoding") out[key] = Array.isArray(value) ? value.join(",") : value
        }
        resume(Effect.succeed({ status: res.statusCode ?? 500, headers: out, body: Buffer.concat(chunks) }))
      })
    })
    outgoing.on("error", (error) => resume(Effect.succeed(errorResponse(500, "InternalServerError", String(error)))))
    outgoing.end(req.body)
    // An interrupted caller (its client hung up) abandons the forwarded request too.
    return Effect.sync(() => outgoing.destroy())
  })

const ARN_PREFIX = /^arn:aws:dynamodb:[^:]*:[^:]*:/

/**
 * The answer with every DynamoDB ARN naming the place. Only string values of
 * keys ending in "Arn" are touched: item data cannot match, since attribute
 * values are always typed wrappers (`{ "S": ... }`) under the attribute name.
 */
export const placeArns = (response: RawResponse, place: DynamoPlace): RawResponse => {
  const text = response.body === undefined ? "" : typeof response.body === "string" ? response.body : response.body.toString("utf8")
  if (!text.includes("\"arn:aws:dynamodb:")) return response
  const prefix = `arn:aws:dynamodb:${place.region}:${place.accountId}:`
  const rewritten = JSON.stringify(
    JSON.parse(text, (key, value: unknown) => (typeof value === "string" && key.endsWith("Arn") ? value.replace(ARN_PREFIX, prefix) : value))
  )
  // The SDK may check x-amz-crc32 against the body it receives.
  return { ...response, headers: { ...response.headers, "x-amz-crc32": String(crc32(rewritten)) }, body: Buffer.from(rewritten) }
}

const TAG_OPERATIONS = new Set(["TagResource", "UntagResource", "ListTagsOfResource"])
/** The operations whose answers hold ARNs (a TableDescription); item reads and writes never do, and can be megabytes. */
const TABLE_OPERATIONS = new Set(["CreateTable", "DescribeTable", "UpdateTable", "DeleteTable"])

const operationOf = (req: RawRequest): string => (req.headers["x-amz-target"] ?? "").split(".")[1] ?? ""

/**
 * dynalite reads only the table name out of a `ResourceArn`, so a tag call
 * naming another place's table would silently reach the caller's table of
 * the same name. AWS refuses it: another account's table needs a resource
 * policy (none here), and a regional endpoint does not know another region's.
 */
const foreignArn = (req: RawRequest, place: DynamoPlace): RawResponse | undefined => {
  const operation = operationOf(req)
  if (!TAG_OPERATIONS.has(operation)) return undefined
  let arn: unknown
  try {
    arn = (JSON.parse(req.body.toString("utf8")) as { readonly ResourceArn?: unknown }).ResourceArn
  } catch {
    return undefined
  }
  const [, , , region, accountId] = typeof arn === "string" ? arn.split(":") : []
  if (region === undefined || accountId === undefined) return undefined
  if (accountId !== place.accountId) {
    return errorResponse(400, "AccessDeniedException", `User: arn:aws:iam::${place.accountId}:root is not authorized to perform: dynamodb:${operation} on resource: ${String(arn)} because no resource-based policy allows the dynamodb:${operation} action`)
  }
  if (region !== place.region) return errorResponse(400, "ResourceNotFoundException", `Requested resource not found: ResourcArn: ${String(arn)} not found`)
  return undefined
}

/** A request from the sandbox itself (seeding, tests); dynalite wants a SigV4-shaped header but checks no signature. */
export const internalRequest = (operation: string, input: unknown, place: DynamoPlace): RawRequest => ({
  method: "POST",
  path: "/",
  query: new URLSearchParams(),
  headers: {
    "content-type": JSON_10,
    "x-amz-target": `DynamoDB_20120810.${operation}`,
    "x-amz-date": "20240101T000000Z",
    authorization: `AWS4-HMAC-SHA256 Credential=sandbox/20240101/${place.region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`
  },
  body: Buffer.from(JSON.stringify(input))
})

const seedTables = (port: number, place: DynamoPlace, tables: ReadonlyArray<CreateTableRequest>): Effect.Effect<void, Error> =>
  Effect.forEach(tables, (table) =>
    Effect.gen(function* () {
      const send = (operation: string, input: unknown) =>
        Effect.flatMap(forward(port, internalRequest(operation, input, place)), (res) =>
          res.status === 200 ? Effect.void : Effect.fail(new Error(`seeding table ${table.TableName} in ${place.accountId} ${place.region}: ${operation} answered ${res.status} ${res.body?.toString() ?? ""}`))
        )
      yield* send("CreateTable", table)
      // dynalite ignores CreateTable's Tags; TagResource sets them as AWS would have.
      if (table.Tags !== undefined) yield* send("TagResource", { ResourceArn: `arn:aws:dynamodb:${place.region}:${place.accountId}:table/${table.TableName}`, Tags: table.Tags })
    }), { discard: true })

/** Starts one dynalite in `scope` and returns its port. */
const listen = (scope: Scope.Scope): Effect.Effect<number, Error> => {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  const acquire = Effect.acquireRelease(
    Effect.async<number, Error>((resume) => {
      server.once("error", (error) => resume(Effect.fail(error)))
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
    }),
    () => Effect.async<void>((resume) => {
      server.close(() => resume(Effect.void))
    })
  )
  return Scope.extend(acquire, scope)
}

/**
 * Returns the forwarder; each place's dynalite starts on its first request and
 * every one is closed when the current scope closes. Nothing starts here.
 */
export const startDynamo = (options: DynamoOptions = {}): Effect.Effect<DynamoProxy, never, Scope.Scope> =>
  Effect.map(Effect.scope, (scope) => {
    const maxPlaces = options.maxPlaces ?? DEFAULT_MAX_PLACES
    const places = new Map<string, Deferred.Deferred<number, Error>>()

    const start = (place: DynamoPlace, key: string, started: Deferred.Deferred<number, Error>) =>
      Effect.gen(function* () {
        const port = yield* listen(scope)
        yield* seedTables(port, place, options.seed?.(place) ?? [])
        return port
      }).pipe(
        Effect.exit,
        Effect.tap((exit) => {
          // A place that failed to start is tried again by its next request.
          if (Exit.isFailure(exit)) places.delete(key)
          return Deferred.done(started, exit)
        }),
        Effect.flatten,
        // Requests waiting on the same place must not hang if this one is interrupted.
        Effect.uninterruptible,
        Effect.withSpan("Dynamo.startPlace", { attributes: { accountId: place.accountId, region: place.region } })
      )

    const portOf = (place: DynamoPlace): Effect.Effect<number, Error | "full"> =>
      Effect.suspend((): Effect.Effect<number, Error | "full"> => {
        const key = `${place.accountId}/${place.region}`
        const known = places.get(key)
        if (known !== undefined) return Deferred.await(known)
        if (places.size >= maxPlaces) return Effect.fail("full" as const)
        // Claimed synchronously, so concurrent first requests share one start.
        const started = Deferred.unsafeMake<number, Error>(FiberId.none)
        places.set(key, started)
        return start(place, key, started)
      })

    return (req, place) => {
      const refused = foreignArn(req, place)
      if (refused !== undefined) return Effect.succeed(refused)
      return portOf(place).pipe(
        Effect.flatMap((port) => forward(port, req)),
        Effect.map((res) => (TABLE_OPERATIONS.has(operationOf(req)) ? placeArns(res, place) : res)),
        Effect.catchAll((error) =>
          Effect.succeed(
            error === "full"
              ? errorResponse(400, "SandboxPlaceLimitExceeded", `The sandbox serves DynamoDB in at most ${maxPlaces} (account, region) places; account ${place.accountId} in ${place.region} would be one more (raise SandboxOptions.dynamodb.maxPlaces)`)
              : errorResponse(500, "InternalServerError", `dynalite for account ${place.accountId} in ${place.region} did not start: ${error.message}`)
          )
        )
      )
    }
  })
