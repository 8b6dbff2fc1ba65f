/**
 * A SQLite file of the state store (the --store file, shared with the queue):
 * opened in WAL mode with a busy timeout, `schema` applied (CREATE ... IF NOT
 * EXISTS) in one IMMEDIATE transaction, closed when the scope ends.
 * better-sqlite3 is loaded on first use.
 *
 * IMMEDIATE takes the write lock before reading the schema, as the queue's
 * and the cycle store's openers do: each statement of a plain `exec` reads
 * first and then asks for the lock, and in WAL mode a process whose read is
 * overtaken by another's commit (two CLI processes creating the same new
 * store) gets SQLITE_BUSY at once, without waiting out the busy timeout.
 */
import type Database from "better-sqlite3"
import { Effect, type Scope } from "effect"

export const openSqlite = <E>(path: string, schema: string, onError: (cause: unknown) => E): Effect.Effect<Database.Database, E, Scope.Scope> =>
  Effect.flatMap(
    Effect.promise(() => import("better-sqlite3")),
    (sqlite) =>
      Effect.acquireRelease(
        Effect.try({
          try: () => {
            const opened = new sqlite.default(path)
            opened.pragma("journal_mode = WAL")
            opened.pragma("busy_timeout = 5000")
            opened.transaction(() => opened.exec(schema)).immediate()
            return opened
          },
          catch: onError
        }),
        (opened) => Effect.sync(() => opened.close())
      )
  )
