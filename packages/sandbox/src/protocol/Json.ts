/**
 * AWS JSON 1.0 / 1.1 (X-Amz-Target) and REST-JSON bodies. Timestamps are
 * epoch seconds in these protocols, so Dates become numbers here.
 */
import type { AwsError, RawResponse } from "../ServiceHandler.js"
import { faultType } from "../ServiceHandler.js"

/** The replacer behind `toJson`'s meaning: a Date, wherever it sits, is its epoch seconds. */
function epochSecondsReplacer(this: Record<string, unknown>, key: string, replaced: unknown): unknown {
  const raw = this[key]
  return raw instanceof Date ? raw.getTime() / 1000 : replaced
}

/** Thrown by `epochSeconds` on a cycle, so `toJson` lets JSON.stringify report it. */
const CYCLE = Symbol("cycle")

/**
 * `value` with every Date replaced by its epoch seconds, copied only where a
 * Date sits below (a 100,000-number array is scanned, not copied). Mirrors
 * JSON.stringify: `toJSON` is called first (with the property's key), and a
 * Date met as the raw value of a property (not one a `toJSON` returned) is
 * converted, as the replacer did.
 */
const epochSeconds = (value: unknown, key: string, ancestors: Set<object>): unknown => {
  if (typeof value !== "object" || value === null) return value
  if (value instanceof Date) return value.getTime() / 1000
  const toJSON: unknown = (value as { toJSON?: unknown }).toJSON
  const target: unknown = typeof toJSON === "function" ? (toJSON as (key: string) => unknown).call(value, key) : value
  if (typeof target !== "object" || target === null || target instanceof Date) return target
  if (ancestors.has(target)) throw CYCLE
  ancestors.add(target)
  let copy: Array<unknown> | Record<string, unknown> | undefined
  if (Array.isArray(target)) {
    const items: ReadonlyArray<unknown> = target
    for (let i = 0; i < items.length; i++) {
      const item = items[i]
      if (typeof item !== "object" || item === null) continue
      const converted = epochSeconds(item, String(i), ancestors)
      if (converted === item) continue
      copy ??= items.slice()
      ;(copy as Array<unknown>)[i] = converted
    }
  } else {
    const fields = target as Record<string, unknown>
    for (const k of Object.keys(fields)) {
      const field = fields[k]
      if (typeof field !== "object" || field === null) continue
      const converted = epochSeconds(field, k, ancestors)
      if (converted === field) continue
      copy ??= { ...fields }
      ;(copy as Record<string, unknown>)[k] = converted
    }
  }
  ancestors.delete(target)
  return copy ?? target
}

/**
 * Dates -> epoch seconds (fractional milliseconds kept, as AWS does). The
 * Dates are replaced before JSON.stringify rather than by a replacer
 * function: a replacer runs once per value (200,000 for a full
 * GetMetricData page) and keeps V8 off its fast serializer.
 */
export const toJson = (value: unknown): string => {
  let prepared: unknown
  try {
    prepared = epochSeconds(value, "", new Set())
  } catch (error) {
    if (error !== CYCLE) throw error
    // A cyclic structure: JSON.stringify throws the error callers expect.
    return JSON.stringify(value, epochSecondsReplacer)
  }
  return JSON.stringify(prepared)
}

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
