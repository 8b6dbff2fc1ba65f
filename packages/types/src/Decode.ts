/**
 * Decoding at the edge: turns Schema parse errors into one readable
 * `InvalidInput` that names the source and the field.
 */
import { Effect, ParseResult, Schema } from "effect"
import { InvalidInput } from "./Errors.js"

const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`)).join("")

/** The first issue of a parse error as an `InvalidInput`. */
export const toInvalidInput = (source: string, error: ParseResult.ParseError): InvalidInput => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const first = issues[0]
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ""
  return new InvalidInput({
    source,
    path: first === undefined ? "" : formatPath(first.path),
    reason: (first?.message ?? "invalid value") + more
  })
}

/** Decodes unknown input with `schema`, failing with `InvalidInput` for `source`. */
export const decodeInput =
  <A, I, R>(schema: Schema.Schema<A, I, R>, source: string) =>
  (input: unknown): Effect.Effect<A, InvalidInput, R> =>
    Schema.decodeUnknown(schema, { errors: "all", onExcessProperty: "ignore" })(input).pipe(
      Effect.mapError((error) => toInvalidInput(source, error))
    )

/** Synchronous variant for pure code paths (tests, parsers). */
export const decodeInputEither =
  <A, I>(schema: Schema.Schema<A, I, never>, source: string) =>
  (input: unknown) =>
    Schema.decodeUnknownEither(schema, { errors: "all" })(input).pipe(
      (either) => either._tag === "Left" ? { _tag: "Left" as const, left: toInvalidInput(source, either.left) } : either
    )
