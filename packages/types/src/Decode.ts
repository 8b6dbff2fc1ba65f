/**
 * Decoding at the edge: turns Schema parse errors into one readable
 * `InvalidInput` that names the source, the field and, for a JSON text,
 * the line and column of that field.
 */
import { Effect, ParseResult, Schema } from "effect"
import { InvalidInput } from "./Errors.js"
import { jsonLineColumn, jsonNodeAt, type JsonPath, parseJsonPositions } from "./JsonPositions.js"

const formatPath = (path: ReadonlyArray<PropertyKey>): string =>
  path.map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`)).join("")

/** Where a field of the input is: 1-based line and column, when the input has lines. */
export type LocateField = (path: JsonPath) => { readonly line: number; readonly column: number } | undefined

const EXPECTED = /^Expected (.+), actual (.+)$/s

const pathKey = (path: ReadonlyArray<PropertyKey>): string => JSON.stringify(path.map(String))

/**
 * The message of the first issue, and how many other fields have problems.
 * A union of literals ("P0" | "P1" | ...) fails once per member, all at one
 * path with one actual value: one problem, said with every allowed value.
 */
const firstProblem = (issues: ReadonlyArray<ParseResult.ArrayFormatterIssue>) => {
  const first = issues[0]
  if (first === undefined) return { message: "invalid value", otherFields: 0 }
  const firstKey = pathKey(first.path)
  const otherFields = new Set(issues.map((issue) => pathKey(issue.path)).filter((key) => key !== firstKey)).size
  const head = EXPECTED.exec(first.message)
  const alternatives = issues.filter((issue) => pathKey(issue.path) === firstKey && EXPECTED.exec(issue.message)?.[2] === head?.[2])
  if (head === null || alternatives.length < 2) return { message: first.message, otherFields }
  // An optional field is a union with undefined; a value that is there was not meant to be left out.
  const expected = alternatives.map((issue) => EXPECTED.exec(issue.message)?.[1] ?? "").filter((e) => e !== "undefined")
  return { message: `Expected ${expected.length === 0 ? "undefined" : expected.join(" | ")}, actual ${head[2]}`, otherFields }
}

/** The first problem of a parse error as an `InvalidInput`; `locate` adds the field's line and column. */
export const toInvalidInput = (source: string, error: ParseResult.ParseError, locate?: LocateField): InvalidInput => {
  const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
  const path = issues[0]?.path ?? []
  const { message, otherFields } = firstProblem(issues)
  const at = locate?.(path)
  return new InvalidInput({
    source,
    path: formatPath(path),
    ...(at === undefined ? {} : { line: at.line, column: at.column }),
    reason: message + (otherFields > 0 ? ` (and ${otherFields} more)` : "")
  })
}

/**
 * Locates fields in a JSON text: the value at a path, or for a missing key
 * the nearest enclosing value that exists. Parses the text again with
 * positions, so use it only to explain a failure.
 */
export const jsonFieldLocator = (text: string): LocateField => {
  const parsed = parseJsonPositions(text)
  return (path) => {
    if (parsed._tag === "Left") return undefined
    for (let depth = path.length; depth >= 0; depth--) {
      const node = jsonNodeAt(parsed.right, path.slice(0, depth))
      if (node !== undefined) return jsonLineColumn(text, node.offset)
    }
    return undefined
  }
}

const options = { errors: "all", onExcessProperty: "ignore" } as const

/** Decodes unknown input with `schema`, failing with `InvalidInput` for `source`. */
export const decodeInput =
  <A, I, R>(schema: Schema.Schema<A, I, R>, source: string) =>
  (input: unknown): Effect.Effect<A, InvalidInput, R> =>
    Schema.decodeUnknown(schema, options)(input).pipe(Effect.mapError((error) => toInvalidInput(source, error)))

/**
 * Decodes `value`, parsed from the JSON `text` of `source` (a file), failing
 * with an `InvalidInput` that names the line and column of the bad field.
 */
export const decodeJsonInput =
  <A, I, R>(schema: Schema.Schema<A, I, R>, source: string) =>
  (text: string, value: unknown): Effect.Effect<A, InvalidInput, R> =>
    Schema.decodeUnknown(schema, options)(value).pipe(Effect.mapError((error) => toInvalidInput(source, error, jsonFieldLocator(text))))

/** Synchronous variant for pure code paths (tests, parsers). */
export const decodeInputEither =
  <A, I>(schema: Schema.Schema<A, I, never>, source: string) =>
  (input: unknown) =>
    Schema.decodeUnknownEither(schema, { errors: "all" })(input).pipe(
      (either) => either._tag === "Left" ? { _tag: "Left" as const, left: toInvalidInput(source, either.left) } : either
    )
