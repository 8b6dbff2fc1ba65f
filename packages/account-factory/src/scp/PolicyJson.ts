/**
 * An SCP document as JSON: @miyabi/types' positions parser, with syntax
 * errors worded for a policy author (comments and trailing commas named as
 * such, since IAM and Organizations reject both), and the size AWS counts.
 */
import { jsonLineColumn, parseJsonPositions, type JsonNode, type JsonSyntaxError } from "@miyabi/types"
import { Either } from "effect"

export interface PolicySyntaxError {
  readonly offset: number
  readonly line: number
  readonly column: number
  readonly message: string
}

const COMMENT = "comments are not allowed in JSON (IAM and Organizations reject them)"

const describe = (char: string | undefined) => (char === undefined ? "end of input" : `"${char}"`)
const isComment = (text: string, at: number) => text[at] === "/" && (text[at + 1] === "/" || text[at + 1] === "*")

/** Where to point and what to say; `start` for errors about a whole token (a string, an escape, a literal). */
const explain = (text: string, error: JsonSyntaxError): { readonly offset: number; readonly message: string } => {
  const found = describe(text[error.offset])
  const at = (message: string) => ({ offset: error.offset, message })
  const atStart = (message: string) => ({ offset: error.start, message })
  // A comment can stand only between tokens, where a value, a key or punctuation was expected.
  if ((error.reason.startsWith("Expected") || error.reason === "TrailingText") && isComment(text, error.start)) return atStart(COMMENT)
  switch (error.reason) {
    case "ExpectedValue":
      return atStart(`unexpected ${describe(text[error.start])}`)
    case "ExpectedItem":
      return atStart(text[error.start] === "]" ? "trailing comma before ]" : `unexpected ${describe(text[error.start])}`)
    case "ExpectedKey":
      return at(text[error.offset] === "}" ? "trailing comma before }" : `expected a quoted key but found ${found}`)
    case "ExpectedColon":
      return at(`expected ":" but found ${found}`)
    case "ExpectedCommaOrBrace":
      return at(`expected "}" but found ${found}`)
    case "ExpectedCommaOrBracket":
      return at(`expected "," or "]" but found ${found}`)
    case "TrailingText":
      return at(`unexpected ${found} after the end of the document (a policy is one JSON object)`)
    case "UnterminatedString":
      return atStart("unterminated string")
    case "ControlCharacter":
      return at("control character in string")
    case "BadEscape":
      return atStart(`bad escape \\${text[error.start + 1] ?? ""}`)
    case "BadUnicodeEscape":
      return atStart("bad \\u escape")
    case "TooDeep":
      return at("nested too deeply")
  }
}

/** Parses a policy document, or says where (line and column) and why it is not JSON. */
export const parsePolicyJson = (text: string): Either.Either<JsonNode, PolicySyntaxError> =>
  Either.mapLeft(parseJsonPositions(text), (error) => {
    const { message, offset } = explain(text, error)
    return { offset, ...jsonLineColumn(text, offset), message }
  })

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
    } else if (char !== " " && char !== "\t" && char !== "\n" && char !== "\r") {
      count++
      if (char === "\"") inString = true
    }
  }
  return count
}
