/**
 * World state files: read (one-line errors naming the file and the field)
 * and write the versioned WorldStateJson encoding, and JSON files in general.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { dirname } from "node:path"
import { decodeInput, InvalidInput, WorldState } from "@miyabi/types"
import { Effect, Schema } from "effect"

const message = (cause: unknown) => (cause instanceof Error ? cause.message : String(cause))

/** A JSON file's parsed content; a missing file or bad JSON is an InvalidInput naming the file. */
export const readJsonFile = (path: string): Effect.Effect<unknown, InvalidInput> =>
  Effect.tryPromise({
    try: () => readFile(path, "utf8"),
    catch: (cause) => new InvalidInput({ source: path, reason: `cannot read: ${message(cause)}` })
  }).pipe(
    Effect.flatMap((text) =>
      Effect.try({ try: (): unknown => JSON.parse(text), catch: (cause) => new InvalidInput({ source: path, reason: `not JSON (${message(cause)})` }) })
    )
  )

/** A world state file (WorldStateJson); the error names the file and the first bad field. */
export const readWorld = (path: string): Effect.Effect<WorldState, InvalidInput> =>
  Effect.flatMap(readJsonFile(path), decodeInput(WorldState, path))

/** The world as its JSON document (the object WorldStateJson writes). */
export const encodeWorld = (world: WorldState): unknown => Schema.encodeSync(WorldState)(world)

/** Writes `value` as pretty JSON (or `text` as is), creating the folder. */
export const writeTextFile = (path: string, text: string): Effect.Effect<void, InvalidInput> =>
  Effect.tryPromise({
    try: async () => {
      await mkdir(dirname(path), { recursive: true })
      await writeFile(path, text.endsWith("\n") ? text : `${text}\n`)
    },
    catch: (cause) => new InvalidInput({ source: path, reason: `cannot write: ${message(cause)}` })
  })

export const writeJsonFile = (path: string, value: unknown): Effect.Effect<void, InvalidInput> => writeTextFile(path, JSON.stringify(value, null, 2))
