/**
 * A SQLite file of the state store (the --store file, shared with the queue):
 * opened in WAL mode with a busy timeout, `schema` applied (CREATE ... IF NOT
 * EXISTS), closed when the scope ends. better-sqlite3 is loaded on first use.
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
            opened.exec(schema)
            return opened
          },
          catch: onError
        }),
        (opened) => Effect.sync(() => opened.close())
      )
  )
