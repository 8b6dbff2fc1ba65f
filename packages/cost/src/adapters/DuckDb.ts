/**
 * An in-process DuckDB database held in a scoped layer: opened on
 * acquisition, closed on release. (No ICU extension is bundled, so
 * timestamps are UTC and the TimeZone setting is left alone.) Queries run in DuckDB's own threads; an
 * interrupted fiber interrupts the running query.
 */
import { DuckDBInstance, type DuckDBValue } from "@duckdb/node-api"
import { Context, Effect, Layer, Schema } from "effect"

export class DuckDbError extends Schema.TaggedError<DuckDbError>()("DuckDbError", {
  reason: Schema.Literal("OpenFailed", "QueryFailed"),
  detail: Schema.String
}) {
  override get message(): string {
    return `DuckDB ${this.reason === "OpenFailed" ? "could not open" : "query failed"}: ${this.detail}`
  }
}

export interface QueryResult {
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<ReadonlyArray<DuckDBValue>>
}

export interface DuckDbService {
  /** Runs one statement and reads all of its rows. */
  readonly query: (sql: string) => Effect.Effect<QueryResult, DuckDbError>
}

export class DuckDb extends Context.Tag("@miyabi/cost/DuckDb")<DuckDb, DuckDbService>() {}

const detail = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

export interface DuckDbOptions {
  /** DuckDB settings, e.g. { threads: "2", memory_limit: "1GB" }. */
  readonly config?: Readonly<Record<string, string>>
}

export const make = (options: DuckDbOptions = {}) =>
  Effect.gen(function* () {
    const instance = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => DuckDBInstance.create(":memory:", { ...options.config }),
        catch: (cause) => new DuckDbError({ reason: "OpenFailed", detail: detail(cause) })
      }),
      (db) => Effect.sync(() => db.closeSync())
    )
    const connection = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => instance.connect(),
        catch: (cause) => new DuckDbError({ reason: "OpenFailed", detail: detail(cause) })
      }),
      (c) => Effect.sync(() => c.closeSync())
    )
    const query = (sql: string): Effect.Effect<QueryResult, DuckDbError> =>
      Effect.async<QueryResult, DuckDbError>((resume) => {
        connection.runAndReadAll(sql).then(
          (reader) => resume(Effect.succeed({ columns: reader.columnNames(), rows: reader.getRows() })),
          (cause: unknown) => resume(Effect.fail(new DuckDbError({ reason: "QueryFailed", detail: detail(cause) })))
        )
        return Effect.sync(() => connection.interrupt())
      }).pipe(Effect.withSpan("DuckDb.query"))
    return DuckDb.of({ query })
  })

export const layer = (options: DuckDbOptions = {}): Layer.Layer<DuckDb, DuckDbError> => Layer.scoped(DuckDb, make(options))
