import { existsSync } from "node:fs"
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { AthenaClient, GetQueryExecutionCommand, GetQueryResultsCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena"
import { DeleteObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3"
import { DuckDBInstance } from "@duckdb/node-api"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { sandboxEstate } from "../../estate/SandboxEstate.js"
import { start } from "../../Sandbox.js"
import { call } from "../../testing/SdkCalls.js"
import { makeS3ObjectStore } from "../s3/S3ObjectStore.js"
import { makeS3Mirror, parseS3Location } from "./S3Mirror.js"

/** Two small Parquet files (10 and 5 rows) and a CSV, made by DuckDB, as bytes. */
const files = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "athena-s3-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
).pipe(
  Effect.flatMap((dir) =>
    Effect.promise(async () => {
      const db = await DuckDBInstance.create(":memory:")
      const c = await db.connect()
      await c.run(`COPY (SELECT i, 'acct-' || (i % 2) AS account, CAST(i AS DOUBLE) / 4 AS cost FROM range(10) t(i)) TO '${join(dir, "a.parquet")}' (FORMAT parquet)`)
      await c.run(`COPY (SELECT i, 'acct-9' AS account, 1.5 AS cost FROM range(100, 105) t(i)) TO '${join(dir, "b.parquet")}' (FORMAT parquet)`)
      await c.run(`COPY (SELECT * FROM (VALUES ('a', 1), ('b', 2)) v(name, n)) TO '${join(dir, "x.csv")}' (HEADER true)`)
      c.closeSync()
      db.closeSync()
      return { a: await readFile(join(dir, "a.parquet")), b: await readFile(join(dir, "b.parquet")), csv: await readFile(join(dir, "x.csv")) }
    })
  )
)

/** A sandbox with an estate bucket, and Athena over it through the SDK: put / delete objects, run a query to its end (bounded polls). */
const athenaOverS3 = Effect.gen(function* () {
  const estate = sandboxEstate({ seed: 7, size: "small" })
  const bucket = estate.data.buckets[0]
  if (bucket === undefined) throw new Error("the seed has no buckets")
  const sandbox = yield* start({ estate, dynamodb: false })
  const s3 = new S3Client({ endpoint: sandbox.endpoint, region: "us-east-1", forcePathStyle: true, credentials: sandbox.credentialsFor(bucket.accountId) })
  const athena = new AthenaClient({ endpoint: sandbox.endpoint, region: "us-east-1", credentials: sandbox.credentials, maxAttempts: 1 })
  const put = (Key: string, Body: Uint8Array) => call(() => s3.send(new PutObjectCommand({ Bucket: bucket.name, Key, Body })))
  const remove = (Key: string) => call(() => s3.send(new DeleteObjectCommand({ Bucket: bucket.name, Key })))
  const run = (sql: string) =>
    Effect.gen(function* () {
      const id = (yield* call(() => athena.send(new StartQueryExecutionCommand({ QueryString: sql, QueryExecutionContext: { Database: "cur" } })))).QueryExecutionId ?? ""
      for (let i = 0; i < 10; i++) {
        const q = (yield* call(() => athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id })))).QueryExecution
        const state = q?.Status?.State
        if (state === "FAILED") return { state, reason: q?.Status?.StateChangeReason, columns: [], rows: [], scanned: 0 }
        if (state !== "SUCCEEDED") continue
        if (sql.startsWith("CREATE")) return { state, reason: undefined, columns: [], rows: [], scanned: 0 }
        const results = yield* call(() => athena.send(new GetQueryResultsCommand({ QueryExecutionId: id })))
        const [header, ...rows] = (results.ResultSet?.Rows ?? []).map((r) => (r.Data ?? []).map((d) => d.VarCharValue))
        const columns = (results.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => [c.Name, c.Type])
        expect(header).toEqual(columns.map(([name]) => name))
        return { state, reason: undefined, columns, rows, scanned: q?.Statistics?.DataScannedInBytes }
      }
      return { state: "UNFINISHED", reason: undefined, columns: [], rows: [], scanned: 0 }
    })
  return { bucket, put, remove, run }
})

describe("Athena over the sandbox's S3 objects", () => {
  it.scoped("a table whose LOCATION is in the sandbox's S3 reads the objects put there through S3Client, as they are when the query runs", () =>
    Effect.gen(function* () {
      const bytes = yield* files
      const { bucket, put, run } = yield* athenaOverS3
      yield* put("cur/billing_period=2026-10/a.parquet", bytes.a)
      // A writer's success marker: Athena skips files starting with "_".
      yield* put("cur/billing_period=2026-10/_SUCCESS", new Uint8Array())
      yield* put("csv/x.csv", bytes.csv)
      expect(yield* run(`CREATE EXTERNAL TABLE cur.usage (i bigint, account string, cost double) STORED AS PARQUET LOCATION 's3://${bucket.name}/cur/'`)).toMatchObject({ state: "SUCCEEDED" })
      const sum = `SELECT account, count(*) AS n, sum(cost) AS cost FROM cur.usage GROUP BY account ORDER BY account`
      const first = yield* run(sum)
      expect(first.rows).toEqual([["acct-0", "5", "5"], ["acct-1", "5", "6.25"]])
      expect(first.scanned).toBe(bytes.a.length)
      // An object put after the table exists is read by the next query, and billed.
      yield* put("cur/billing_period=2026-11/b.parquet", bytes.b)
      const second = yield* run(sum)
      expect(second.rows).toEqual([["acct-0", "5", "5"], ["acct-1", "5", "6.25"], ["acct-9", "5", "7.5"]])
      expect(second.scanned).toBe(bytes.a.length + bytes.b.length)
      expect(yield* run(`CREATE EXTERNAL TABLE cur.names (name string, n int) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://${bucket.name}/csv/' TBLPROPERTIES ('skip.header.line.count'='1')`)).toMatchObject({ state: "SUCCEEDED" })
      expect((yield* run(`SELECT name, n FROM cur.names ORDER BY n`)).rows).toEqual([["a", "1"], ["b", "2"]])
    }))

  it.scoped("a table over a location with no objects is created, and a SELECT answers its columns and zero rows until objects are put there (and again once they are deleted)", () =>
    Effect.gen(function* () {
      const bytes = yield* files
      const { bucket, put, remove, run } = yield* athenaOverS3
      const ddl = `CREATE EXTERNAL TABLE cur.later (i bigint, account string, cost double) PARTITIONED BY (billing_period string) STORED AS PARQUET LOCATION 's3://${bucket.name}/later/'`
      expect(yield* run(ddl)).toMatchObject({ state: "SUCCEEDED" })
      const none = yield* run(`SELECT * FROM cur.later`)
      expect(none).toMatchObject({ state: "SUCCEEDED", rows: [], scanned: 0 })
      expect(none.columns).toEqual([["i", "bigint"], ["account", "varchar"], ["cost", "double"], ["billing_period", "varchar"]])
      expect((yield* run(`SELECT count(*) AS n, sum(cost) AS cost FROM cur.later`)).rows).toEqual([["0", undefined]])
      const csv = yield* run(`CREATE EXTERNAL TABLE cur.empty_csv (name string, n int) ROW FORMAT DELIMITED FIELDS TERMINATED BY ',' LOCATION 's3://${bucket.name}/nothing-here/'`)
      expect(csv.state).toBe("SUCCEEDED")
      expect((yield* run(`SELECT name, n FROM cur.empty_csv`)).columns).toEqual([["name", "varchar"], ["n", "integer"]])

      yield* put("later/billing_period=2026-10/a.parquet", bytes.a)
      expect((yield* run(`SELECT count(*) AS n, min(billing_period) AS period FROM cur.later`)).rows).toEqual([["10", "2026-10"]])
      yield* remove("later/billing_period=2026-10/a.parquet")
      expect(yield* run(`SELECT count(*) AS n FROM cur.later`)).toMatchObject({ rows: [["0"]], scanned: 0 })
    }))

  it.scoped("an object overwritten or deleted under a table's location is seen by the next query; queries over unchanged objects read the same copy", () =>
    Effect.gen(function* () {
      const bytes = yield* files
      const { bucket, put, remove, run } = yield* athenaOverS3
      yield* put("cache/a.parquet", bytes.a)
      yield* put("cache/b.parquet", bytes.b)
      expect(yield* run(`CREATE EXTERNAL TABLE cur.cached (i bigint, account string, cost double) STORED AS PARQUET LOCATION 's3://${bucket.name}/cache/'`)).toMatchObject({ state: "SUCCEEDED" })
      const count = `SELECT account, count(*) AS n FROM cur.cached GROUP BY account ORDER BY account`
      const both = [["acct-0", "5"], ["acct-1", "5"], ["acct-9", "5"]]
      expect((yield* run(count)).rows).toEqual(both)
      expect((yield* run(count)).rows).toEqual(both)
      // The same key, other bytes (a new ETag): the next query reads them.
      yield* put("cache/a.parquet", bytes.b)
      expect(yield* run(count)).toMatchObject({ rows: [["acct-9", "10"]], scanned: 2 * bytes.b.length })
      yield* remove("cache/b.parquet")
      expect(yield* run(count)).toMatchObject({ rows: [["acct-9", "5"]], scanned: bytes.b.length })
    }))

  it.scoped("reads every object under the location whatever its name ends with (Athena cannot ignore files in the prefix), but not hidden ones", () =>
    Effect.gen(function* () {
      const bytes = yield* files
      const { bucket, put, run } = yield* athenaOverS3
      // A Firehose / Glue writer's names carry no extension.
      yield* put("any/part-00000", bytes.a)
      yield* put("any/2026/11/part-00001.snappy", bytes.b)
      yield* put("any/_SUCCESS", new Uint8Array())
      yield* put("any/.part-00000.crc", new Uint8Array([1, 2, 3]))
      expect(yield* run(`CREATE EXTERNAL TABLE cur.anyname (i bigint, account string, cost double) STORED AS PARQUET LOCATION 's3://${bucket.name}/any/'`)).toMatchObject({ state: "SUCCEEDED" })
      expect(yield* run(`SELECT count(*) AS n FROM cur.anyname`)).toMatchObject({ rows: [["15"]], scanned: bytes.a.length + bytes.b.length })
    }))

  it.effect("copies a location again only when its objects changed (keys, ETags, last-modified times)", () =>
    Effect.promise(async () => {
      const objects = makeS3ObjectStore()
      const object = (text: string, at: number) => ({ body: Buffer.from(text), etag: `"${text}"`, contentType: "text/plain", metadata: {}, lastModified: new Date(at) })
      objects.put("b", "p/1.csv", object("one", 0))
      const mirror = makeS3Mirror(objects)
      const dir = await mirror.sync("s3://b/p/")
      if (dir === undefined) throw new Error("an s3:// location must mirror")
      // Marked by hand: a sync that rewrote the copy would lose the mark.
      await writeFile(join(dir, "1.csv"), "marked")
      expect(await mirror.sync("s3://b/p/")).toBe(dir)
      expect(await readFile(join(dir, "1.csv"), "utf8")).toBe("marked")
      // An object elsewhere changes nothing here.
      objects.put("b", "q/2.csv", object("other", 1))
      await mirror.sync("s3://b/p/")
      expect(await readFile(join(dir, "1.csv"), "utf8")).toBe("marked")
      // Same bytes and ETag, put again later: a new last-modified time, so a new copy.
      objects.put("b", "p/1.csv", object("one", 5))
      await mirror.sync("s3://b/p/")
      expect(await readFile(join(dir, "1.csv"), "utf8")).toBe("one")
      objects.put("b", "p/2.csv", object("two", 6))
      await mirror.sync("s3://b/p/")
      expect((await readdir(dir)).sort()).toEqual(["1.csv", "2.csv"])
      objects.delete("b", "p/1.csv")
      await mirror.sync("s3://b/p/")
      expect(await readdir(dir)).toEqual(["2.csv"])
      mirror.close()
    }))

  it.effect("mirrors a location's objects without hidden files or folder markers, and close removes them", () =>
    Effect.promise(async () => {
      const objects = makeS3ObjectStore()
      const object = (text: string) => ({ body: Buffer.from(text), etag: '""', contentType: "text/plain", metadata: {}, lastModified: new Date(0) })
      objects.put("b", "p/x/1.csv", object("one"))
      objects.put("b", "p/x/", object(""))
      objects.put("b", "p/.hidden", object("no"))
      objects.put("b", "p/../escape", object("no"))
      objects.put("b", "q/2.csv", object("other prefix"))
      const mirror = makeS3Mirror(objects)
      const dir = await mirror.sync("s3://b/p")
      if (dir === undefined) throw new Error("an s3:// location must mirror")
      expect(await readdir(dir, { recursive: true })).toEqual(["x", join("x", "1.csv")])
      expect(await readFile(join(dir, "x", "1.csv"), "utf8")).toBe("one")
      expect(await mirror.sync("/local/path")).toBeUndefined()
      expect(parseS3Location("s3://b")).toEqual({ bucket: "b", prefix: "" })
      mirror.close()
      expect(existsSync(dir)).toBe(false)
    }))
})
