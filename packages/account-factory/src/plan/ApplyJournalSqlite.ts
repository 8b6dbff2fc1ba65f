/**
 * The org apply journal in the platform's SQLite store (the --store file the
 * queue uses too): two tables of its own, created if absent, beside the
 * queue's (which are versioned with `user_version`; these are not, and leave
 * it alone).
 *
 *   org_apply_runs   one row per spec: its latest run
 *   org_apply_steps  (spec, run, step) -> outcome, one row per step done
 *
 * `begin` replaces the spec's run and drops the earlier run's steps in one
 * transaction; `record` inserts a step only if its run is still the spec's
 * current one. better-sqlite3 is loaded when the layer is built, so
 * importing this package does not load the native module.
 */
import type Database from "better-sqlite3"
import { openSqlite } from "../SqliteFile.js"
import { Effect, Layer, Option, Schema } from "effect"
import { ApplyJournalError, ApplyJournalStore, InterruptedRun, JournalEntry, type ApplyJournal } from "./ApplyJournal.js"

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS org_apply_runs (
    spec TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    total INTEGER NOT NULL,
    finished INTEGER NOT NULL,
    interrupted TEXT NOT NULL
  );
  CREATE TABLE IF NOT EXISTS org_apply_steps (
    spec TEXT NOT NULL,
    started_at TEXT NOT NULL,
    step INTEGER NOT NULL,
    description TEXT NOT NULL,
    outcome TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (spec, started_at, step)
  );
`

interface RunRow {
  readonly spec: string
  readonly started_at: string
  readonly total: number
  readonly finished: number
  readonly interrupted: string
}

const InterruptedJson = Schema.parseJson(Schema.Array(InterruptedRun))
const StepRow = Schema.Struct({ step: Schema.Int, description: Schema.String, outcome: JournalEntry.fields.outcome, at: Schema.String })

const statements = (db: Database.Database) => {
  const run = db.prepare<[string], RunRow>("SELECT * FROM org_apply_runs WHERE spec = ?")
  const steps = db.prepare<[string, string], unknown>("SELECT step, description, outcome, at FROM org_apply_steps WHERE spec = ? AND started_at = ? ORDER BY step")
  const putRun = db.prepare("INSERT OR REPLACE INTO org_apply_runs (spec, started_at, total, finished, interrupted) VALUES (@spec, @startedAt, @total, @finished, @interrupted)")
  const dropSteps = db.prepare<[string]>("DELETE FROM org_apply_steps WHERE spec = ?")
  const putStep = db.prepare(
    `INSERT OR REPLACE INTO org_apply_steps (spec, started_at, step, description, outcome, at)
     SELECT @spec, @startedAt, @step, @description, @outcome, @at WHERE EXISTS (SELECT 1 FROM org_apply_runs WHERE spec = @spec AND started_at = @startedAt)`
  )
  const finish = db.prepare<[string, string]>("UPDATE org_apply_runs SET finished = 1 WHERE spec = ? AND started_at = ?")
  const begin = db.transaction((journal: ApplyJournal) => {
    dropSteps.run(journal.spec)
    putRun.run({ spec: journal.spec, startedAt: journal.startedAt, total: journal.total, finished: journal.finished ? 1 : 0, interrupted: JSON.stringify(journal.interrupted) })
    for (const entry of journal.entries) putStep.run({ spec: journal.spec, startedAt: journal.startedAt, ...entry })
  })
  return { run, steps, putStep, finish, begin }
}

/** The journal in the SQLite file at `path` (created if absent; its directory must exist). */
export const layer = (path: string): Layer.Layer<ApplyJournalStore, ApplyJournalError> =>
  Layer.scoped(
    ApplyJournalStore,
    Effect.gen(function* () {
      const location = `sqlite:${path}`
      const failure = (operation: string) => (cause: unknown) =>
        new ApplyJournalError({ operation, reason: "Unavailable", location, detail: cause instanceof Error ? cause.message : String(cause) })
      const db = yield* openSqlite(path, SCHEMA, failure("open"))
      const sql = statements(db)
      const attempt = <A>(operation: string, body: () => A) => Effect.try({ try: body, catch: failure(operation) })
      const notStarted = (operation: string, spec: string, startedAt: string) =>
        new ApplyJournalError({ operation, reason: "NotStarted", location, detail: `no run of ${spec} started at ${startedAt}` })
      const corrupt = (operation: string) => (error: { readonly message: string }) => new ApplyJournalError({ operation, reason: "Corrupt", location, detail: error.message })

      return {
        location,
        latest: (spec) =>
          Effect.gen(function* () {
            const row = yield* attempt("latest", () => sql.run.get(spec))
            if (row === undefined) return Option.none()
            const interrupted = yield* Effect.mapError(Schema.decodeUnknown(InterruptedJson)(row.interrupted), corrupt("latest"))
            const entries = yield* Effect.mapError(Schema.decodeUnknown(Schema.Array(StepRow))(yield* attempt("latest", () => sql.steps.all(spec, row.started_at))), corrupt("latest"))
            return Option.some<ApplyJournal>({ spec, startedAt: row.started_at, total: row.total, finished: row.finished === 1, entries, interrupted })
          }),
        begin: (journal) => attempt("begin", () => sql.begin(journal)),
        record: (run, entry) =>
          Effect.flatMap(attempt("record", () => sql.putStep.run({ spec: run.spec, startedAt: run.startedAt, ...entry }).changes), (changes) =>
            changes === 1 ? Effect.void : Effect.fail(notStarted("record", run.spec, run.startedAt))
          ),
        finish: (run) =>
          Effect.flatMap(attempt("finish", () => sql.finish.run(run.spec, run.startedAt).changes), (changes) =>
            changes === 1 ? Effect.void : Effect.fail(notStarted("finish", run.spec, run.startedAt))
          )
      }
    })
  )
