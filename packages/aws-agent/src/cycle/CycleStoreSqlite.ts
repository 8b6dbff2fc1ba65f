/**
 * The SQLite cycle store: one file in WAL mode, open for the life of a
 * Scope. The file may also hold the task queue's tables (the CLI's
 * `--store sqlite:PATH` points both at one file), so this store creates and
 * touches only `cycle_*` tables and never uses `PRAGMA user_version` (the
 * queue versions its own schema with it).
 *
 *   cycle_runs   (cycle_id PK, started_at, input)            input as JSON text
 *   cycle_phases (cycle_id, phase_index) PK, phase, completed_at, output   output as JSON text
 *
 * Every write is one transaction, so a crash leaves a phase either absent or
 * complete. `history` reads the small columns only, never input or output.
 */
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import Database from "better-sqlite3"
import { Effect, Schema, type Scope } from "effect"
import type { CycleStoreShape, StoredPhase } from "./CycleStore.js"
import { checkId, checkPhase, corrupt, CycleStoreError, fromJson, toJson } from "./CycleStoreError.js"
import { newestFirst, startTime, summarize } from "./CycleStoreHistory.js"

export interface SqliteCycleStoreOptions {
  /** How long a statement waits for another process's write lock (default 5,000 ms). */
  readonly busyTimeoutMs?: number
}

const schema = `
  CREATE TABLE IF NOT EXISTS cycle_runs (
    cycle_id TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    input TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS cycle_runs_started ON cycle_runs (started_at, cycle_id);
  CREATE TABLE IF NOT EXISTS cycle_phases (
    cycle_id TEXT NOT NULL,
    phase_index INTEGER NOT NULL,
    phase TEXT NOT NULL,
    completed_at TEXT NOT NULL,
    output TEXT NOT NULL,
    PRIMARY KEY (cycle_id, phase_index)
  );
`

const RunRow = Schema.Struct({ started_at: Schema.String, input: Schema.String })
const PhaseRow = Schema.Struct({ phase_index: Schema.Int, phase: Schema.String, completed_at: Schema.String, output: Schema.String })
const HistoryRow = Schema.Struct({
  cycle_id: Schema.String,
  started_at: Schema.String,
  phase_index: Schema.NullOr(Schema.Int),
  phase: Schema.NullOr(Schema.String),
  completed_at: Schema.NullOr(Schema.String)
})

const open = (path: string, options: SqliteCycleStoreOptions): Effect.Effect<Database.Database, CycleStoreError> =>
  Effect.try({
    try: () => {
      if (path !== ":memory:" && path !== "") mkdirSync(dirname(path), { recursive: true })
      const busyTimeoutMs = Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))
      const db = new Database(path, { timeout: busyTimeoutMs })
      try {
        db.pragma("journal_mode = WAL")
        // NORMAL is durable against process crashes in WAL mode; only an OS crash can lose the last commits.
        db.pragma("synchronous = NORMAL")
        db.transaction(() => db.exec(schema)).immediate()
        return db
      } catch (cause) {
        db.close()
        throw cause
      }
    },
    catch: (cause) => new CycleStoreError({ reason: "ReadFailed", cycleId: "*", detail: `cannot open ${path}: ${String(cause)}` })
  })

/** The store over the SQLite file at `path`; the database is closed when the Scope closes. */
export const makeSqlite = (path: string, options: SqliteCycleStoreOptions = {}): Effect.Effect<CycleStoreShape, CycleStoreError, Scope.Scope> =>
  Effect.gen(function*() {
    const db = yield* Effect.acquireRelease(open(path, options), (db) => Effect.sync(() => db.close()))
    const statements = yield* Effect.try({
      try: () => ({
        insertRun: db.prepare("INSERT INTO cycle_runs (cycle_id, started_at, input) VALUES (?, ?, ?) ON CONFLICT (cycle_id) DO NOTHING"),
        runExists: db.prepare("SELECT 1 FROM cycle_runs WHERE cycle_id = ?"),
        upsertPhase: db.prepare(
          `INSERT INTO cycle_phases (cycle_id, phase_index, phase, completed_at, output) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (cycle_id, phase_index) DO UPDATE SET phase = excluded.phase, completed_at = excluded.completed_at, output = excluded.output`
        ),
        run: db.prepare("SELECT started_at, input FROM cycle_runs WHERE cycle_id = ?"),
        phases: db.prepare("SELECT phase_index, phase, completed_at, output FROM cycle_phases WHERE cycle_id = ? ORDER BY phase_index"),
        ids: db.prepare("SELECT cycle_id FROM cycle_runs ORDER BY cycle_id").pluck(),
        history: db.prepare(
          `SELECT r.cycle_id, r.started_at, p.phase_index, p.phase, p.completed_at
           FROM cycle_runs r LEFT JOIN cycle_phases p ON p.cycle_id = r.cycle_id
           ORDER BY r.started_at DESC, r.cycle_id DESC, p.phase_index`
        )
      }),
      catch: (cause) => new CycleStoreError({ reason: "ReadFailed", cycleId: "*", detail: `cannot prepare statements on ${path}: ${String(cause)}` })
    })

    const sql = <A>(cycleId: string, reason: "ReadFailed" | "WriteFailed", run: () => A) =>
      Effect.try({ try: run, catch: (cause) => new CycleStoreError({ reason, cycleId, detail: `${path}: ${String(cause)}` }) })
    const decodeRow = <A, I>(rowSchema: Schema.Schema<A, I>, cycleId: string, row: unknown) =>
      Schema.decodeUnknown(rowSchema)(row).pipe(Effect.mapError((error) => corrupt(cycleId, `row of ${path}: ${error.message}`)))

    const beginTransaction = db.transaction((cycleId: string, startedAt: string, input: string) => statements.insertRun.run(cycleId, startedAt, input).changes > 0)
    const saveTransaction = db.transaction((cycleId: string, phase: Omit<StoredPhase, "output">, output: string) => {
      if (statements.runExists.get(cycleId) === undefined) return false
      statements.upsertPhase.run(cycleId, phase.index, phase.phase, phase.completedAt, output)
      return true
    })

    const shape: CycleStoreShape = {
      begin: (cycleId, input) =>
        Effect.gen(function*() {
          yield* checkId(cycleId)
          const json = yield* toJson(cycleId, input)
          const startedAt = yield* startTime
          // IMMEDIATE takes the write lock up front: no lock upgrade that could fail with SQLITE_BUSY mid-transaction.
          const inserted = yield* sql(cycleId, "WriteFailed", () => beginTransaction.immediate(cycleId, startedAt, json))
          if (!inserted) return yield* new CycleStoreError({ reason: "AlreadyExists", cycleId, detail: "a cycle with this id was already begun" })
        }).pipe(Effect.withSpan("CycleStore.begin", { attributes: { cycleId, store: "sqlite" } })),
      savePhase: (cycleId, phase) =>
        Effect.gen(function*() {
          yield* checkPhase(cycleId, phase)
          const { output, ...meta } = phase
          const json = yield* toJson(cycleId, output)
          const saved = yield* sql(cycleId, "WriteFailed", () => saveTransaction.immediate(cycleId, meta, json))
          if (!saved) return yield* new CycleStoreError({ reason: "NotBegun", cycleId, detail: "savePhase before begin" })
        }).pipe(Effect.withSpan("CycleStore.savePhase", { attributes: { cycleId, phase: phase.phase, store: "sqlite" } })),
      load: (cycleId) =>
        Effect.gen(function*() {
          yield* checkId(cycleId)
          // One read transaction: the run and its phases are one snapshot.
          const [runRow, phaseRows] = yield* sql(cycleId, "ReadFailed", () =>
            db.transaction(() => [statements.run.get(cycleId), statements.phases.all(cycleId)] as const)())
          if (runRow === undefined) return undefined
          const run = yield* decodeRow(RunRow, cycleId, runRow)
          const input = yield* fromJson(cycleId, run.input, "input")
          const phases = yield* Effect.forEach(phaseRows, (row) =>
            Effect.gen(function*() {
              const p = yield* decodeRow(PhaseRow, cycleId, row)
              const output = yield* fromJson(cycleId, p.output, `phase ${p.phase_index} ${p.phase}`)
              return { index: p.phase_index, phase: p.phase, completedAt: p.completed_at, output }
            }))
          return { cycleId, input, startedAt: run.started_at, phases }
        }).pipe(Effect.withSpan("CycleStore.load", { attributes: { cycleId, store: "sqlite" } })),
      list: () =>
        sql("*", "ReadFailed", () => statements.ids.all()).pipe(
          Effect.flatMap((ids) => decodeRow(Schema.Array(Schema.String), "*", ids)),
          Effect.withSpan("CycleStore.list", { attributes: { store: "sqlite" } })
        ),
      history: () =>
        Effect.gen(function*() {
          const rows = yield* decodeRow(Schema.Array(HistoryRow), "*", yield* sql("*", "ReadFailed", () => statements.history.all()))
          const cycles = new Map<string, { startedAt: string; phases: Array<Omit<StoredPhase, "output">> }>()
          for (const row of rows) {
            const cycle = cycles.get(row.cycle_id) ?? { startedAt: row.started_at, phases: [] }
            cycles.set(row.cycle_id, cycle)
            if (row.phase_index !== null && row.phase !== null && row.completed_at !== null) {
              cycle.phases.push({ index: row.phase_index, phase: row.phase, completedAt: row.completed_at })
            }
          }
          return newestFirst([...cycles].map(([cycleId, cycle]) => summarize(cycleId, cycle.startedAt, cycle.phases)))
        }).pipe(Effect.withSpan("CycleStore.history", { attributes: { store: "sqlite" } }))
    }
    return shape
  })
