/**
 * AWS JSON 1.0 / 1.1 (X-Amz-Target) and REST-JSON bodies. Timestamps are
 * epoch seconds in these protocols, so Dates become numbers here.
 */
import type { AwsError, RawResponse } from "../ServiceHandler.js"
import { faultType } from "../ServiceHandler.js"

/** Dates -> epoch seconds (fractional milliseconds kept, as AWS does). */
export const toJson = (value: unknown): string =>
  JSON.stringify(value, function (this: Record<string, unknown>, key: string, replaced: unknown) {
    const raw = this[key]
    return raw instanceof Date ? raw.getTime() / 1000 : replaced
  })

/** Parses a JSON request body; an empty body is `{}`. */
export const parseJsonBody = (body: Buffer): Record<string, unknown> | undefined => {
  const text = body.toString("utf8").trim()
  if (text === "") return {}
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

export const jsonResponse = (version: "1.0" | "1.1", requestId: string, output: Record<string, unknown>): RawResponse => ({
  status: 200,
  headers: { "content-type": `application/x-amz-json-${version}`, "x-amzn-requestid": requestId },
  body: toJson(output)
})

/**
 * `{"__type": "<namespace>#Code", "message": ...}` with `x-amzn-ErrorType`;
 * query-compatible services (SQS, CloudWatch) add `x-amzn-query-error:
 * <legacy code>;Sender`, which the SDK uses to pick the exception class.
 */
export const jsonError = (
  version: "1.0" | "1.1",
  namespace: string | undefined,
  requestId: string,
  error: AwsError,
  queryCompatible: boolean
): RawResponse => {
  const headers: Record<string, string> = {
    "content-type": `application/x-amz-json-${version}`,
    "x-amzn-requestid": requestId,
    "x-amzn-errortype": error.code
  }
  if (queryCompatible) headers["x-amzn-query-error"] = `${error.queryCode ?? error.code};${faultType(error)}`
  const messageKey = version === "1.0" ? "message" : "Message"
  return {
    status: error.status,
    headers,
    body: toJson({ __type: namespace === undefined ? error.code : `${namespace}#${error.code}`, [messageKey]: error.message, ...error.fields })
  }
}

/** REST-JSON (Lambda): the code travels in `x-amzn-ErrorType`, the body has `Type` and `message`. */
export const restJsonError = (requestId: string, error: AwsError): RawResponse => ({
  status: error.status,
  headers: { "content-type": "application/json", "x-amzn-requestid": requestId, "x-amzn-errortype": error.code },
  body: toJson({ Type: error.status >= 500 ? "Service" : "User", message: error.message, ...error.fields })
})
