/**
 * The journal of an org apply, kept in the platform's state store: which
 * spec is being applied, when the run started, how many steps it has, every
 * step's outcome as it happens, and the earlier runs of the same spec that
 * stopped before finishing. An apply killed half-way leaves its run
 * unfinished; the next apply of the same spec sees where it stopped.
 *
 * Drivers: `applyJournalMemory()` here, SQLite (`ApplyJournalSqlite`, the --store file)
 * and DynamoDB (`ApplyJournalDynamo`, the aws: store's table). Every write is
 * one atomic statement or item, so a crash between two leaves a readable run.
 */
import { Context, Effect, Layer, Option, Ref, Schema } from "effect"

export const JournalEntry = Schema.Struct({
  step: Schema.Int,
  description: Schema.String,
  outcome: Schema.Literal("applied", "already-done", "skipped"),
  at: Schema.String
})
export type JournalEntry = typeof JournalEntry.Type

export const InterruptedRun = Schema.Struct({ startedAt: Schema.String, done: Schema.Int, total: Schema.Int })
export type InterruptedRun = typeof InterruptedRun.Type

export const ApplyJournal = Schema.Struct({
  /** The spec's key (the CLI uses the spec file's absolute path). */
  spec: Schema.String,
  /** ISO time the run started; it also names the run. */
  startedAt: Schema.String,
  /** Steps of the plan this run executes. */
  total: Schema.Int,
  finished: Schema.Boolean,
  entries: Schema.Array(JournalEntry),
  /** Earlier runs of the same spec that stopped before finishing. */
  interrupted: Schema.Array(InterruptedRun)
})
export type ApplyJournal = typeof ApplyJournal.Type

export class ApplyJournalError extends Schema.TaggedError<ApplyJournalError>()("ApplyJournalError", {
  operation: Schema.String,
  reason: Schema.Literal("Unavailable", "Corrupt", "NotStarted"),
  location: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `org apply journal (${this.location}): ${this.operation}: ${this.reason}: ${this.detail}`
  }
}

/** Which run a step belongs to. */
export interface RunKey {
  readonly spec: string
  readonly startedAt: string
}

export interface ApplyJournalStoreShape {
  /** Where the journal lives, for messages ("sqlite:/x/miyabi.db", "dynamodb:miyabi-tasks"). */
  readonly location: string
  /** The latest run recorded for `spec`, with its entries in step order. */
  readonly latest: (spec: string) => Effect.Effect<Option.Option<ApplyJournal>, ApplyJournalError>
  /** Records a new run of `journal.spec` (its entries are written as given); the earlier run's entries are dropped. */
  readonly begin: (journal: ApplyJournal) => Effect.Effect<void, ApplyJournalError>
  /** Appends one step's outcome to the run `run` (fails NotStarted if that run is not the spec's current one). */
  readonly record: (run: RunKey, entry: JournalEntry) => Effect.Effect<void, ApplyJournalError>
  /** Marks the run finished. */
  readonly finish: (run: RunKey) => Effect.Effect<void, ApplyJournalError>
}

export class ApplyJournalStore extends Context.Tag("@miyabi/account-factory/ApplyJournalStore")<ApplyJournalStore, ApplyJournalStoreShape>() {}

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

/** The journal in memory (tests, dry runs). */
export const applyJournalMemory = (): Layer.Layer<ApplyJournalStore> =>
  Layer.effect(
    ApplyJournalStore,
    Effect.map(Ref.make(new Map<string, ApplyJournal>()), (runs) => {
      const current = (operation: string, run: RunKey) =>
        Effect.flatMap(Ref.get(runs), (map) => {
          const journal = map.get(run.spec)
          return journal !== undefined && journal.startedAt === run.startedAt
            ? Effect.succeed(journal)
            : Effect.fail(new ApplyJournalError({ operation, reason: "NotStarted", location: "memory", detail: `no run of ${run.spec} started at ${run.startedAt}` }))
        })
      const put = (journal: ApplyJournal) => Ref.update(runs, (map) => new Map(map).set(journal.spec, journal))
      return {
        location: "memory",
        latest: (spec) => Effect.map(Ref.get(runs), (map) => Option.fromNullable(map.get(spec))),
        begin: put,
        record: (run, entry) =>
          Effect.flatMap(current("record", run), (journal) =>
            put({ ...journal, entries: [...journal.entries.filter((e) => e.step !== entry.step), entry].sort((a, b) => a.step - b.step) })
          ),
        finish: (run) => Effect.flatMap(current("finish", run), (journal) => put({ ...journal, finished: true }))
      }
    })
  )
