/**
 * The SQLite deployment store: one file in WAL mode, open for the life of a
 * Scope. The file is usually the cycle store's and the task queue's too
 * (`--store sqlite:PATH`), so only `deployment_*` tables are created and
 * touched, and `PRAGMA user_version` (the queue's) is left alone.
 *
 *   deployment_records (deployment_id PK, version, status, updated_at, body)   body: the StoredDeployment as JSON text
 *
 * A save is one IMMEDIATE transaction: read the version, compare it with the
 * one this instance saw, write the whole record with version + 1. A crash
 * leaves the previous record or the new one, and a writer that lost the race
 * gets StoreFailed instead of overwriting.
 */
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import Database from "better-sqlite3"
import { DeploymentId } from "@miyabi/types"
import { Effect, Option, Schema, type Scope } from "effect"
import type { DeployError } from "./DeployError.js"
import type { DeploymentStoreShape } from "./DeploymentStore.js"
import { decodeStored, encodeStored, makeVersionBook, storeFailed, writtenByAnother } from "./DeploymentStoreCodec.js"

export interface SqliteDeploymentStoreOptions {
  /** How long a statement waits for another process's write lock (default 5,000 ms). */
  readonly busyTimeoutMs?: number
}

const schema = `
  CREATE TABLE IF NOT EXISTS deployment_records (
    deployment_id TEXT PRIMARY KEY,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    body TEXT NOT NULL
  );
`

const Row = Schema.Struct({ version: Schema.Int, body: Schema.String })

/** The database, open until the Scope closes, in WAL mode with `deployment_*` created; a file that cannot be set up is closed again by the Scope. */
const open = (path: string, options: SqliteDeploymentStoreOptions): Effect.Effect<Database.Database, DeployError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.try({
      try: () => {
        if (path !== ":memory:" && path !== "") mkdirSync(dirname(path), { recursive: true })
        return new Database(path, { timeout: Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000)) })
      },
      catch: storeFailed(`cannot open ${path}`)
    }),
    (db) => Effect.sync(() => db.close())
  ).pipe(
    Effect.tap((db) =>
      Effect.try({
        // synchronous=NORMAL is durable against process crashes in WAL mode; only an OS crash can lose the last commits.
        try: () => db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;") && db.transaction(() => db.exec(schema)).immediate(),
        catch: storeFailed(`cannot set up ${path}`)
      })
    )
  )

/** The store over the SQLite file at `path`; the database is closed when the Scope closes. */
export const makeSqlite = (path: string, options: SqliteDeploymentStoreOptions = {}): Effect.Effect<DeploymentStoreShape, DeployError, Scope.Scope> =>
  Effect.gen(function* () {
    const db = yield* open(path, options)
    const book = yield* makeVersionBook
    const statements = yield* Effect.try({
      try: () => ({
        version: db.prepare("SELECT version FROM deployment_records WHERE deployment_id = ?").pluck(),
        upsert: db.prepare(
          `INSERT INTO deployment_records (deployment_id, version, status, updated_at, body) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (deployment_id) DO UPDATE SET version = excluded.version, status = excluded.status, updated_at = excluded.updated_at, body = excluded.body`
        ),
        row: db.prepare("SELECT version, body FROM deployment_records WHERE deployment_id = ?"),
        ids: db.prepare("SELECT deployment_id FROM deployment_records ORDER BY deployment_id").pluck()
      }),
      catch: storeFailed(`cannot prepare statements on ${path}`)
    })
    /** Writes version seen + 1 when the stored version is still `seen`; answers the stored version otherwise. */
    const saveTransaction = db.transaction((id: string, seen: number, status: string, updatedAt: string, body: string): number | undefined => {
      const current: unknown = statements.version.get(id)
      const stored = typeof current === "number" ? current : 0
      if (stored !== seen) return stored
      statements.upsert.run(id, seen + 1, status, updatedAt, body)
      return undefined
    })
    const sql = <A>(what: string, run: () => A) => Effect.try({ try: run, catch: storeFailed(`${path}: cannot ${what}`) })

    const shape: DeploymentStoreShape = {
      save: (d) =>
        book.serialized(Effect.gen(function* () {
          const id = d.record.id
          const body = yield* encodeStored(d)
          const seen = yield* book.seen(id)
          const updatedAt = new Date(yield* Effect.clockWith((clock) => clock.currentTimeMillis)).toISOString()
          // IMMEDIATE takes the write lock up front: no lock upgrade that could fail with SQLITE_BUSY mid-transaction.
          const refused = yield* sql(`save deployment ${id}`, () => saveTransaction.immediate(id, seen, d.record.status, updatedAt, body))
          if (refused !== undefined) return yield* writtenByAnother(id, path, seen)
          yield* book.record(id, seen + 1)
        })).pipe(Effect.withSpan("DeploymentStore.save", { attributes: { deploymentId: d.record.id, store: "sqlite" } })),
      load: (id) =>
        Effect.gen(function* () {
          const raw = yield* sql(`read deployment ${id}`, () => statements.row.get(id))
          if (raw === undefined) return Option.none()
          const row = yield* Effect.mapError(Schema.decodeUnknown(Row)(raw), storeFailed(`row ${id} of ${path}`))
          const stored = yield* decodeStored(row.body, `deployment ${id} in ${path}`)
          yield* book.record(id, row.version)
          return Option.some(stored)
        }).pipe(Effect.withSpan("DeploymentStore.load", { attributes: { deploymentId: id, store: "sqlite" } })),
      list: sql("list deployments", () => statements.ids.all()).pipe(
        Effect.flatMap((ids) => Effect.mapError(Schema.decodeUnknown(Schema.Array(DeploymentId))(ids), storeFailed(`deployment ids of ${path}`))),
        Effect.withSpan("DeploymentStore.list", { attributes: { store: "sqlite" } })
      )
    }
    return shape
  })
