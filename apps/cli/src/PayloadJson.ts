/**
 * Reads a task payload given as `--payload JSON` or `--payload-file F`.
 * JSON syntax errors name the flag, the line and column, and the offset.
 */
import { InvalidInput, parseJsonPositions, type JsonSyntaxError } from "@miyabi/types"
import { Effect, Either } from "effect"
import * as fs from "node:fs"

/** What a syntax error means, in the words this command has always printed. */
const syntaxReason = (text: string, error: JsonSyntaxError): string => {
  switch (error.reason) {
    case "ExpectedValue":
    case "ExpectedItem":
      return error.offset >= text.length ? "unexpected end of input" : `unexpected ${JSON.stringify(text[error.offset])}`
    case "ExpectedKey":
      return "expected a property name in double quotes"
    case "ExpectedColon":
      return "expected ':'"
    case "ExpectedCommaOrBrace":
      return "expected ',' or '}'"
    case "ExpectedCommaOrBracket":
      return "expected ',' or ']'"
    case "TrailingText":
      return "unexpected text after the JSON value"
    case "UnterminatedString":
      return "unterminated string"
    case "ControlCharacter":
      return "control character in a string"
    case "BadEscape":
      return "bad escape"
    case "BadUnicodeEscape":
      return "bad \\u escape"
    case "TooDeep":
      return "nested too deeply"
  }
}

/**
 * Parses JSON text, failing with an `InvalidInput` that says where the syntax
 * breaks. JSON.parse reads valid text (it is faster); the positions parser
 * runs only to explain a failure.
 */
export const parseJson = (text: string, source: string): Effect.Effect<unknown, InvalidInput> =>
  Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: (error) => {
      const syntax = parseJsonPositions(text)
      if (Either.isRight(syntax)) return new InvalidInput({ source, reason: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` })
      const { column, line, offset } = syntax.left
      return new InvalidInput({ source, line, column, reason: `invalid JSON: ${syntaxReason(text, syntax.left)} (position ${offset})` })
    }
  })

/**
 * The payload of `tasks enqueue`: from a flag, from a file, or `{}` when
 * neither is given; with the file's text (`fileText`), for errors that name
 * the line of a bad field.
 */
export const readPayload = (options: {
  readonly payload: string | undefined
  readonly payloadFile: string | undefined
}): Effect.Effect<{ readonly value: unknown; readonly fileText?: string }, InvalidInput> => {
  if (options.payload !== undefined && options.payloadFile !== undefined) {
    return Effect.fail(new InvalidInput({ source: "--payload", reason: "give either --payload or --payload-file, not both" }))
  }
  if (options.payload !== undefined) return Effect.map(parseJson(options.payload, "--payload"), (value) => ({ value }))
  const file = options.payloadFile
  if (file === undefined) return Effect.succeed({ value: {} })
  return Effect.try({
    try: () => fs.readFileSync(file, "utf8"),
    catch: (error) =>
      new InvalidInput({
        source: "--payload-file",
        reason: `cannot read ${file}: ${error instanceof Error && "code" in error ? String(error.code) : String(error)}`
      })
  }).pipe(Effect.flatMap((text) => Effect.map(parseJson(text, `--payload-file ${file}`), (value) => ({ value, fileText: text }))))
}
