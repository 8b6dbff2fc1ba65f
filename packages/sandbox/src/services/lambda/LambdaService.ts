/**
 * Lambda over REST-JSON: ListFunctions (Marker / MaxItems), ListTags,
 * GetFunctionConfiguration and UpdateFunctionConfiguration (memory size,
 * timeout), the calls Lambda right-sizing needs. An update answers
 * `LastUpdateStatus: InProgress`, and reads `Successful` a moment later.
 */
import { Effect } from "effect"
import type { EstateData } from "../../estate/EstateData.js"
import type { LambdaFunction } from "../../estate/LambdaFunction.js"
import type { Estate } from "../../EstateContract.js"
import { changeFunctionMemory } from "../../estate/EstateChanges.js"
import { estateDataOf } from "../../estate/SandboxEstate.js"
import { parseJsonBody, toJson } from "../../protocol/Json.js"
import { type AwsError, awsError, type RawRequest, type RawResponse, type RequestContext, type ServiceFactory } from "../../ServiceHandler.js"

const API = "/2015-03-31/functions"
const UPDATE_MS = 2_000
const TOKEN_PREFIX = "sbx1:"

/** Lambda's own timestamp text: milliseconds and a "+0000" offset without a colon. */
const lambdaTime = (ms: number): string => new Date(ms).toISOString().replace("Z", "+0000")

type Route =
  | { readonly operation: "ListFunctions" }
  | { readonly operation: "ListTags"; readonly arn: string }
  | { readonly operation: "GetFunctionConfiguration" | "UpdateFunctionConfiguration"; readonly name: string }
  | { readonly operation: "Unknown" }

const route = (req: RawRequest): Route => {
  const path = req.path.replace(/\/+$/, "")
  if (path === API && req.method === "GET") return { operation: "ListFunctions" }
  const tags = /^\/2017-03-31\/tags\/([^/]+)$/.exec(path)
  if (tags !== null && req.method === "GET") return { operation: "ListTags", arn: decodeURIComponent(tags[1] ?? "") }
  const match = /^\/2015-03-31\/functions\/([^/]+)\/configuration$/.exec(path)
  if (match !== null) {
    const name = decodeURIComponent(match[1] ?? "")
    if (req.method === "GET") return { operation: "GetFunctionConfiguration", name }
    if (req.method === "PUT") return { operation: "UpdateFunctionConfiguration", name }
  }
  return { operation: "Unknown" }
}

const configuration = (f: LambdaFunction, now: number, withState: boolean) => ({
  FunctionName: f.name,
  FunctionArn: `arn:aws:lambda:${f.region}:${f.accountId}:function:${f.name}`,
  Runtime: f.runtime,
  Role: `arn:aws:iam::${f.accountId}:role/service-role/${f.name}-role`,
  Handler: f.handler,
  CodeSize: f.codeSize,
  Description: "",
  Timeout: f.timeout,
  MemorySize: f.memorySize,
  LastModified: lambdaTime(f.lastModified),
  CodeSha256: Buffer.from(f.revisionId.replace(/-/g, "").padEnd(64, "0").slice(0, 64), "hex").toString("base64"),
  Version: "$LATEST",
  TracingConfig: { Mode: "PassThrough" },
  RevisionId: f.revisionId,
  // ListFunctions leaves the state fields out; the single-function calls carry them.
  ...(withState
    ? { State: "Active", LastUpdateStatus: now < f.lastModified + UPDATE_MS ? "InProgress" : "Successful", ...(now < f.lastModified + UPDATE_MS ? { LastUpdateStatusReason: "The function is being updated.", LastUpdateStatusReasonCode: "Updating" } : {}) }
    : {}),
  PackageType: "Zip",
  Architectures: [f.architecture],
  EphemeralStorage: { Size: 512 },
  SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
  LoggingConfig: { LogFormat: "Text", LogGroup: `/aws/lambda/${f.name}` }
})

const json = (ctx: RequestContext, body: unknown): RawResponse => ({
  status: 200,
  headers: { "content-type": "application/json", "x-amzn-requestid": ctx.requestId },
  body: toJson(body)
})

const invalid = (message: string): AwsError => awsError("InvalidParameterValueException", message)

export const makeLambdaService: ServiceFactory<Estate> = (env) => {
  const data: EstateData = estateDataOf(env.estate)

  const find = (name: string, ctx: RequestContext): Effect.Effect<LambdaFunction, AwsError> => {
    // Accepts a name, a full ARN or a partial ARN ("<account>:function:<name>").
    const bare = name.includes(":function:") ? (name.split(":function:")[1]?.split(":")[0] ?? name) : name
    const f = data.functions.find((fn) => fn.name === bare && fn.accountId === ctx.accountId && fn.region === ctx.region)
    return f === undefined
      ? Effect.fail(awsError("ResourceNotFoundException", `Function not found: arn:aws:lambda:${ctx.region}:${ctx.accountId}:function:${bare}`, { status: 404, fields: { Type: "User" } }))
      : Effect.succeed(f)
  }

  const listFunctions = (req: RawRequest, ctx: RequestContext) =>
    Effect.gen(function* () {
      const rawMax = req.query.get("MaxItems")
      const max = rawMax === null ? 50 : Number(rawMax)
      if (!Number.isInteger(max) || max < 1 || max > 10_000) return yield* Effect.fail(invalid(`MaxItems must be between 1 and 10000`))
      const marker = req.query.get("Marker")
      const offset = marker === null ? 0 : Number(Buffer.from(marker, "base64url").toString("utf8").slice(TOKEN_PREFIX.length))
      if (!Number.isInteger(offset) || offset < 0) return yield* Effect.fail(invalid(`Invalid Marker: ${marker ?? ""}`))
      const mine = data.functions.filter((f) => f.accountId === ctx.accountId && f.region === ctx.region)
      const now = ctx.now.getTime()
      return json(ctx, {
        Functions: mine.slice(offset, offset + max).map((f) => configuration(f, now, false)),
        ...(offset + max < mine.length ? { NextMarker: Buffer.from(`${TOKEN_PREFIX}${offset + max}`).toString("base64url") } : {})
      })
    })

  const update = (name: string, req: RawRequest, ctx: RequestContext) =>
    Effect.gen(function* () {
      const f = yield* find(name, ctx)
      const body = parseJsonBody(req.body)
      if (body === undefined) return yield* Effect.fail(invalid("Could not parse request body into json"))
      const memory = body["MemorySize"]
      const timeout = body["Timeout"]
      const revision = body["RevisionId"]
      if (memory !== undefined && (typeof memory !== "number" || !Number.isInteger(memory) || memory < 128 || memory > 10_240)) {
        return yield* Effect.fail(invalid(`1 validation error detected: Value '${String(memory)}' at 'memorySize' failed to satisfy constraint: Member must have value between 128 and 10240`))
      }
      if (timeout !== undefined && (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 1 || timeout > 900)) {
        return yield* Effect.fail(invalid(`1 validation error detected: Value '${String(timeout)}' at 'timeout' failed to satisfy constraint: Member must have value between 1 and 900`))
      }
      const now = ctx.now.getTime()
      if (now < f.lastModified + UPDATE_MS) {
        return yield* Effect.fail(awsError("ResourceConflictException", `The operation cannot be performed at this time. An update is in progress for resource: arn:aws:lambda:${f.region}:${f.accountId}:function:${f.name}`, { status: 409, fields: { Type: "User" } }))
      }
      if (typeof revision === "string" && revision !== f.revisionId) {
        return yield* Effect.fail(awsError("PreconditionFailedException", "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id", { status: 412, fields: { Type: "User" } }))
      }
      if (typeof memory === "number") changeFunctionMemory(f, memory, now)
      if (typeof timeout === "number") f.timeout = timeout
      f.lastModified = now
      f.revisionId = ctx.requestId
      return json(ctx, configuration(f, now, true))
    })

  return {
    signingName: "lambda",
    protocol: "rest-json",
    rest: {
      resolve: (req) => {
        const r = route(req)
        return { operation: r.operation, readOnly: r.operation !== "UpdateFunctionConfiguration" }
      },
      handle: (req, ctx) => {
        const r = route(req)
        switch (r.operation) {
          case "ListFunctions":
            return listFunctions(req, ctx)
          case "ListTags":
            // Lambda answers an unknown function's tags with 404 ResourceNotFoundException too.
            return Effect.map(find(r.arn, ctx), (f) => json(ctx, { Tags: f.tags }))
          case "GetFunctionConfiguration":
            return Effect.map(find(r.name, ctx), (f) => json(ctx, configuration(f, ctx.now.getTime(), true)))
          case "UpdateFunctionConfiguration":
            return update(r.name, req, ctx)
          case "Unknown":
            return Effect.fail(awsError("UnknownOperationException", `The sandbox does not serve ${req.method} ${req.path}`, { status: 404 }))
        }
      }
    },
    errors: {
      throttling: { code: "TooManyRequestsException", status: 429, message: "Rate exceeded" },
      internal: { code: "ServiceException", status: 500, message: "An internal error occurred." }
    }
  }
}
