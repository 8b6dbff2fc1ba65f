/**
 * The Athena adapter against the sandbox's Athena (real AthenaClient over
 * loopback HTTP, SQL run on DuckDB): the same CUR 2.0 file read through
 * Athena and through the embedded DuckDB reader must give the same lines,
 * to the micro-dollar. The CUR files reach the sandbox as on AWS: put into
 * its S3 with the real S3Client, under the table's LOCATION. (Athena.test.ts
 * keeps the mocked error mapping.)
 */
import { mkdir, mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, relative, sep } from "node:path"
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena"
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3"
import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, sandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import type { CostLine } from "@miyabi/types"
import { Duration, Effect, Fiber, Layer, Schedule } from "effect"
import { writeFixture } from "../testing/CurFixtures.js"
import { AthenaCurSource, type AthenaCurTable, AthenaError, layer as athenaLayer } from "./Athena.js"
import { CurSource, layer as curLayer } from "./CurFiles.js"
import { layer as duckDbLayer } from "./DuckDb.js"

const table: AthenaCurTable = { catalog: "AwsDataCatalog", database: "cur", table: "cur2", workGroup: "primary", tags: "map", commitmentColumns: false }
const runtime = AwsRuntime.layer({ region: "us-east-1", retryBaseDelay: Duration.millis(1), retryMaxDelay: Duration.millis(2) })
const athenaSource = (pollInterval: Duration.DurationInput) => athenaLayer({ table, pollInterval, timeout: Duration.seconds(30) }).pipe(Layer.provide(runtime))
const curReader = curLayer.pipe(Layer.provideMerge(duckDbLayer({ config: { threads: "1" } })))

const comparable = (lines: ReadonlyArray<CostLine>) =>
  lines.map((l) => `${l.date}|${l.account}|${l.service}|${l.tags["CostCenter"] ?? ""}|${l.unblended}|${l.amortized}`).sort()

/** Two CUR 2.0 Parquet months put into the sandbox's S3 at s3://<bucket>/cur2/ (written locally first, for the DuckDB reader), and its table. */
const withCurInSandbox = (rows: number) =>
  Effect.gen(function* () {
    const dir = yield* Effect.acquireRelease(
      Effect.promise(() => mkdtemp(join(tmpdir(), "miyabi-athena-"))),
      (d) => Effect.promise(() => rm(d, { recursive: true, force: true }))
    )
    // Two monthly exports under one location, as a CUR 2.0 export lays them out (one folder per billing period).
    const months = yield* Effect.forEach(["2026-09", "2026-10"], (month) =>
      Effect.promise(() => mkdir(join(dir, "cur2", `billing_period=${month}`), { recursive: true })).pipe(
        Effect.andThen(writeFixture({ dir: join(dir, "cur2", `billing_period=${month}`), rows, month, formats: ["cur2-parquet"] })),
        Effect.provide(duckDbLayer({ config: { threads: "1" } }))
      )
    )
    const totalMicros = months.reduce((s, m) => s + m.totalMicros, 0)
    const estate = sandboxEstate({ seed: 1, size: "small" })
    const bucket = estate.data.buckets[0]
    if (bucket === undefined) return yield* Effect.dieMessage("the estate has no bucket for the CUR export")
    const sandbox = yield* Sandbox.start({ estate, dynamodb: false })
    yield* useSandboxEnv(sandbox)
    // The export's files, uploaded the way a CUR 2.0 export lands: one object per file under the export's prefix.
    const s3 = new S3Client({ endpoint: sandbox.endpoint, region: "us-east-1", forcePathStyle: true, credentials: sandbox.credentialsFor(bucket.accountId), maxAttempts: 1 })
    const files = yield* Effect.promise(() => readdir(join(dir, "cur2"), { recursive: true, withFileTypes: true }))
    const parquet = files.filter((f) => f.isFile()).map((f) => join(f.parentPath, f.name))
    expect(parquet.length).toBeGreaterThanOrEqual(2)
    const sizes = yield* Effect.forEach(parquet, (file) =>
      Effect.promise(async () => {
        const body = await readFile(file)
        await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: relative(dir, file).split(sep).join("/"), Body: body, ContentType: "application/vnd.apache.parquet" }))
        return body.length
      }))
    const objectBytes = sizes.reduce((a, b) => a + b, 0)
    // The CUR export's table, as the CUR 2.0 Athena integration creates it.
    const athena = new AthenaClient({ endpoint: sandbox.endpoint, region: "us-east-1", credentials: sandbox.credentials, maxAttempts: 1 })
    const ddl = yield* Effect.promise(() =>
      athena.send(
        new StartQueryExecutionCommand({
          QueryString: `CREATE EXTERNAL TABLE cur.cur2 (line_item_usage_start_date timestamp, line_item_usage_account_id string, line_item_product_code string,
            line_item_line_item_type string, line_item_unblended_cost double, resource_tags map<string,string>) STORED AS PARQUET LOCATION 's3://${bucket.name}/cur2/'`
        })
      )
    )
    const state = yield* Effect.promise(() => athena.send(new GetQueryExecutionCommand({ QueryExecutionId: ddl.QueryExecutionId ?? "" }))).pipe(
      Effect.map((out) => out.QueryExecution?.Status?.State),
      Effect.repeat({ until: (s) => s === "SUCCEEDED" || s === "FAILED", times: 5 })
    )
    expect(state).toBe("SUCCEEDED")
    return { sandbox, totalMicros, dir, objectBytes }
  })

describe("AthenaCurSource against the sandbox's Athena", () => {
  it.scopedLive("reads the same lines as the embedded DuckDB reader, to the micro-dollar, over several result pages", () =>
    Effect.gen(function* () {
      const { sandbox, totalMicros, dir, objectBytes } = yield* withCurInSandbox(5_000)
      const viaAthena = yield* Effect.flatMap(AthenaCurSource, (a) => a.read({ from: "2026-09-01", to: "2026-10-31" })).pipe(Effect.provide(athenaSource(Duration.millis(1))))
      const viaDuckDb = yield* Effect.flatMap(CurSource, (c) => c.read({ path: join(dir, "cur2") })).pipe(Effect.provide(curReader))
      expect(viaAthena.lines.length).toBeGreaterThan(1000)
      expect(comparable(viaAthena.lines)).toEqual(comparable(viaDuckDb.lines))
      expect(viaAthena.lines.reduce((s, l) => s + l.unblended, 0)).toBe(totalMicros)
      // QUEUED, RUNNING, SUCCEEDED; more than 1000 groups come in more than one page.
      const requests = sandbox.log.requests()
      expect(viaAthena.polls).toBe(3)
      expect(viaAthena.pages).toBe(Math.ceil((viaAthena.lines.length + 1) / 1000))
      expect(requests.filter((r) => r.operation === "GetQueryResults").length).toBe(viaAthena.pages)
      // Athena bills the objects under the table's location: the bytes put into S3.
      expect(viaAthena.dataScannedBytes).toBe(objectBytes)
      expect(viaAthena.lines.every((l) => l.source === `athena:${viaAthena.queryExecutionId}`)).toBe(true)
      // A day outside the data: no lines, still a SUCCEEDED query.
      const empty = yield* Effect.flatMap(AthenaCurSource, (a) => a.read({ from: "2026-12-01", to: "2026-12-02" })).pipe(Effect.provide(athenaSource(Duration.millis(1))))
      expect(empty.lines).toEqual([])
    }))

  it.scopedLive("fails with Athena's reason when the query FAILS (a table without the commitment columns read as if it had them)", () =>
    Effect.gen(function* () {
      yield* withCurInSandbox(100)
      const withCommitments = athenaLayer({ table: { ...table, commitmentColumns: true }, pollInterval: Duration.millis(1) }).pipe(Layer.provide(runtime))
      const error = yield* Effect.flatMap(AthenaCurSource, (a) => a.read({ from: "2026-10-01", to: "2026-10-31" })).pipe(Effect.provide(withCommitments), Effect.flip)
      expect(error).toBeInstanceOf(AthenaError)
      expect(error).toMatchObject({ reason: "QueryFailed" })
      expect(error.message).toMatch(/FAILED: COLUMN_NOT_FOUND: .*reservation_effective_cost/)
    }))

  it.scopedLive("stops the query when the read is interrupted", () =>
    Effect.gen(function* () {
      const { sandbox } = yield* withCurInSandbox(200)
      const polled = () => sandbox.log.requests().filter((r) => r.operation === "GetQueryExecution")
      const before = polled().length
      // A slow poll keeps the query RUNNING from the adapter's point of view until the interrupt.
      const fiber = yield* Effect.flatMap(AthenaCurSource, (a) => a.read({ from: "2026-10-01", to: "2026-10-31" })).pipe(
        Effect.provide(athenaSource(Duration.seconds(20))),
        Effect.fork
      )
      // The read's first poll (QUEUED) has been answered; its next one is 20 s away.
      yield* Effect.sync(() => polled().length > before).pipe(Effect.repeat({ schedule: Schedule.spaced(Duration.millis(10)), until: (ok) => ok, times: 500 }))
      yield* Fiber.interrupt(fiber)
      const starts = sandbox.log.requests().filter((r) => r.operation === "StartQueryExecution")
      const stops = sandbox.log.requests().filter((r) => r.operation === "StopQueryExecution")
      expect(stops.length).toBe(1)
      // The read's query (the second start, after the DDL) is the one stopped.
      expect(starts.length).toBe(2)
      expect(polled().length).toBe(before + 1)
      expect(stops[0]?.input).toEqual(polled().at(-1)?.input)
    }))
})
