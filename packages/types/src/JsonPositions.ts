/**
 * A strict JSON parser (RFC 8259) that keeps the offset of every value, for
 * messages that name a line and column: a bad `--payload`, an SCP finding, a
 * decode error's field. V8's JSON.parse on Node 20 reports a position only
 * for some errors ("Unexpected token 'h', ... is not valid JSON" has none),
 * and accepts nothing more than this does: comments, trailing commas and
 * single quotes are errors.
 *
 * A syntax error says what was expected (`reason`) and where, with no
 * wording of its own: the CLI and the SCP linter word it for their readers.
 * Duplicate keys are kept in `entries` (a linter can report them);
 * `jsonToPlain` and `jsonNodeAt` let the last one win, as JSON.parse does.
 */
import { Either, Schema } from "effect"

export type JsonNode =
  | { readonly kind: "object"; readonly offset: number; readonly entries: ReadonlyArray<JsonEntry> }
  | { readonly kind: "array"; readonly offset: number; readonly items: ReadonlyArray<JsonNode> }
  | { readonly kind: "string"; readonly offset: number; readonly value: string }
  | { readonly kind: "number"; readonly offset: number; readonly value: number }
  | { readonly kind: "boolean"; readonly offset: number; readonly value: boolean }
  | { readonly kind: "null"; readonly offset: number }

export interface JsonEntry {
  readonly key: string
  readonly keyOffset: number
  readonly value: JsonNode
}

/** Object keys and array indexes from the root, as Schema's ArrayFormatter gives an issue's path. */
export type JsonPath = ReadonlyArray<PropertyKey>

/** Containers nested deeper than this are an error rather than a stack overflow. */
export const MAX_JSON_DEPTH = 512

/**
 * Why text is not JSON. `Expected*` and `TrailingText` name what the parser
 * wanted where it stopped: `ExpectedValue` a value (top level or after ':'),
 * `ExpectedItem` an array item (after '[' or ','), `ExpectedKey` a quoted
 * property name (after '{' or ','), `ExpectedColon` the ':' after a key,
 * `ExpectedCommaOrBrace` / `ExpectedCommaOrBracket` what follows a member or
 * an item, `TrailingText` the end of the text after the value.
 */
export const JsonSyntaxReason = Schema.Literal(
  "ExpectedValue",
  "ExpectedItem",
  "ExpectedKey",
  "ExpectedColon",
  "ExpectedCommaOrBrace",
  "ExpectedCommaOrBracket",
  "TrailingText",
  "UnterminatedString",
  "ControlCharacter",
  "BadEscape",
  "BadUnicodeEscape",
  "TooDeep"
)
export type JsonSyntaxReason = typeof JsonSyntaxReason.Type

/**
 * Where and why text stops being JSON. `offset` is the first character that
 * cannot be read (the text's length at its end), with its 1-based `line` and
 * `column`. `start` is where the construct that fails begins: the literal or
 * number of an `ExpectedValue`/`ExpectedItem` (`tru` fails at its end, starts
 * at `t`), the opening quote of an `UnterminatedString`, the backslash of an
 * escape; `offset` otherwise.
 */
export class JsonSyntaxError extends Schema.TaggedError<JsonSyntaxError>()("JsonSyntaxError", {
  reason: JsonSyntaxReason,
  offset: Schema.Int,
  start: Schema.Int,
  line: Schema.Int,
  column: Schema.Int
}) {
  override get message(): string {
    return `invalid JSON at line ${this.line}, column ${this.column}: ${this.reason}`
  }
}

/** 1-based line and column of a character offset ("\n" ends a line). */
export const jsonLineColumn = (text: string, offset: number): { readonly line: number; readonly column: number } => {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === "\n") {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}

const isWhitespace = (char: string | undefined) => char === " " || char === "\t" || char === "\n" || char === "\r"
const ESCAPES: Readonly<Record<string, string>> = { "\"": "\"", "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" }
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/
const HEX = /[0-9a-fA-F]/

/** Thrown inside the parser only, caught by `parseJsonPositions`. */
interface Stop {
  readonly stop: true
  readonly reason: JsonSyntaxReason
  readonly offset: number
  readonly start: number
}
const isStop = (value: unknown): value is Stop => typeof value === "object" && value !== null && "stop" in value

/** Parses `text` as one JSON value with the offset of every value and key, or says where and why it is not JSON. */
export const parseJsonPositions = (text: string): Either.Either<JsonNode, JsonSyntaxError> => {
  let at = 0
  const fail = (reason: JsonSyntaxReason, offset = at, start = offset): never => {
    throw { stop: true, reason, offset, start } satisfies Stop
  }
  const skip = () => {
    while (isWhitespace(text[at])) at++
  }
  const parseString = (): string => {
    const quote = at
    at++
    let value = ""
    for (;;) {
      const char = text[at]
      if (char === undefined) return fail("UnterminatedString", at, quote)
      if (char === "\"") {
        at++
        return value
      }
      if (char < " ") fail("ControlCharacter")
      if (char !== "\\") {
        value += char
        at++
        continue
      }
      const escape = text[at + 1]
      if (escape === "u") {
        for (let k = 2; k <= 5; k++) if (!HEX.test(text[at + k] ?? "")) fail("BadUnicodeEscape", at + k, at)
        value += String.fromCharCode(parseInt(text.slice(at + 2, at + 6), 16))
        at += 6
      } else {
        const simple = escape === undefined ? undefined : ESCAPES[escape]
        if (simple === undefined) fail("BadEscape", at + 1, at)
        value += simple
        at += 2
      }
    }
  }
  const parseLiteral = (word: string, expected: JsonSyntaxReason, start: number): void => {
    for (const char of word) {
      if (text[at] !== char) fail(expected, at, start)
      at++
    }
  }
  /** The members of an object or array, from its opening bracket (at `at`) to its closing one. */
  const members = <A>(close: "}" | "]", missing: "ExpectedCommaOrBrace" | "ExpectedCommaOrBracket", member: () => A): Array<A> => {
    at++
    const all: Array<A> = []
    skip()
    if (text[at] === close) return (at++, all)
    for (;;) {
      all.push(member())
      skip()
      if (text[at] === ",") {
        at++
        continue
      }
      if (text[at] !== close) fail(missing)
      at++
      return all
    }
  }
  const parseValue = (depth: number, expected: "ExpectedValue" | "ExpectedItem"): JsonNode => {
    if (depth > MAX_JSON_DEPTH) fail("TooDeep")
    skip()
    const offset = at
    const char = text[at]
    if (char === "{") {
      const entries = members("}", "ExpectedCommaOrBrace", () => {
        skip()
        if (text[at] !== "\"") fail("ExpectedKey")
        const keyOffset = at
        const key = parseString()
        skip()
        if (text[at] !== ":") fail("ExpectedColon")
        at++
        return { key, keyOffset, value: parseValue(depth + 1, "ExpectedValue") }
      })
      return { kind: "object", offset, entries }
    }
    if (char === "[") return { kind: "array", offset, items: members("]", "ExpectedCommaOrBracket", () => parseValue(depth + 1, "ExpectedItem")) }
    if (char === "\"") return { kind: "string", offset, value: parseString() }
    if (char === "t" || char === "f") {
      parseLiteral(char === "t" ? "true" : "false", expected, offset)
      return { kind: "boolean", offset, value: char === "t" }
    }
    if (char === "n") return (parseLiteral("null", expected, offset), { kind: "null", offset })
    const number = NUMBER.exec(text.slice(at))
    if (number === null) return fail(expected)
    at += number[0].length
    return { kind: "number", offset, value: Number(number[0]) }
  }
  try {
    const node = parseValue(0, "ExpectedValue")
    skip()
    if (at < text.length) fail("TrailingText")
    return Either.right(node)
  } catch (error) {
    if (!isStop(error)) throw error
    return Either.left(new JsonSyntaxError({ reason: error.reason, offset: error.offset, start: error.start, ...jsonLineColumn(text, error.offset) }))
  }
}

/** The plain JavaScript value of a node, as JSON.parse would give it (the last of duplicate keys wins). */
export const jsonToPlain = (node: JsonNode): unknown => {
  switch (node.kind) {
    case "object":
      return Object.fromEntries(node.entries.map((entry) => [entry.key, jsonToPlain(entry.value)]))
    case "array":
      return node.items.map(jsonToPlain)
    case "null":
      return null
    default:
      return node.value
  }
}

/** The node at `path` below `root` (the last of duplicate keys, as JSON.parse keeps), or undefined when there is none. */
export const jsonNodeAt = (root: JsonNode, path: JsonPath): JsonNode | undefined => {
  let node: JsonNode | undefined = root
  for (const key of path) {
    if (node === undefined) return undefined
    if (node.kind === "object" && typeof key === "string") node = node.entries.findLast((entry) => entry.key === key)?.value
    else if (node.kind === "array" && typeof key === "number") node = node.items[key]
    else return undefined
  }
  return node
}
