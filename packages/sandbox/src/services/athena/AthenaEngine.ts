/**
 * The SQL engine behind the sandbox's Athena: one in-memory DuckDB per
 * sandbox, opened on the first query, with Athena's one catalog
 * (`AwsDataCatalog`) attached so three-part names resolve as on AWS.
 * Statements run one at a time: `USE <catalog>.<database>` (the query's
 * QueryExecutionContext) and the statement must not interleave with another
 * request's.
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api"
import { Effect } from "effect"

export interface EngineResult {
  readonly columns: ReadonlyArray<{ readonly name: string; readonly type: string }>
  /** Cells as Athena's VarCharValue text; undefined is NULL. */
  readonly rows: ReadonlyArray<ReadonlyArray<string | undefined>>
}

export const CATALOG = "awsdatacatalog"
const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`

/** Athena's error names for what DuckDB reports. */
export const failureReason = (message: string): string => {
  const first = message.split("\n")[0] ?? message
  if (/^Catalog Error: Table with name .* does not exist/i.test(first)) return `TABLE_NOT_FOUND: ${first}`
  if (/^Catalog Error: Schema with name .* does not exist/i.test(first)) return `SCHEMA_NOT_FOUND: ${first}`
  if (/^Binder Error: Referenced column .* not found/i.test(first)) return `COLUMN_NOT_FOUND: ${first}`
  if (/^(Parser|Binder|Catalog) Error/i.test(first)) return `SYNTAX_ERROR: ${first}`
  return `GENERIC_INTERNAL_ERROR: ${first}`
}

const message = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

export const makeAthenaEngine = () => {
  let connection: Promise<DuckDBConnection> | undefined
  /** The opened database, for `close`. */
  let opened: { readonly db: DuckDBInstance; readonly connection: DuckDBConnection } | undefined
  const lock = Effect.unsafeMakeSemaphore(1)
  const open = (): Promise<DuckDBConnection> => {
    connection ??= DuckDBInstance.create(":memory:", { threads: "1" }).then(async (db) => {
      const c = await db.connect()
      opened = { db, connection: c }
      await c.run(`ATTACH ':memory:' AS ${CATALOG}`)
      return c
    })
    return connection
  }

  /** Closes the database if a query opened it; the sandbox calls this when it stops. */
  const close = (): void => {
    opened?.connection.closeSync()
    opened?.db.closeSync()
    opened = undefined
  }

  /** Runs `statements` in order in `database` (created on demand when `create`); fails with DuckDB's message. */
  const run = (database: string | undefined, statements: ReadonlyArray<string>, create = false): Effect.Effect<EngineResult, string> =>
    lock.withPermits(1)(
      Effect.tryPromise({
        try: async () => {
          const c = await open()
          if (database !== undefined) {
            if (create) await c.run(`CREATE SCHEMA IF NOT EXISTS ${CATALOG}.${ident(database)}`)
            await c.run(`USE ${CATALOG}.${ident(database)}`)
          } else await c.run(`USE ${CATALOG}`)
          let result: EngineResult = { columns: [], rows: [] }
          for (const sql of statements) {
            const reader = await c.runAndReadAll(sql)
            const types = reader.columnTypes()
            result = {
              columns: reader.columnNames().map((name, i) => ({ name, type: String(types[i] ?? "varchar").toLowerCase() })),
              rows: reader.getRows().map((row) => row.map((v) => (v === null ? undefined : String(v))))
            }
          }
          return result
        },
        catch: message
      })
    )

  return { run, close }
}

export type AthenaEngine = ReturnType<typeof makeAthenaEngine>
