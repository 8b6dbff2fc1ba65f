/**
 * World state files: read (one-line errors naming the file, the line and
 * the field) and write the versioned WorldStateJson encoding, and JSON files
 * in general.
 */
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises"
import { basename, dirname, join } from "node:path"
import { decodeJsonInput, InvalidInput, WorldState } from "@miyabi/types"
import { Effect, Schema } from "effect"
import { parseJson } from "../../PayloadJson.js"

const message = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

const readText = (path: string): Effect.Effect<string, InvalidInput> =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (cause) => new InvalidInput({ source: path, reason: `cannot read: ${message(cause)}` })
  }).pipe(Effect.filterOrFail((text) => text.trim() !== "", () => new InvalidInput({ source: path, reason: "the file is empty" })))

/** A JSON file's text and parsed content; a missing file or bad JSON is an InvalidInput naming the file (and the line). */
const readJson = (path: string): Effect.Effect<{ readonly text: string; readonly value: unknown }, InvalidInput> =>
  Effect.flatMap(readText(path), (text) => Effect.map(parseJson(text, path), (value) => ({ text, value })))

/** A JSON file's parsed content; a missing file or bad JSON is an InvalidInput naming the file (and the line). */
export const readJsonFile = (path: string): Effect.Effect<unknown, InvalidInput> => Effect.map(readJson(path), ({ value }) => value)

/** A JSON file decoded with `schema`; the error names the file, the line and column, and the field. */
export const decodeJsonFile = <A, I>(schema: Schema.Schema<A, I>, path: string): Effect.Effect<A, InvalidInput> =>
  Effect.flatMap(readJson(path), ({ text, value }) => decodeJsonInput(schema, path)(text, value))

/** A world state file (WorldStateJson); the error names the file, the line and the first bad field. */
export const readWorld = (path: string): Effect.Effect<WorldState, InvalidInput> => decodeJsonFile(WorldState, path)

/** The world as its JSON document (the object WorldStateJson writes). */
export const encodeWorld = (world: WorldState): unknown => Schema.encodeSync(WorldState)(world)

/**
 * Writes `text` to `path` in one step, creating the folder: a temporary file
 * beside it, renamed over it when complete, so a failing or killed run
 * leaves the old file (or none), never half of the new one.
 */
export const replaceFile = (path: string, text: string): Effect.Effect<void, InvalidInput> =>
  Effect.tryPromise({
    try: async () => {
      await mkdir(dirname(path), { recursive: true })
      const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`)
      try {
        await writeFile(temporary, text)
        await rename(temporary, path)
      } finally {
        await rm(temporary, { force: true })
      }
    },
    catch: (cause) => new InvalidInput({ source: path, reason: `cannot write: ${message(cause)}` })
  })

/** Writes `text` (with a final newline) in one step, creating the folder. */
export const writeTextFile = (path: string, text: string): Effect.Effect<void, InvalidInput> =>
  replaceFile(path, text.endsWith("\n") ? text : `${text}\n`)

/** Writes `value` as pretty JSON in one step, creating the folder. */
export const writeJsonFile = (path: string, value: unknown): Effect.Effect<void, InvalidInput> => writeTextFile(path, JSON.stringify(value, null, 2))
