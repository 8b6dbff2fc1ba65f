/**
 * A strict JSON parser (RFC 8259) that keeps the offset of every value, so
 * that policy findings and syntax errors can name a line and column.
 * JSON.parse reports no reliable position on Node 20, and accepts nothing
 * more than this does: comments, trailing commas and single quotes are errors.
 */
import { Either } from "effect"

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

export interface JsonSyntaxError {
  readonly offset: number
  readonly line: number
  readonly column: number
  readonly message: string
}

/** 1-based line and column of an offset. */
export const positionOf = (text: string, offset: number): { readonly line: number; readonly column: number } => {
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

class Failure {
  constructor(readonly offset: number, readonly message: string) {}
}

const describe = (char: string | undefined) => (char === undefined ? "end of input" : `"${char}"`)

/** Parses `text` as one JSON value, or says where and why it is not JSON. */
export const parseJson = (text: string): Either.Either<JsonNode, JsonSyntaxError> => {
  let at = 0
  const fail = (message: string, offset = at): never => {
    throw new Failure(offset, message)
  }
  const skip = () => {
    while (isWhitespace(text[at])) at++
    if (text[at] === "/" && (text[at + 1] === "/" || text[at + 1] === "*")) fail("comments are not allowed in JSON (IAM and Organizations reject them)")
  }
  const expect = (char: string) => {
    if (text[at] !== char) fail(`expected "${char}" but found ${describe(text[at])}`)
    at++
  }
  const parseString = (): string => {
    const start = at
    expect("\"")
    let value = ""
    for (;;) {
      const char = text[at]
      if (char === undefined) return fail("unterminated string", start)
      if (char === "\"") {
        at++
        return value
      }
      if (char === "\\") {
        const escape = text[at + 1]
        const simple: Record<string, string> = { "\"": "\"", "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" }
        if (escape === "u") {
          const hex = text.slice(at + 2, at + 6)
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape")
          value += String.fromCharCode(parseInt(hex, 16))
          at += 6
        } else if (escape !== undefined && simple[escape] !== undefined) {
          value += simple[escape]
          at += 2
        } else {
          fail(`bad escape \\${escape ?? ""}`)
        }
      } else if (char < " ") {
        fail("control character in string")
      } else {
        value += char
        at++
      }
    }
  }
  const parseValue = (): JsonNode => {
    skip()
    const offset = at
    const char = text[at]
    if (char === "{") {
      at++
      const entries: Array<JsonEntry> = []
      skip()
      if (text[at] === "}") {
        at++
        return { kind: "object", offset, entries }
      }
      for (;;) {
        skip()
        if (text[at] !== "\"") fail(text[at] === "}" ? "trailing comma before }" : `expected a quoted key but found ${describe(text[at])}`)
        const keyOffset = at
        const key = parseString()
        skip()
        expect(":")
        const value = parseValue()
        entries.push({ key, keyOffset, value })
        skip()
        if (text[at] === ",") {
          at++
          continue
        }
        expect("}")
        return { kind: "object", offset, entries }
      }
    }
    if (char === "[") {
      at++
      const items: Array<JsonNode> = []
      skip()
      if (text[at] === "]") {
        at++
        return { kind: "array", offset, items }
      }
      for (;;) {
        skip()
        if (text[at] === "]") fail("trailing comma before ]")
        items.push(parseValue())
        skip()
        if (text[at] === ",") {
          at++
          continue
        }
        if (text[at] !== "]") fail(`expected "," or "]" but found ${describe(text[at])}`)
        at++
        return { kind: "array", offset, items }
      }
    }
    if (char === "\"") return { kind: "string", offset, value: parseString() }
    const literal = /^(true|false|null)/.exec(text.slice(at, at + 5))
    if (literal !== null) {
      at += literal[1]?.length ?? 0
      return literal[1] === "null" ? { kind: "null", offset } : { kind: "boolean", offset, value: literal[1] === "true" }
    }
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at))
    if (number !== null && number[0].length > 0) {
      at += number[0].length
      return { kind: "number", offset, value: Number(number[0]) }
    }
    return fail(`unexpected ${describe(char)}`)
  }
  try {
    const node = parseValue()
    skip()
    if (at < text.length) fail(`unexpected ${describe(text[at])} after the end of the document (a policy is one JSON object)`)
    return Either.right(node)
  } catch (error) {
    if (error instanceof Failure) return Either.left({ offset: error.offset, ...positionOf(text, error.offset), message: error.message })
    throw error
  }
}

/** The plain JavaScript value of a node. */
export const toPlain = (node: JsonNode): unknown => {
  switch (node.kind) {
    case "object":
      return Object.fromEntries(node.entries.map((entry) => [entry.key, toPlain(entry.value)]))
    case "array":
      return node.items.map(toPlain)
    case "null":
      return null
    default:
      return node.value
  }
}

/**
 * Characters once whitespace outside strings is removed: what counts toward
 * the 5,120-character SCP limit when the document is stored minified.
 */
export const minifiedLength = (text: string): number => {
  let count = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (inString) {
      count++
      if (char === "\\") {
        count++
        i++
      } else if (char === "\"") inString = false
    } else if (!isWhitespace(char)) {
      count++
      if (char === "\"") inString = true
    }
  }
  return count
}
