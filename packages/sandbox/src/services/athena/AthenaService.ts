/**
 * Amazon Athena over JSON 1.1 (`AmazonAthena.*`): StartQueryExecution,
 * GetQueryExecution, GetQueryResults and StopQueryExecution, with the SQL run
 * on DuckDB (AthenaEngine.ts). Faithful where a caller depends on it:
 *
 * - a query is QUEUED, then RUNNING, on its first GetQueryExecution polls
 *   (`runningPolls`, default 2) before it ends: callers must poll;
 * - SQL errors and unknown tables are a FAILED state with a StateChangeReason
 *   (`TABLE_NOT_FOUND: ...`, `COLUMN_NOT_FOUND: ...`, `SYNTAX_ERROR: ...`), not an exception; an
 *   unknown QueryExecutionId is `InvalidRequestException`;
 * - StopQueryExecution before the query has ended makes it CANCELLED;
 * - GetQueryResults: column names as the first row of the first page, cells
 *   as VarCharValue (absent for NULL), MaxResults up to 1000, opaque NextToken;
 * - Statistics.DataScannedInBytes: the size of the files of the tables the
 *   query names.
 *
 * Tables are Athena's own DDL, `CREATE EXTERNAL TABLE db.t (...) STORED AS
 * PARQUET LOCATION 's3://bucket/prefix/'` (or CSV, TEXTFILE), run through
 * StartQueryExecution. An S3 location is read from the local directory
 * `locations` maps it to (longest prefix wins): from the factory's options,
 * or else from the estate's `athena.locations`. A location without a mapping
 * is read from the sandbox's S3 objects (`objects`, the store Sandbox.ts
 * shares with S3), copied before each query (S3Mirror.ts); the bytes
 * scanned are then those objects' sizes. A location with no data files is a
 * table all the same, whose SELECTs answer zero rows (AthenaTables.ts).
 */
import { randomUUID } from "node:crypto"
import { join } from "node:path"
import { Effect } from "effect"
import type { AwsError, Operation, ServiceFactory } from "../../ServiceHandler.js"
import { awsError } from "../../ServiceHandler.js"
import { num, record, str } from "../Input.js"
import { paginate } from "../Pagination.js"
import type { S3ObjectStore } from "../s3/S3ObjectStore.js"
import { CATALOG, type EngineResult, failureReason, makeAthenaEngine } from "./AthenaEngine.js"
import { parseCreateExternalTable, trinoToDuckDb } from "./AthenaSql.js"
import { makeAthenaTables } from "./AthenaTables.js"
import { makeS3Mirror } from "./S3Mirror.js"

export interface AthenaOptions {
  /** `s3://bucket/prefix/` -> local directory holding that prefix's objects. */
  readonly locations?: Readonly<Record<string, string>>
  /** GetQueryExecution answers before a query shows its final state (QUEUED, then RUNNING); default 2. */
  readonly runningPolls?: number
  /** The sandbox's S3 objects, read for locations `locations` does not map. */
  readonly objects?: S3ObjectStore
}

/** One query execution; `polls` counts GetQueryExecution calls, which drive its progression. */
interface Query {
  readonly id: string
  readonly sql: string
  readonly database: string | undefined
  readonly workGroup: string
  readonly submitted: Date
  readonly outcome: { readonly ok: true; readonly result: EngineResult; readonly scanned: number } | { readonly ok: false; readonly reason: string }
  polls: number
  cancelled: Date | undefined
  completed: Date | undefined
}

/** An estate that carries Athena data: `{ ...minimalEstate(), athena: { locations } }`. */
export interface AthenaEstate {
  readonly athena?: AthenaOptions
}

const estateOptions = (estate: object): AthenaOptions => {
  const athena: unknown = "athena" in estate ? estate.athena : undefined
  if (typeof athena !== "object" || athena === null || !("locations" in athena)) return {}
  const { locations } = athena
  if (typeof locations !== "object" || locations === null) return {}
  return { locations: Object.fromEntries(Object.entries(locations).filter((e): e is [string, string] => typeof e[1] === "string")) }
}

const invalid = (message: string): AwsError => awsError("InvalidRequestException", message, { fields: { AthenaErrorCode: "INVALID_INPUT" } })

export const makeAthenaService =
  (options: AthenaOptions = {}): ServiceFactory =>
  (env) => {
    const engine = makeAthenaEngine()
    const serial = Effect.unsafeMakeSemaphore(1)
    const queries = new Map<string, Query>()
    const mirror = options.objects === undefined ? undefined : makeS3Mirror(options.objects)
    const runningPolls = options.runningPolls ?? 2
    const locations = options.locations ?? estateOptions(env.estate).locations ?? {}

    const localDir = (location: string): string | undefined => {
      const prefix = Object.keys(locations).filter((p) => location.startsWith(p)).sort((a, b) => b.length - a.length)[0]
      return prefix === undefined ? undefined : join(locations[prefix] ?? "", location.slice(prefix.length))
    }
    const tables = makeAthenaTables(engine, { mirror, localDir })

    const select = (sql: string, database: string | undefined): Effect.Effect<Query["outcome"]> =>
      Effect.gen(function* () {
        const ran = yield* Effect.either(Effect.flatMap(tables.prepare(sql), (reads) => Effect.map(engine.run(database, [trinoToDuckDb(sql)]), (result) => ({ result, reads }))))
        if (ran._tag === "Left") return { ok: false as const, reason: failureReason(ran.left) }
        return { ok: true as const, result: ran.right.result, scanned: yield* tables.scannedBytes(ran.right.reads) }
      })

    const find = (input: Record<string, unknown>): Effect.Effect<Query, AwsError> => {
      const id = str(input, "QueryExecutionId") ?? ""
      const query = queries.get(id)
      return query === undefined ? Effect.fail(invalid(`QueryExecution ${id} was not found`)) : Effect.succeed(query)
    }

    /** The state a poll sees: QUEUED, RUNNING, then the outcome (or CANCELLED if stopped first). */
    const stateOf = (q: Query): "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED" => {
      if (q.cancelled !== undefined) return "CANCELLED"
      if (q.polls <= runningPolls) return q.polls <= 1 ? "QUEUED" : "RUNNING"
      return q.outcome.ok ? "SUCCEEDED" : "FAILED"
    }
    const ended = (q: Query): boolean => q.cancelled !== undefined || q.polls > runningPolls

    const operations: Record<string, Operation> = {
      StartQueryExecution: (input) =>
        Effect.gen(function* () {
          const sql = str(input, "QueryString") ?? ""
          if (sql.trim() === "") return yield* invalid("QueryString must not be empty")
          const context = record(input, "QueryExecutionContext") ?? {}
          const catalog = str(context, "Catalog")
          const database = str(context, "Database")
          const ddl = parseCreateExternalTable(sql)
          // One statement at a time, from bringing its tables' copies up to date to reading them: another's copy must not change under it.
          const outcome: Query["outcome"] =
            catalog !== undefined && catalog.toLowerCase() !== CATALOG ? { ok: false, reason: `CATALOG_NOT_FOUND: catalog ${catalog} does not exist` }
            : ddl === undefined ? yield* serial.withPermits(1)(select(sql, database))
            : yield* serial.withPermits(1)(Effect.map(tables.create(ddl, database), (created): Query["outcome"] => (created.ok ? { ok: true, result: { columns: [], rows: [] }, scanned: 0 } : created)))
          const id = randomUUID()
          queries.set(id, { id, sql, database, workGroup: str(input, "WorkGroup") ?? "primary", submitted: env.now(), outcome, polls: 0, cancelled: undefined, completed: undefined })
          return { QueryExecutionId: id }
        }),

      GetQueryExecution: (input) =>
        Effect.map(find(input), (q) => {
          q.polls++
          const state = stateOf(q)
          if (ended(q)) q.completed ??= env.now()
          return {
            QueryExecution: {
              QueryExecutionId: q.id,
              Query: q.sql,
              StatementType: parseCreateExternalTable(q.sql) === undefined ? "DML" : "DDL",
              QueryExecutionContext: { Catalog: "AwsDataCatalog", ...(q.database === undefined ? {} : { Database: q.database }) },
              WorkGroup: q.workGroup,
              Status: {
                State: state,
                SubmissionDateTime: q.submitted,
                ...(q.completed === undefined ? {} : { CompletionDateTime: q.completed }),
                ...(state === "FAILED" && !q.outcome.ok ? { StateChangeReason: q.outcome.reason } : {}),
                ...(state === "CANCELLED" ? { StateChangeReason: "Query was cancelled by user" } : {})
              },
              Statistics: { DataScannedInBytes: state === "SUCCEEDED" && q.outcome.ok ? q.outcome.scanned : 0, EngineExecutionTimeInMillis: 0 }
            }
          }
        }),

      GetQueryResults: (input) =>
        Effect.gen(function* () {
          const q = yield* find(input)
          const max = num(input, "MaxResults") ?? 1000
          if (!Number.isInteger(max) || max < 1 || max > 1000) return yield* invalid("MaxResults must be between 1 and 1000")
          const state = q.cancelled !== undefined ? "CANCELLED" : ended(q) ? (q.outcome.ok ? "SUCCEEDED" : "FAILED") : "RUNNING"
          if (state === "RUNNING") return yield* invalid(`Query has not yet finished. Current state: RUNNING`)
          if (state !== "SUCCEEDED" || !q.outcome.ok) return yield* invalid(`Query did not finish successfully. Final query state: ${state}`)
          const { columns, rows } = q.outcome.result
          const cells = (values: ReadonlyArray<string | undefined>) => ({ Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })) })
          const all = columns.length === 0 ? [] : [cells(columns.map((c) => c.name)), ...rows.map(cells)]
          const page = yield* paginate(all, { scope: `athena:${q.id}`, token: str(input, "NextToken"), pageSize: max, invalidToken: () => invalid("The NextToken is not valid for this query") })
          return {
            UpdateCount: 0,
            ResultSet: {
              Rows: page.items,
              ResultSetMetadata: { ColumnInfo: columns.map((c) => ({ CatalogName: "hive", SchemaName: "", TableName: "", Name: c.name, Label: c.name, Type: c.type, Precision: 0, Scale: 0, Nullable: "UNKNOWN", CaseSensitive: false })) }
            },
            ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken })
          }
        }),

      // Stopping a query that has already ended changes nothing and succeeds, as on AWS.
      StopQueryExecution: (input) =>
        Effect.map(find(input), (q) => {
          if (!ended(q)) {
            q.cancelled = env.now()
            q.completed = q.cancelled
          }
          return {}
        })
    }

    return {
      signingName: "athena",
      protocol: "json1.1",
      targetPrefix: "AmazonAthena",
      readOnly: new Set(["GetQueryExecution", "GetQueryResults"]),
      errors: {
        throttling: { code: "TooManyRequestsException", status: 400, message: "Rate exceeded" },
        internal: { code: "InternalServerException", status: 500, message: "An internal error occurred." }
      },
      operations,
      close: () => {
        engine.close()
        mirror?.close()
      }
    }
  }
