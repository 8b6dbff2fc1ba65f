import "aws-sdk-client-mock-vitest/extend"
import { GetCallerIdentityCommand, STSClient, STSServiceException } from "@aws-sdk/client-sts"
import { describe, expect, it } from "@effect/vitest"
import { mockClient } from "aws-sdk-client-mock"
import { Duration, Effect, Logger } from "effect"
import { Region } from "@miyabi/types"
import { afterEach } from "vitest"
import { AwsClients, Sts } from "./AwsClients.js"
import { type AwsErrorReason, classify, fromSdkError, sdkErrorFacts } from "./AwsError.js"
import * as AwsRuntime from "./AwsRuntime.js"

const stsMock = mockClient(STSClient)
afterEach(() => {
  stsMock.reset()
})

/** An exception as the SDK builds it: name = AWS error code, $fault, $metadata, optional $retryable. */
const sdkError = (
  name: string,
  status: number | undefined,
  extra: { fault?: "client" | "server"; throttling?: boolean } = {}
): STSServiceException => {
  const error = new STSServiceException({
    name,
    message: `${name} happened`,
    $fault: extra.fault ?? (status !== undefined && status >= 500 ? "server" : "client"),
    $metadata: { ...(status === undefined ? {} : { httpStatusCode: status }), requestId: "req-1" }
  })
  return extra.throttling === undefined ? error : Object.assign(error, { $retryable: { throttling: extra.throttling } })
}

const table: ReadonlyArray<readonly [string, Error, AwsErrorReason, boolean]> = [
  ["STS Throttling (400)", sdkError("Throttling", 400), "Throttled", true],
  ["EC2 RequestLimitExceeded (503)", sdkError("RequestLimitExceeded", 503), "Throttled", true],
  ["DynamoDB ProvisionedThroughputExceededException", sdkError("ProvisionedThroughputExceededException", 400), "Throttled", true],
  ["S3 SlowDown", sdkError("SlowDown", 503), "Throttled", true],
  ["an unknown code marked throttling by the SDK", sdkError("SomethingNew", 400, { throttling: true }), "Throttled", true],
  ["HTTP 429 with an unknown code", sdkError("Whatever", 429), "Throttled", true],
  ["AccessDenied (403)", sdkError("AccessDenied", 403), "AccessDenied", false],
  ["EC2 UnauthorizedOperation", sdkError("UnauthorizedOperation", 403), "AccessDenied", false],
  ["ExpiredToken", sdkError("ExpiredToken", 400), "AccessDenied", false],
  ["HTTP 403 with an unknown code", sdkError("Forbidden", 403), "AccessDenied", false],
  ["EC2 OptInRequired", sdkError("OptInRequired", 401), "OptInRequired", false],
  ["EC2 InvalidInstanceID.NotFound", sdkError("InvalidInstanceID.NotFound", 400), "NotFound", false],
  ["ResourceNotFoundException", sdkError("ResourceNotFoundException", 400), "NotFound", false],
  ["S3 NoSuchLifecycleConfiguration", sdkError("NoSuchLifecycleConfiguration", 404), "NotFound", false],
  ["Organizations ConcurrentModificationException", sdkError("ConcurrentModificationException", 400), "Conflict", false],
  ["HTTP 409", sdkError("Whatever", 409), "Conflict", false],
  ["EC2 InvalidGroup.InUse (400)", sdkError("InvalidGroup.InUse", 400), "Conflict", false],
  ["EC2 InvalidPermission.Duplicate (400)", sdkError("InvalidPermission.Duplicate", 400), "Conflict", false],
  ["ValidationError", sdkError("ValidationError", 400), "Validation", false],
  ["EC2 InvalidParameterValue", sdkError("InvalidParameterValue", 400), "Validation", false],
  ["InternalFailure (500)", sdkError("InternalFailure", 500), "Unavailable", true],
  ["ServiceUnavailable (503)", sdkError("ServiceUnavailable", 503), "Unavailable", true],
  ["an unknown 5xx", sdkError("Oops", 502), "Unavailable", true],
  ["RequestTimeout", sdkError("RequestTimeout", 400), "Timeout", true],
  ["HTTP 504", sdkError("GatewayTimeout", 504), "Timeout", true],
  ["a refused connection", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" }), "Unavailable", true],
  ["the SDK's socket timeout", Object.assign(new Error("socket timed out"), { name: "TimeoutError" }), "Timeout", true],
  ["a server fault without a status", sdkError("Mystery", undefined, { fault: "server" }), "Unavailable", true],
  ["an unknown code the SDK marks retryable, not as throttling", sdkError("SomethingOdd", undefined, { throttling: false }), "Unknown", true],
  ["anything else", new Error("what"), "Unknown", false]
]

describe("AwsError mapping", () => {
  it.each(table)("maps %s", (_, error, reason, retryable) => {
    expect(classify(sdkErrorFacts(error))).toEqual({ reason, retryable })
  })

  it("keeps the code, message, status and request id", () => {
    const error = fromSdkError(sdkError("AccessDenied", 403), {
      service: "sts",
      operation: "AssumeRole",
      account: "111111111111",
      region: "us-east-1"
    })
    expect(error).toMatchObject({ reason: "AccessDenied", code: "AccessDenied", httpStatus: 403, requestId: "req-1", account: "111111111111" })
    expect(error.message).toBe("sts:AssumeRole in 111111111111/us-east-1 failed (AccessDenied, AccessDenied): AccessDenied happened")
  })
})

const runtime = AwsRuntime.layer(
  { region: "us-east-1", maxAttempts: 3, retryBaseDelay: Duration.millis(1), retryMaxDelay: Duration.millis(2) },
  { baseCredentials: () => Promise.resolve({ accessKeyId: "AKIDTEST", secretAccessKey: "secret" }) }
)

interface LogLine {
  readonly message: string
  readonly annotations: Record<string, unknown>
}

const captureLogs = (lines: Array<LogLine>) =>
  Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ message, annotations }) => {
      lines.push({
        message: Array.isArray(message) ? message.join(" ") : String(message),
        annotations: Object.fromEntries(annotations)
      })
    })
  )

describe("AwsClients.call through a mocked SDK client", () => {
  it.live("retries throttling with backoff until it succeeds, and logs each retry", () =>
    Effect.gen(function* () {
      stsMock
        .on(GetCallerIdentityCommand)
        .rejectsOnce(sdkError("Throttling", 400))
        .rejectsOnce(sdkError("ServiceUnavailable", 503))
        .resolves({ Account: "123456789012", Arn: "arn:aws:iam::123456789012:user/alice", UserId: "AIDA" })
      const lines: Array<LogLine> = []
      const clients = yield* AwsClients
      const out = yield* clients.call(Sts, {}, new GetCallerIdentityCommand({})).pipe(Effect.provide(captureLogs(lines)))
      expect(out.Account).toBe("123456789012")
      expect(stsMock).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 3)
      const retries = lines.filter((line) => line.message.includes("retrying"))
      expect(retries.map((line) => line.message)).toEqual([
        "AWS sts:GetCallerIdentity failed, retrying",
        "AWS sts:GetCallerIdentity failed, retrying"
      ])
      const where = { service: "sts", operation: "GetCallerIdentity", account: "self", region: "us-east-1" }
      expect(retries[0]?.annotations).toEqual({ ...where, attempt: 1, reason: "Throttled", code: "Throttling" })
      expect(retries[1]?.annotations).toEqual({ ...where, attempt: 2, reason: "Unavailable", code: "ServiceUnavailable" })
    }).pipe(Effect.provide(runtime)))

  it.live("gives up after the configured number of attempts", () =>
    Effect.gen(function* () {
      stsMock.on(GetCallerIdentityCommand).rejects(sdkError("Throttling", 400))
      const clients = yield* AwsClients
      const error = yield* Effect.flip(clients.call(Sts, {}, new GetCallerIdentityCommand({})))
      expect(error).toMatchObject({ _tag: "AwsError", reason: "Throttled", retryable: true, operation: "GetCallerIdentity", service: "sts" })
      expect(stsMock).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 3)
    }).pipe(Effect.provide(runtime)))

  it.live("does not retry what cannot succeed", () =>
    Effect.gen(function* () {
      stsMock.on(GetCallerIdentityCommand).rejects(sdkError("AccessDenied", 403))
      const clients = yield* AwsClients
      const error = yield* Effect.flip(clients.call(Sts, { region: Region.make("eu-west-1") }, new GetCallerIdentityCommand({})))
      expect(error).toMatchObject({ reason: "AccessDenied", retryable: false, region: "eu-west-1" })
      expect(stsMock).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 1)
    }).pipe(Effect.provide(runtime)))
})
