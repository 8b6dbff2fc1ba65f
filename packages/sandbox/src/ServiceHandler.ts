/**
 * How a service module plugs into the sandbox.
 *
 * Adding a service (see also /tmp/sandbox-interface.md and README below):
 *
 * 1. Create `src/services/<name>/<Name>Service.ts` exporting a `ServiceFactory`:
 *    `(env: ServiceEnv) => ServiceHandler`. The factory runs once per sandbox;
 *    keep the service's mutable state in the closure (never module-level).
 * 2. Declare the wire protocol (read it from the SDK client's
 *    `dist-cjs/index.js`: `AwsJson1_0Protocol`, `AwsQueryProtocol`, ...), the
 *    SigV4 signing name (`signingName`), the JSON target prefix or the XML
 *    namespace, and one `Operation` per served action.
 * 3. An operation receives the decoded input (JSON body, or the form body
 *    un-flattened: `Tags.member.1.Key` -> `{ Tags: [{ Key }] }`,
 *    `Filter.1.Name` -> `{ Filter: [{ Name }] }`) and a `RequestContext`, and
 *    returns the output object or fails with `AwsError`. The protocol layer
 *    encodes it: JSON keeps the object as is (Dates -> epoch seconds), query
 *    and EC2 query write XML (Dates -> ISO 8601, arrays -> `<member>` /
 *    `<item>`, or `XmlList` / `XmlFlat` when the shape names its members).
 * 4. REST services (S3, Lambda) implement `rest` instead of `operations`:
 *    they get the raw request and return status, headers and body; the
 *    sandbox still applies faults, logs and encodes thrown `AwsError`s.
 * 5. Register the factory in `src/services/index.ts` (`defaultServices`), or
 *    pass it in `SandboxOptions.services`.
 */
import type { Effect } from "effect"
import { Schema } from "effect"
import type { Estate } from "./EstateContract.js"

/** Wire protocol families the SDK v3 clients speak. */
export type Protocol = "json1.0" | "json1.1" | "query" | "ec2" | "rest-xml" | "rest-json"

/**
 * An AWS error as it goes on the wire. `code` is the error shape name the SDK
 * maps to its exception class (`QueueDoesNotExist`, `AccessDeniedException`);
 * `queryCode` is the legacy query code sent in `x-amzn-query-error` by
 * query-compatible JSON services (SQS: `AWS.SimpleQueueService.NonExistentQueue`).
 * `fields` are extra members of the error shape (e.g. Organizations' `Reason`).
 */
export class AwsError extends Schema.TaggedError<AwsError>()("AwsError", {
  code: Schema.String,
  message: Schema.String,
  status: Schema.Int,
  queryCode: Schema.optional(Schema.String),
  fields: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
}) {}

/** Client-side errors (4xx) are `Sender`, server-side (5xx) `Receiver`. */
export const faultType = (error: AwsError): "Sender" | "Receiver" => (error.status >= 500 ? "Receiver" : "Sender")

/** Shorthand for a 400 `AwsError`. */
export const awsError = (
  code: string,
  message: string,
  options: { readonly status?: number; readonly queryCode?: string; readonly fields?: Record<string, unknown> } = {}
): AwsError =>
  new AwsError({
    code,
    message,
    status: options.status ?? 400,
    ...(options.queryCode === undefined ? {} : { queryCode: options.queryCode }),
    ...(options.fields === undefined ? {} : { fields: options.fields })
  })

/** The caller as learned from the SigV4 credential and the access key. */
export interface Caller {
  readonly accessKeyId: string
  readonly accountId: string
  /** `arn:aws:iam::<account>:root` or `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  readonly arn: string
  /** `AIDA...` user id or `AROA...:<session>` for assumed roles. */
  readonly userId: string
}

/** What every operation gets besides its input. */
export interface RequestContext {
  readonly requestId: string
  readonly service: string
  readonly operation: string
  readonly region: string
  readonly accountId: string
  readonly caller: Caller
  readonly now: Date
  readonly estate: Estate
  /** The sandbox's public endpoint (`http://127.0.0.1:<port>`), e.g. for SQS queue URLs. */
  readonly endpoint: string
}

/** One served action: decoded input in, output object out (or an `AwsError`). */
export type Operation = (
  input: Record<string, unknown>,
  ctx: RequestContext
) => Effect.Effect<Record<string, unknown>, AwsError>

/** A raw HTTP request, for REST protocols. */
export interface RawRequest {
  readonly method: string
  /** Path without the query string, percent-decoded per segment is left to the service. */
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: Readonly<Record<string, string>>
  readonly body: Buffer
}

export interface RawResponse {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string | Buffer
}

/** REST services route themselves; `operation` names the action for faults and logs. */
export interface RestRoute {
  readonly resolve: (req: RawRequest) => { readonly operation: string; readonly readOnly: boolean }
  readonly handle: (req: RawRequest, ctx: RequestContext) => Effect.Effect<RawResponse, AwsError>
}

/** A service's real throttling / internal errors, used by faults. */
export interface ServiceErrors {
  readonly throttling: { readonly code: string; readonly status: number; readonly message: string; readonly queryCode?: string }
  readonly internal: { readonly code: string; readonly status: number; readonly message: string }
}

export interface ServiceHandler {
  /** SigV4 signing name (`sts`, `organizations`, `monitoring`, `sqs`, `ce`, `ec2`, `s3`, ...). */
  readonly signingName: string
  readonly protocol: Protocol
  /** JSON protocols: the X-Amz-Target prefix before the dot (`AmazonSQS`). */
  readonly targetPrefix?: string
  /**
   * JSON protocols: the Smithy namespace written before `#` in `__type`
   * (`com.amazonaws.sqs`); absent -> the bare error code, which every SDK accepts.
   */
  readonly jsonNamespace?: string
  /** JSON 1.0 services that were query services (SQS, CloudWatch): errors carry `x-amzn-query-error`. */
  readonly queryCompatible?: boolean
  /** Query / EC2 query: the response xmlns. */
  readonly xmlNamespace?: string
  /** RPC operations by action name. */
  readonly operations?: Readonly<Record<string, Operation>>
  /** Action names that change nothing; default: names starting Describe/List/Get/Lookup/Search. */
  readonly readOnly?: ReadonlySet<string>
  /** Action names that change something although their name says otherwise (e.g. ReceiveMessage is logged as read). */
  readonly mutating?: ReadonlySet<string>
  readonly rest?: RestRoute
  /** Defaults per protocol when absent (see `defaultServiceErrors`). */
  readonly errors?: ServiceErrors
  /** Releases what the service holds beyond memory (an embedded engine); run when the sandbox stops. */
  readonly close?: () => void
}

/** What a service factory receives once, at sandbox start. */
export interface ServiceEnv<E extends Estate = Estate> {
  readonly estate: E
  /** The sandbox clock (tests can advance it); use it instead of `Date.now()`. */
  readonly now: () => Date
}

export type ServiceFactory<E extends Estate = Estate> = (env: ServiceEnv<E>) => ServiceHandler

const READ_PREFIX = /^(Describe|List|Get|Lookup|Search|Head|Batch?Get)/

/** Whether an RPC action is mutating, for the change log. */
export const isMutating = (handler: ServiceHandler, operation: string): boolean => {
  if (handler.mutating?.has(operation) === true) return true
  if (handler.readOnly?.has(operation) === true) return false
  return !READ_PREFIX.test(operation)
}

/** AWS's throttling and internal errors per protocol family when a service does not say. */
export const defaultServiceErrors = (protocol: Protocol): ServiceErrors => {
  switch (protocol) {
    case "query":
      return {
        throttling: { code: "Throttling", status: 400, message: "Rate exceeded" },
        internal: { code: "InternalFailure", status: 500, message: "We encountered an internal error. Please try again." }
      }
    case "ec2":
      return {
        throttling: { code: "RequestLimitExceeded", status: 503, message: "Request limit exceeded." },
        internal: { code: "InternalError", status: 500, message: "An internal error has occurred" }
      }
    case "rest-xml":
      return {
        throttling: { code: "SlowDown", status: 503, message: "Please reduce your request rate." },
        internal: { code: "InternalError", status: 500, message: "We encountered an internal error. Please try again." }
      }
    case "rest-json":
      return {
        throttling: { code: "TooManyRequestsException", status: 429, message: "Rate exceeded" },
        internal: { code: "ServiceException", status: 500, message: "An internal error occurred." }
      }
    default:
      return {
        throttling: { code: "ThrottlingException", status: 400, message: "Rate exceeded" },
        internal: { code: "InternalFailure", status: 500, message: "The request processing has failed because of an unknown error, exception or failure." }
      }
  }
}
