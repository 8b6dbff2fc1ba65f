/**
 * Finds the service and operation of a request by protocol, applies faults,
 * runs the operation and encodes its answer or error the way that protocol
 * does on AWS:
 *
 * - `X-Amz-Target: <Prefix>.<Operation>` -> JSON 1.0 / 1.1 (DynamoDB is proxied);
 * - form body with `Action=` -> awsQuery / ec2Query, service from the SigV4 signing name;
 * - anything else -> REST (S3, Lambda), service from the SigV4 signing name.
 */
import { randomUUID } from "node:crypto"
import { Effect } from "effect"
import type { ChangeLog } from "./ChangeLog.js"
import type { CredentialStore } from "./Credentials.js"
import type { DynamoProxy } from "./Dynamo.js"
import type { Estate } from "./EstateContract.js"
import type { Faults } from "./Faults.js"
import { jsonError, jsonResponse, parseJsonBody, restJsonError } from "./protocol/Json.js"
import { ec2Error, ec2Response, parseQueryParams, queryError, queryResponse, restXmlError } from "./protocol/Query.js"
import { parseSigV4 } from "./protocol/SigV4.js"
import type { AwsError, RawRequest, RawResponse, RequestContext, ServiceHandler } from "./ServiceHandler.js"
import { awsError, defaultServiceErrors, isMutating } from "./ServiceHandler.js"

export interface RouterDeps {
  readonly services: ReadonlyArray<ServiceHandler>
  readonly faults: Faults
  readonly log: ChangeLog
  readonly credentials: CredentialStore
  readonly estate: Estate
  readonly now: () => Date
  readonly endpoint: () => string
  readonly defaultRegion: string
  /** Answers a DynamoDB request from the caller's account and region's tables (dynalite, see Dynamo.ts). */
  readonly dynamo?: DynamoProxy
}

type Resolved =
  | { readonly kind: "rpc"; readonly handler: ServiceHandler; readonly operation: string; readonly input: Record<string, unknown> }
  | { readonly kind: "rest"; readonly handler: ServiceHandler; readonly operation: string; readonly readOnly: boolean }
  | { readonly kind: "dynamo"; readonly operation: string }
  | { readonly kind: "unknown"; readonly error: AwsError; readonly handler?: ServiceHandler }

/** How DynamoDB (served by dynalite) answers faults injected before the proxy. */
const DYNAMO_FAULTS: ServiceHandler = {
  signingName: "dynamodb",
  protocol: "json1.0",
  jsonNamespace: "com.amazonaws.dynamodb.v20120810",
  errors: {
    throttling: { code: "ThrottlingException", status: 400, message: "Rate of requests exceeds the allowed throughput." },
    internal: { code: "InternalServerError", status: 500, message: "Internal server error" }
  }
}

/** The error shape name of a DynamoDB error answer (`...#ResourceNotFoundException` -> `ResourceNotFoundException`). */
const dynamoErrorCode = (response: RawResponse): string | undefined => {
  const parsed = response.body === undefined ? undefined : parseJsonBody(Buffer.from(response.body))
  const type = parsed?.["__type"]
  return typeof type === "string" ? type.slice(type.lastIndexOf("#") + 1) : undefined
}

const encodeError = (handler: ServiceHandler | undefined, requestId: string, error: AwsError): RawResponse => {
  switch (handler?.protocol) {
    case "json1.0":
    case "json1.1":
      return jsonError(
        handler.protocol === "json1.0" ? "1.0" : "1.1",
        handler.jsonNamespace,
        requestId,
        error,
        handler.queryCompatible === true
      )
    case "ec2":
      return ec2Error(requestId, error)
    case "rest-xml":
      return restXmlError(requestId, error)
    case "rest-json":
      return restJsonError(requestId, error)
    default:
      return queryError(handler?.xmlNamespace ?? "https://sandbox.miyabi.local/doc/", requestId, error)
  }
}

const encodeOutput = (handler: ServiceHandler, operation: string, requestId: string, output: Record<string, unknown>): RawResponse => {
  switch (handler.protocol) {
    case "json1.0":
      return jsonResponse("1.0", requestId, output)
    case "json1.1":
    case "rest-json":
      return jsonResponse("1.1", requestId, output)
    case "ec2":
      return ec2Response(handler.xmlNamespace ?? "http://ec2.amazonaws.com/doc/2016-11-15", operation, requestId, output)
    default:
      return queryResponse(handler.xmlNamespace ?? "", operation, requestId, output)
  }
}

const accessDenied = (handler: ServiceHandler | undefined, accountId: string): AwsError => {
  const message = `User: arn:aws:iam::${accountId}:root is not authorized to perform this action (sandbox access-denied list)`
  switch (handler?.protocol) {
    case "query":
      return awsError("AccessDenied", message, { status: 403 })
    case "ec2":
      return awsError("UnauthorizedOperation", message, { status: 403 })
    case "rest-xml":
      return awsError("AccessDenied", "Access Denied", { status: 403 })
    default:
      return awsError("AccessDeniedException", message, { status: 403, queryCode: "AccessDenied" })
  }
}

export const makeRouter = (deps: RouterDeps) => {
  const byTarget = new Map<string, ServiceHandler>()
  const bySigning = new Map<string, ServiceHandler>()
  for (const handler of deps.services) {
    if (handler.targetPrefix !== undefined) byTarget.set(handler.targetPrefix, handler)
    bySigning.set(handler.signingName, handler)
  }

  const resolve = (req: RawRequest, signingName: string | undefined): Resolved => {
    const target = req.headers["x-amz-target"]
    if (target !== undefined) {
      const dot = target.lastIndexOf(".")
      const prefix = target.slice(0, dot)
      const operation = target.slice(dot + 1)
      if (prefix === "DynamoDB_20120810" && deps.dynamo !== undefined) return { kind: "dynamo", operation }
      const handler = byTarget.get(prefix)
      if (handler === undefined) return { kind: "unknown", error: awsError("UnknownOperationException", `Unknown target ${target}`) }
      const input = parseJsonBody(req.body)
      if (input === undefined) return { kind: "unknown", handler, error: awsError("SerializationException", "Could not parse the request body as JSON") }
      if (handler.operations?.[operation] === undefined) {
        return { kind: "unknown", handler, error: awsError("UnknownOperationException", `${operation} is not served by the sandbox`) }
      }
      return { kind: "rpc", handler, operation, input }
    }
    const contentType = req.headers["content-type"] ?? ""
    if (req.method === "POST" && contentType.startsWith("application/x-www-form-urlencoded")) {
      const params = new URLSearchParams(req.body.toString("utf8"))
      const action = params.get("Action")
      if (action !== null) {
        const handler = signingName === undefined ? undefined : bySigning.get(signingName)
        if (handler === undefined || handler.operations === undefined) {
          return { kind: "unknown", error: awsError("InvalidAction", `The service ${signingName ?? "(unsigned)"} is not served by the sandbox`) }
        }
        if (handler.operations[action] === undefined) {
          return { kind: "unknown", handler, error: awsError("InvalidAction", `The action ${action} is not valid for this web service.`) }
        }
        return { kind: "rpc", handler, operation: action, input: parseQueryParams(params) }
      }
    }
    const handler = signingName === undefined ? bySigning.get("s3") : bySigning.get(signingName)
    if (handler?.rest === undefined) {
      return { kind: "unknown", error: awsError("UnknownOperationException", `No sandbox service answers ${req.method} ${req.path}`, { status: 404 }) }
    }
    const { operation, readOnly } = handler.rest.resolve(req)
    return { kind: "rest", handler, operation, readOnly }
  }

  /** Answers one request; never fails (errors are encoded responses). */
  const handle = (req: RawRequest): Effect.Effect<RawResponse> =>
    Effect.gen(function* () {
      const requestId = randomUUID()
      const now = deps.now()
      const sig = parseSigV4(req.headers, req.query)
      const caller = deps.credentials.resolve(sig?.accessKeyId ?? deps.credentials.management.accessKeyId)
      const region = sig?.region ?? deps.defaultRegion
      const resolved = resolve(req, sig?.service)
      const handler = resolved.kind === "dynamo" ? DYNAMO_FAULTS : resolved.handler
      const serviceName = handler?.signingName ?? sig?.service ?? "unknown"
      const operation = resolved.kind === "unknown" ? "Unknown" : resolved.operation
      const mutating =
        resolved.kind === "rpc" ? isMutating(resolved.handler, operation)
        : resolved.kind === "rest" ? !resolved.readOnly
        : resolved.kind === "dynamo" ? !/^(Get|BatchGet|Query|Scan|Describe|List)/.test(operation)
        : false
      // REST calls are logged by path, query and (the start of) their body.
      const input =
        resolved.kind === "rpc" ? resolved.input
        : resolved.kind === "rest" ? { method: req.method, path: req.path, query: req.query.toString(), body: req.body.subarray(0, 4096).toString("utf8") }
        : undefined

      const finish = (response: RawResponse, errorCode?: string): RawResponse => {
        deps.log.record({
          time: now,
          requestId,
          service: serviceName,
          operation,
          accountId: caller.accountId,
          region,
          mutating,
          status: response.status,
          ...(errorCode === undefined ? {} : { errorCode }),
          ...(input === undefined ? {} : { input })
        })
        return response
      }

      if (resolved.kind === "unknown") {
        // A JSON caller of a service the sandbox does not serve still gets a JSON error.
        const encoded = resolved.handler === undefined && req.headers["x-amz-target"] !== undefined
          ? jsonError("1.1", undefined, requestId, resolved.error, false)
          : encodeError(resolved.handler, requestId, resolved.error)
        return finish(encoded, resolved.error.code)
      }

      const decision = deps.faults.decide(serviceName, operation, caller.accountId, now.getTime())
      if (decision.latencyMs > 0) yield* Effect.sleep(decision.latencyMs)
      if (decision.fail !== undefined) {
        const errors = handler?.errors ?? defaultServiceErrors(handler?.protocol ?? "json1.0")
        const error =
          decision.fail === "denied" ? accessDenied(handler, caller.accountId)
          : decision.fail === "throttle" ? awsError(errors.throttling.code, errors.throttling.message, { status: errors.throttling.status, ...(errors.throttling.queryCode === undefined ? {} : { queryCode: errors.throttling.queryCode }) })
          : awsError(errors.internal.code, errors.internal.message, { status: errors.internal.status })
        return finish(encodeError(handler, requestId, error), error.code)
      }

      if (resolved.kind === "dynamo") {
        const proxied = yield* (deps.dynamo as DynamoProxy)(req, { accountId: caller.accountId, region })
        return finish(proxied, proxied.status >= 400 ? dynamoErrorCode(proxied) : undefined)
      }

      const ctx: RequestContext = {
        requestId,
        service: serviceName,
        operation,
        region,
        accountId: caller.accountId,
        caller,
        now,
        estate: deps.estate,
        endpoint: deps.endpoint()
      }
      if (resolved.kind === "rest") {
        const rest = resolved.handler.rest as NonNullable<ServiceHandler["rest"]>
        return yield* rest.handle(req, ctx).pipe(
          Effect.map((response) => finish(response)),
          Effect.catchAll((error) => Effect.succeed(finish(encodeError(resolved.handler, requestId, error), error.code)))
        )
      }
      const op = (resolved.handler.operations ?? {})[operation]
      if (op === undefined) return finish(encodeError(resolved.handler, requestId, awsError("InvalidAction", operation)), "InvalidAction")
      return yield* op(resolved.input, ctx).pipe(
        Effect.map((output) => finish(encodeOutput(resolved.handler, operation, requestId, output))),
        Effect.catchAll((error) => Effect.succeed(finish(encodeError(resolved.handler, requestId, error), error.code)))
      )
    }).pipe(
      Effect.withSpan("SandboxRouter.handle"),
      Effect.catchAllDefect((defect) =>
        Effect.succeed<RawResponse>({
          status: 500,
          headers: { "content-type": "application/json", "x-amzn-errortype": "InternalFailure" },
          body: JSON.stringify({ __type: "InternalFailure", message: `sandbox defect: ${String(defect)}` })
        })
      )
    )

  return { handle }
}

export type Router = ReturnType<typeof makeRouter>
