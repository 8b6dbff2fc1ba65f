import { mkdir, mkdtemp, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand
} from "@aws-sdk/client-athena"
import { DuckDBInstance } from "@duckdb/node-api"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type Estate, minimalEstate } from "../../EstateContract.js"
import { type SandboxHandle, start } from "../../Sandbox.js"
import { call, callError } from "../../testing/SdkCalls.js"
import { type AthenaEstate, makeAthenaService } from "./AthenaService.js"

/** A local directory standing for s3://cur-bucket/, with 25 usage lines in a Parquet file (and 3 in a CSV). */
const fixture = Effect.acquireRelease(
  Effect.promise(async () => {
    const dir = await mkdtemp(join(tmpdir(), "athena-sbx-"))
    await mkdir(join(dir, "cur2", "billing_period=2026-10"), { recursive: true })
    await mkdir(join(dir, "csv"), { recursive: true })
    const db = await DuckDBInstance.create(":memory:")
    const c = await db.connect()
    await c.run(`COPY (SELECT i, CASE WHEN i % 5 = 0 THEN NULL ELSE 'acct-' || (i % 2) END AS account, MAP {'user_team': 'team-' || (i % 3)} AS resource_tags, CAST(i AS DECIMAL(18, 6)) / 100 AS cost
      FROM range(25) t(i)) TO '${join(dir, "cur2", "billing_period=2026-10", "part-0.parquet")}' (FORMAT parquet)`)
    await c.run(`COPY (SELECT * FROM (VALUES ('a', 1), ('b', 2), ('c', 3)) v(name, n)) TO '${join(dir, "csv", "x.csv")}' (HEADER true)`)
    c.closeSync()
    db.closeSync()
    return dir
  }),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

const setup = (runningPolls?: number) =>
  Effect.gen(function* () {
    const dir = yield* fixture
    const sandbox: SandboxHandle = yield* start({
      dynamodb: false,
      services: [makeAthenaService({ locations: { "s3://cur-bucket/": dir }, ...(runningPolls === undefined ? {} : { runningPolls }) })]
    })
    const athena = new AthenaClient({ endpoint: sandbox.endpoint, region: "us-east-1", credentials: sandbox.credentials, maxAttempts: 1 })
    const startQuery = (sql: string, database = "cur") =>
      call(() => athena.send(new StartQueryExecutionCommand({ QueryString: sql, QueryExecutionContext: { Catalog: "AwsDataCatalog", Database: database }, WorkGroup: "primary" }))).pipe(
        Effect.map((out) => out.QueryExecutionId ?? "")
      )
    const status = (id: string) => call(() => athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id }))).pipe(Effect.map((out) => out.QueryExecution))
    /** Polls (bounded) until the query ends; returns every state seen. */
    const settle = (id: string) =>
      Effect.gen(function* () {
        const seen: Array<string> = []
        for (let i = 0; i < 10; i++) {
          const q = yield* status(id)
          seen.push(q?.Status?.State ?? "?")
          if (["SUCCEEDED", "FAILED", "CANCELLED"].includes(q?.Status?.State ?? "")) return { seen, q }
        }
        return { seen, q: undefined }
      })
    const ddl = yield* startQuery(`CREATE EXTERNAL TABLE cur.cur2 (i bigint, account string, resource_tags map<string,string>, cost decimal(18,6))
      PARTITIONED BY (billing_period string) STORED AS PARQUET LOCATION 's3://cur-bucket/cur2/'`)
    expect((yield* settle(ddl)).q?.Status?.State).toBe("SUCCEEDED")
    return { athena, sandbox, dir, startQuery, status, settle }
  })

describe("Athena", () => {
  it.scoped("is QUEUED, then RUNNING, then SUCCEEDED, with the bytes of the table's files scanned", () =>
    Effect.gen(function* () {
      const { dir, startQuery, settle } = yield* setup()
      const id = yield* startQuery(`SELECT count(*) AS n, CAST(SUM(cost) AS varchar) AS total FROM "AwsDataCatalog"."cur"."cur2"`)
      const { seen, q } = yield* settle(id)
      expect(seen).toEqual(["QUEUED", "RUNNING", "SUCCEEDED"])
      const size = (yield* Effect.promise(() => stat(join(dir, "cur2", "billing_period=2026-10", "part-0.parquet")))).size
      expect(q?.Statistics?.DataScannedInBytes).toBe(size)
      expect(q?.QueryExecutionContext).toEqual({ Catalog: "AwsDataCatalog", Database: "cur" })
      expect(q?.Status?.CompletionDateTime).toBeInstanceOf(Date)
    }))

  it.scoped("answers the column names first, NULL as an absent VarCharValue, and pages with MaxResults and NextToken", () =>
    Effect.gen(function* () {
      const { athena, startQuery, settle } = yield* setup(1)
      // element_at on a map is Trino's; the sandbox runs it on DuckDB.
      const id = yield* startQuery(`SELECT i, account, element_at(resource_tags, 'user_team') AS team FROM cur2 ORDER BY i`)
      expect((yield* settle(id)).seen).toEqual(["QUEUED", "SUCCEEDED"])
      const rows: Array<ReadonlyArray<string | undefined>> = []
      let token: string | undefined
      let pages = 0
      do {
        const page = yield* call(() => athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 10, ...(token === undefined ? {} : { NextToken: token }) })))
        if (pages === 0) expect(page.ResultSet?.ResultSetMetadata?.ColumnInfo?.map((c) => c.Name)).toEqual(["i", "account", "team"])
        rows.push(...(page.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue)))
        token = page.NextToken
        pages++
      } while (token !== undefined && pages < 10)
      expect(pages).toBe(3) // header + 25 rows in pages of 10
      expect(rows[0]).toEqual(["i", "account", "team"])
      expect(rows.length).toBe(26)
      expect(rows[1]).toEqual(["0", undefined, "team-0"])
      expect(rows[2]).toEqual(["1", "acct-1", "team-1"])
      expect(rows[25]).toEqual(["24", "acct-0", "team-0"])
      const tooMany = yield* callError(() => athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1001 })))
      expect(tooMany).toBeInstanceOf(InvalidRequestException)
      const badToken = yield* callError(() => athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: "bm9wZQ==" })))
      expect(badToken).toBeInstanceOf(InvalidRequestException)
    }))

  it.scoped("reports unknown tables and SQL errors as a FAILED state, and unknown ids as InvalidRequestException", () =>
    Effect.gen(function* () {
      const { athena, startQuery, settle } = yield* setup()
      const missing = (yield* settle(yield* startQuery("SELECT * FROM nope"))).q
      expect(missing?.Status?.State).toBe("FAILED")
      expect(missing?.Status?.StateChangeReason).toMatch(/^TABLE_NOT_FOUND: .*nope/)
      const column = (yield* settle(yield* startQuery("SELECT no_such_column FROM cur2"))).q
      expect(column?.Status?.StateChangeReason).toMatch(/^COLUMN_NOT_FOUND: .*no_such_column/)
      const syntax = yield* startQuery("SELEC 1")
      const failed = (yield* settle(syntax)).q
      expect(failed?.Status?.StateChangeReason).toMatch(/^SYNTAX_ERROR: /)
      const results = yield* callError(() => athena.send(new GetQueryResultsCommand({ QueryExecutionId: syntax })))
      expect(results).toBeInstanceOf(InvalidRequestException)
      expect((results as Error).message).toContain("FAILED")
      const unknown = yield* callError(() => athena.send(new GetQueryExecutionCommand({ QueryExecutionId: "00000000-0000-0000-0000-000000000000" })))
      expect(unknown).toBeInstanceOf(InvalidRequestException)
      expect((unknown as Error).message).toContain("was not found")
      const stopUnknown = yield* callError(() => athena.send(new StopQueryExecutionCommand({ QueryExecutionId: "q-none" })))
      expect(stopUnknown).toBeInstanceOf(InvalidRequestException)
      const unmapped = (yield* settle(yield* startQuery("CREATE EXTERNAL TABLE t2 (a string) STORED AS PARQUET LOCATION 's3://other-bucket/x/'"))).q
      expect(unmapped?.Status?.State).toBe("FAILED")
      expect(unmapped?.Status?.StateChangeReason).toMatch(/^HIVE_METASTORE_ERROR: .*s3:\/\/other-bucket\/x\//)
    }))

  it.scoped("is registered by default and takes its locations from the estate", () =>
    Effect.gen(function* () {
      const dir = yield* fixture
      const estate: Estate & AthenaEstate = { ...minimalEstate(), athena: { locations: { "s3://cur-bucket/": dir } } }
      const sandbox = yield* start({ dynamodb: false, estate })
      const athena = new AthenaClient({ endpoint: sandbox.endpoint, region: "us-east-1", credentials: sandbox.credentials, maxAttempts: 1 })
      const run = (sql: string) =>
        Effect.gen(function* () {
          const id = (yield* call(() => athena.send(new StartQueryExecutionCommand({ QueryString: sql, QueryExecutionContext: { Database: "cur" } })))).QueryExecutionId ?? ""
          for (let i = 0; i < 3; i++) yield* call(() => athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id })))
          return id
        })
      yield* run("CREATE EXTERNAL TABLE cur2 (i bigint) STORED AS PARQUET LOCATION 's3://cur-bucket/cur2/'")
      const id = yield* run("SELECT count(*) AS n FROM cur2")
      const out = yield* call(() => athena.send(new GetQueryResultsCommand({ QueryExecutionId: id })))
      expect(out.ResultSet?.Rows?.map((r) => r.Data?.[0]?.VarCharValue)).toEqual(["n", "25"])
    }))

  it.scoped("reads a CSV table with a header line", () =>
    Effect.gen(function* () {
      const { athena, startQuery, settle } = yield* setup(1)
      const ddl = yield* startQuery("CREATE EXTERNAL TABLE csvt (name string, n int) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://cur-bucket/csv/' TBLPROPERTIES ('skip.header.line.count'='1')")
      expect((yield* settle(ddl)).q?.Status?.State).toBe("SUCCEEDED")
      const id = yield* startQuery("SELECT name FROM csvt WHERE n >= 2 ORDER BY name")
      yield* settle(id)
      const out = yield* call(() => athena.send(new GetQueryResultsCommand({ QueryExecutionId: id })))
      expect(out.ResultSet?.Rows?.map((r) => r.Data?.[0]?.VarCharValue)).toEqual(["name", "b", "c"])
    }))

  it.scoped("cancels a query stopped before it ends; stopping an ended query changes nothing", () =>
    Effect.gen(function* () {
      const { athena, sandbox, startQuery, status, settle } = yield* setup()
      const id = yield* startQuery("SELECT * FROM cur2")
      expect((yield* status(id))?.Status?.State).toBe("QUEUED")
      yield* call(() => athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id })))
      const stopped = (yield* settle(id)).q
      expect(stopped?.Status?.State).toBe("CANCELLED")
      expect(yield* callError(() => athena.send(new GetQueryResultsCommand({ QueryExecutionId: id })))).toBeInstanceOf(InvalidRequestException)
      const done = yield* startQuery("SELECT 1 AS one")
      yield* settle(done)
      yield* call(() => athena.send(new StopQueryExecutionCommand({ QueryExecutionId: done })))
      expect((yield* status(done))?.Status?.State).toBe("SUCCEEDED")
      expect(sandbox.log.changes().filter((c) => c.operation === "StopQueryExecution").map((c) => c.input)).toEqual([{ QueryExecutionId: id }, { QueryExecutionId: done }])
    }))
})
