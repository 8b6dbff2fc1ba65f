/**
 * Every failure of an AWS call, as one tagged error. SDK exceptions are mapped
 * here, once, by one table: the error `name` first (AWS's error code), then
 * the SDK's `$retryable` / `$fault` traits, then the HTTP status.
 */
import { Predicate, Schema } from "effect"

export const AwsErrorReason = Schema.Literal(
  "Throttled",
  "AccessDenied",
  "NotFound",
  "Conflict",
  "Validation",
  "Unavailable",
  "Timeout",
  "OptInRequired",
  "Unknown"
)
export type AwsErrorReason = typeof AwsErrorReason.Type

export class AwsError extends Schema.TaggedError<AwsError>()("AwsError", {
  reason: AwsErrorReason,
  /** The SDK's service id, e.g. "ec2", "sts". */
  service: Schema.String,
  /** The operation (command name without "Command"), e.g. "DescribeInstances". */
  operation: Schema.String,
  /** The account acted in; absent for the caller's own credentials before they are known. */
  account: Schema.optional(Schema.String),
  region: Schema.String,
  /** AWS's error code (the exception name), e.g. "ThrottlingException". */
  code: Schema.String,
  /** AWS's message, verbatim. */
  awsMessage: Schema.String,
  httpStatus: Schema.optional(Schema.Int),
  requestId: Schema.optional(Schema.String),
  /** Throttling, 5xx and timeouts: worth another attempt. */
  retryable: Schema.Boolean
}) {
  override get message(): string {
    const where = `${this.service}:${this.operation} in ${this.account ?? "caller account"}/${this.region}`
    return `${where} failed (${this.reason}, ${this.code}): ${this.awsMessage}`
  }
}

/** Reasons a retry can help with. */
export const transientReasons: ReadonlySet<AwsErrorReason> = new Set(["Throttled", "Unavailable", "Timeout"])

/**
 * AWS error codes by reason. Codes vary per service and protocol (EC2 says
 * "RequestLimitExceeded", DynamoDB "ProvisionedThroughputExceededException",
 * S3 "SlowDown"); the SDK gives them as the exception `name`.
 */
const codes: ReadonlyArray<readonly [AwsErrorReason, ReadonlyArray<string>]> = [
  [
    "Throttled",
    [
      "Throttling",
      "ThrottlingException",
      "ThrottledException",
      "RequestThrottled",
      "RequestThrottledException",
      "TooManyRequestsException",
      "ProvisionedThroughputExceededException",
      "TransactionInProgressException",
      "RequestLimitExceeded",
      "BandwidthLimitExceeded",
      "LimitExceededException",
      "SlowDown",
      "PriorRequestNotComplete",
      "EC2ThrottledException"
    ]
  ],
  [
    "AccessDenied",
    [
      "AccessDenied",
      "AccessDeniedException",
      "UnauthorizedOperation",
      "UnauthorizedAccess",
      "AuthFailure",
      "AuthorizationError",
      "InvalidClientTokenId",
      "UnrecognizedClientException",
      "ExpiredToken",
      "ExpiredTokenException",
      "SignatureDoesNotMatch",
      "InvalidSignatureException",
      "MissingAuthenticationToken",
      "AWSOrganizationsNotInUseException",
      "CredentialsProviderError"
    ]
  ],
  ["OptInRequired", ["OptInRequired", "SubscriptionRequiredException", "InvalidRegion", "RegionDisabledException"]],
  [
    "NotFound",
    [
      "NotFound",
      "NotFoundException",
      "ResourceNotFoundException",
      "NoSuchEntity",
      "NoSuchEntityException",
      "NoSuchBucket",
      "NoSuchKey",
      "NoSuchLifecycleConfiguration",
      "NoSuchBucketPolicy",
      "NoSuchPublicAccessBlockConfiguration",
      "ServerSideEncryptionConfigurationNotFoundError",
      "AccountNotFoundException",
      "DBInstanceNotFound",
      "DBInstanceNotFoundFault",
      "ClusterNotFoundException",
      "ServiceNotFoundException"
    ]
  ],
  [
    "Conflict",
    [
      "ConflictException",
      "ConcurrentModificationException",
      "ResourceConflictException",
      "ResourceInUseException",
      "ResourceInUse",
      "OperationAbortedException",
      "DependencyViolation",
      "IncorrectState",
      "IncorrectInstanceState",
      "InvalidDBInstanceState",
      "InvalidDBInstanceStateFault",
      "IdempotentParameterMismatch",
      "IdempotentParameterMismatchException",
      "DuplicateAccountException",
      "EntityAlreadyExists",
      "AlreadyExistsException",
      "BucketAlreadyOwnedByYou"
    ]
  ],
  [
    "Validation",
    [
      "ValidationError",
      "ValidationException",
      "InvalidParameter",
      "InvalidParameterValue",
      "InvalidParameterValueException",
      "InvalidParameterException",
      "InvalidParameterCombination",
      "InvalidInput",
      "InvalidInputException",
      "MissingParameter",
      "MalformedPolicyDocument",
      "MalformedPolicyDocumentException",
      "ConstraintViolationException",
      "SerializationException",
      "UnsupportedOperation"
    ]
  ],
  [
    "Unavailable",
    [
      "ServiceUnavailable",
      "ServiceUnavailableException",
      "Unavailable",
      "InternalError",
      "InternalFailure",
      "InternalServerError",
      "InternalServerException",
      "InternalServiceError",
      "ServiceException",
      "ServiceFailureException",
      "EC2InternalError",
      "ECONNREFUSED",
      "ECONNRESET",
      "EPIPE",
      "EAI_AGAIN"
    ]
  ],
  ["Timeout", ["RequestTimeout", "RequestTimeoutException", "TimeoutError", "ETIMEDOUT", "ESOCKETTIMEDOUT"]]
]

const byCode: ReadonlyMap<string, AwsErrorReason> = new Map(
  codes.flatMap(([reason, names]) => names.map((name) => [name, reason] as const))
)

/** EC2 spells "not found" as "<Thing>.NotFound" ("InvalidInstanceID.NotFound") and "malformed" likewise. */
const bySuffix: ReadonlyArray<readonly [RegExp, AwsErrorReason]> = [
  [/(\.NotFound|NotFound(Exception|Fault)?)$/, "NotFound"],
  [/\.Malformed$|^Invalid.*\.Malformed$/, "Validation"],
  [/\.InUse$|\.Duplicate$/, "Conflict"],
  [/Throttl/, "Throttled"]
]

const byStatus = (status: number): AwsErrorReason | undefined => {
  if (status === 429) return "Throttled"
  if (status === 403 || status === 401) return "AccessDenied"
  if (status === 404) return "NotFound"
  if (status === 409) return "Conflict"
  if (status === 408 || status === 504) return "Timeout"
  if (status >= 500) return "Unavailable"
  if (status >= 400) return "Validation"
  return undefined
}

/** The facts an SDK exception carries, read without trusting its shape. */
export interface SdkErrorFacts {
  readonly code: string
  readonly message: string
  readonly httpStatus: number | undefined
  readonly requestId: string | undefined
  readonly fault: "client" | "server" | undefined
  readonly retryable: { readonly throttling: boolean } | undefined
}

const field = (value: unknown, key: string): unknown =>
  Predicate.isObject(value) && key in value ? (value as Record<string, unknown>)[key] : undefined

const stringField = (value: unknown, key: string): string | undefined => {
  const v = field(value, key)
  return typeof v === "string" && v !== "" ? v : undefined
}

export const sdkErrorFacts = (error: unknown): SdkErrorFacts => {
  const metadata = field(error, "$metadata")
  const status = field(metadata, "httpStatusCode")
  const fault = field(error, "$fault")
  const retryable = field(error, "$retryable")
  // Node socket errors carry their code in `code` ("ECONNREFUSED"); SDK errors in `name`.
  const nodeCode = stringField(error, "code")
  const name = stringField(error, "name")
  const code = nodeCode !== undefined && /^E[A-Z_]+$/.test(nodeCode) ? nodeCode : (name ?? nodeCode ?? "Error")
  return {
    code,
    message: stringField(error, "message") ?? String(error),
    httpStatus: typeof status === "number" ? status : undefined,
    requestId: stringField(metadata, "requestId"),
    fault: fault === "client" || fault === "server" ? fault : undefined,
    retryable: Predicate.isObject(retryable) ? { throttling: field(retryable, "throttling") === true } : undefined
  }
}

/** The one mapping table, applied in order: code, code pattern, SDK traits, HTTP status. */
export const classify = (facts: SdkErrorFacts): { readonly reason: AwsErrorReason; readonly retryable: boolean } => {
  const reason =
    byCode.get(facts.code) ??
    bySuffix.find(([pattern]) => pattern.test(facts.code))?.[1] ??
    (facts.retryable?.throttling === true ? "Throttled" : undefined) ??
    (facts.httpStatus === undefined ? undefined : byStatus(facts.httpStatus)) ??
    (facts.fault === "server" ? "Unavailable" : undefined) ??
    "Unknown"
  return { reason, retryable: transientReasons.has(reason) || (reason === "Unknown" && facts.retryable !== undefined) }
}

export interface CallContext {
  readonly service: string
  readonly operation: string
  readonly account: string | undefined
  readonly region: string
}

/** Maps anything an SDK call rejected with to an `AwsError` for `context`. */
export const fromSdkError = (error: unknown, context: CallContext): AwsError => {
  if (error instanceof AwsError) return error
  const facts = sdkErrorFacts(error)
  const { reason, retryable } = classify(facts)
  return new AwsError({
    reason,
    retryable,
    service: context.service,
    operation: context.operation,
    ...(context.account === undefined ? {} : { account: context.account }),
    region: context.region,
    code: facts.code,
    awsMessage: facts.message,
    ...(facts.httpStatus === undefined ? {} : { httpStatus: facts.httpStatus }),
    ...(facts.requestId === undefined ? {} : { requestId: facts.requestId })
  })
}

/** A per-attempt timeout of our own (the SDK's retries and timeouts are off). */
export const timeoutError = (context: CallContext, afterMs: number): AwsError =>
  new AwsError({
    reason: "Timeout",
    retryable: true,
    service: context.service,
    operation: context.operation,
    ...(context.account === undefined ? {} : { account: context.account }),
    region: context.region,
    code: "TimeoutError",
    awsMessage: `no response within ${afterMs} ms`
  })
