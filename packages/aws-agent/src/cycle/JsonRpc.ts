/**
 * JSON-RPC 2.0 framing for external phase executors: one request or response
 * per line (newline-delimited JSON) on the child's stdin/stdout.
 */
import { Either, Schema } from "effect"

/** The error codes SPEC reserves for `execute_phase`. */
export const ErrorCodes = {
  AwsError: -32000,
  AuthError: -32001,
  RateLimited: -32002,
  Timeout: -32003
} as const

export const RpcErrorObject = Schema.Struct({
  code: Schema.Int,
  message: Schema.String,
  data: Schema.optional(Schema.Unknown)
})
export type RpcErrorObject = typeof RpcErrorObject.Type

export const RpcId = Schema.Union(Schema.Number, Schema.String)

/** A response: an `error` object, or a `result` (checked present by decodeResponseLine). */
export const RpcResponse = Schema.Union(
  Schema.Struct({ jsonrpc: Schema.Literal("2.0"), id: Schema.NullOr(RpcId), error: RpcErrorObject }),
  Schema.Struct({ jsonrpc: Schema.Literal("2.0"), id: RpcId, result: Schema.Unknown })
)
export type RpcResponse = typeof RpcResponse.Type

/** One request line, terminated by "\n". */
export const encodeRequest = (id: number | string, method: string, params: unknown): string =>
  `${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`

/** A decoded line, or why it is not a JSON-RPC 2.0 response. */
export const decodeResponseLine = (line: string): Either.Either<RpcResponse, string> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch (cause) {
    return Either.left(`not JSON: ${cause instanceof Error ? cause.message : String(cause)}`)
  }
  if (typeof parsed === "object" && parsed !== null && !("result" in parsed) && !("error" in parsed)) {
    return Either.left("not a JSON-RPC 2.0 response: neither result nor error")
  }
  return Schema.decodeUnknownEither(RpcResponse)(parsed).pipe(
    Either.mapLeft((error) => `not a JSON-RPC 2.0 response: ${error.message}`)
  )
}

/**
 * Splits a growing stdout buffer into complete lines; returns the lines and
 * the incomplete rest. Blank lines are dropped.
 */
export const splitLines = (buffer: string): { readonly lines: ReadonlyArray<string>; readonly rest: string } => {
  const parts = buffer.split("\n")
  const rest = parts.pop() ?? ""
  return { lines: parts.map((part) => part.replace(/\r$/, "")).filter((part) => part.trim() !== ""), rest }
}
