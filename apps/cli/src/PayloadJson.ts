/**
 * Reads a task payload given as `--payload JSON` or `--payload-file F`.
 * JSON syntax errors name the flag, the line and column, and the offset.
 */
import { InvalidInput } from "@miyabi/types"
import { Effect } from "effect"
import * as fs from "node:fs"
import { findJsonSyntaxError } from "./JsonSyntax.js"

/** Line and column (1-based) of a character offset. */
export const lineColumn = (text: string, position: number): { readonly line: number; readonly column: number } => {
  const before = text.slice(0, position)
  const lines = before.split("\n")
  return { line: lines.length, column: (lines[lines.length - 1] ?? "").length + 1 }
}

/** Parses JSON text, failing with an `InvalidInput` that says where the syntax breaks. */
export const parseJson = (text: string, source: string): Effect.Effect<unknown, InvalidInput> =>
  Effect.try({
    try: () => JSON.parse(text) as unknown,
    catch: (error) => {
      const syntax = findJsonSyntaxError(text)
      if (syntax === undefined) return new InvalidInput({ source, reason: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` })
      const { column, line } = lineColumn(text, syntax.position)
      return new InvalidInput({ source, line, column, reason: `invalid JSON: ${syntax.reason} (position ${syntax.position})` })
    }
  })

/** The payload of `tasks enqueue`: from a flag, from a file, or `{}` when neither is given. */
export const readPayload = (options: {
  readonly payload: string | undefined
  readonly payloadFile: string | undefined
}): Effect.Effect<unknown, InvalidInput> => {
  if (options.payload !== undefined && options.payloadFile !== undefined) {
    return Effect.fail(new InvalidInput({ source: "--payload", reason: "give either --payload or --payload-file, not both" }))
  }
  if (options.payload !== undefined) return parseJson(options.payload, "--payload")
  const file = options.payloadFile
  if (file === undefined) return Effect.succeed({})
  return Effect.try({
    try: () => fs.readFileSync(file, "utf8"),
    catch: (error) =>
      new InvalidInput({
        source: "--payload-file",
        reason: `cannot read ${file}: ${error instanceof Error && "code" in error ? String(error.code) : String(error)}`
      })
  }).pipe(Effect.flatMap((text) => parseJson(text, `--payload-file ${file}`)))
}
