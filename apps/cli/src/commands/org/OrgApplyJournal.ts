/**
 * The journal of `miyabi org apply`: a JSON file beside --store recording
 * which spec is being applied and every step's outcome as it happens, written
 * atomically after each step. An apply killed half-way leaves it unfinished;
 * the next apply of the same spec says where the earlier one stopped, plans
 * again against the live organization (so what was done is not planned
 * again, and the library's apply skips steps it finds done) and finishes.
 */
import { InvalidInput } from "@miyabi/types"
import { Effect, Schema } from "effect"
import * as fs from "node:fs"

export const JournalEntry = Schema.Struct({
  step: Schema.Int,
  description: Schema.String,
  outcome: Schema.Literal("applied", "already-done", "skipped"),
  at: Schema.String
})
export type JournalEntry = typeof JournalEntry.Type

export const ApplyJournal = Schema.Struct({
  spec: Schema.String,
  startedAt: Schema.String,
  /** Steps of the plan this run executes. */
  total: Schema.Int,
  finished: Schema.Boolean,
  entries: Schema.Array(JournalEntry),
  /** Earlier runs of the same spec that stopped before finishing. */
  interrupted: Schema.Array(Schema.Struct({ startedAt: Schema.String, done: Schema.Int, total: Schema.Int }))
})
export type ApplyJournal = typeof ApplyJournal.Type

const JournalJson = Schema.parseJson(ApplyJournal)

const failure = (file: string, what: string) => (error: unknown) =>
  new InvalidInput({ source: `org apply journal ${file}`, reason: `${what}: ${error instanceof Error ? error.message : String(error)}` })

/** The journal in `file`, or undefined when there is none (a corrupt one counts as none). */
export const readJournal = (file: string): Effect.Effect<ApplyJournal | undefined> =>
  Effect.try(() => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined)).pipe(
    Effect.flatMap((text) => (text === undefined ? Effect.succeed(undefined) : Schema.decodeUnknown(JournalJson)(text))),
    Effect.orElseSucceed(() => undefined)
  )

/** Writes the journal atomically (temporary file, then rename). */
export const writeJournal = (file: string, journal: ApplyJournal): Effect.Effect<void, InvalidInput> =>
  Effect.try({
    try: () => {
      const temporary = `${file}.${process.pid}.tmp`
      fs.writeFileSync(temporary, JSON.stringify(Schema.encodeSync(ApplyJournal)(journal), null, 2), "utf8")
      fs.renameSync(temporary, file)
    },
    catch: failure(file, "cannot write")
  })

/** A new run's journal: it inherits the unfinished runs of the same spec from `previous`. */
export const startJournal = (previous: ApplyJournal | undefined, spec: string, total: number, now: Date): ApplyJournal => ({
  spec,
  startedAt: now.toISOString(),
  total,
  finished: false,
  entries: [],
  interrupted:
    previous !== undefined && previous.spec === spec && !previous.finished
      ? [...previous.interrupted, { startedAt: previous.startedAt, done: previous.entries.length, total: previous.total }]
      : []
})
