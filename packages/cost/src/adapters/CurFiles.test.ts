import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { gzipSync } from "node:zlib"
import { describe, expect, it } from "@effect/vitest"
import { AllocationPolicy, type CostLine } from "@miyabi/types"
import { Effect, Either, Layer, Schema } from "effect"
import { allocate } from "../Allocation.js"
import { FIXTURE_POLICY, type FixtureFormat, writeFixture } from "../testing/CurFixtures.js"
import { CurError, CurSource, layer as curLayer } from "./CurFiles.js"
import { DuckDb, layer as duckDbLayer } from "./DuckDb.js"

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url))
const FOCUS_SAMPLE = resolve(repoRoot, "../shared/reference-data/cur/focus-1.0_focus_sample.csv")

const TestLayer = curLayer.pipe(Layer.provideMerge(duckDbLayer({ config: { threads: "1" } })))

const tempDir = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "miyabi-cur-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

const comparable = (lines: ReadonlyArray<CostLine>) =>
  lines.map((l) => `${l.date}|${l.account}|${l.service}|${l.tags["CostCenter"] ?? ""}|${l.unblended}|${l.amortized}`).sort()

const ALL: ReadonlyArray<FixtureFormat> = ["legacy-csv-gz", "cur2-parquet", "cur2-parquet-columns", "focus-parquet", "focus-csv"]

describe("CurSource", () => {
  it.layer(TestLayer)((it) => {
    it.scoped("reads the same bill from legacy CSV.gz, CUR 2.0 Parquet (map and columns) and FOCUS", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const fixture = yield* writeFixture({ dir, rows: 6_000, formats: ALL, foreignRows: 5 })
        const cur = yield* CurSource
        const reads = yield* Effect.forEach(ALL, (format) => cur.read({ path: fixture.files[format] as string }))
        const [first, ...rest] = reads.map((r) => comparable(r.lines))
        for (const other of rest) expect(other).toEqual(first)
        for (const read of reads) {
          expect(read.ingest.costRead).toBe(fixture.totalMicros)
          expect(read.lines.reduce((s, l) => s + l.unblended, 0)).toBe(fixture.totalMicros)
        }
        const [legacy, map, columns, focus] = reads
        expect(legacy?.ingest).toMatchObject({ format: "legacy-cur", rowsRead: 6_000, rowsSkipped: 0, customerTagSource: "column resourceTags/user:CostCenter" })
        expect(legacy?.ingest.otherTagKeys).toEqual(["resourceTags/user:Team"])
        expect(map?.ingest.customerTagSource).toBe("resource_tags map key user_cost_center")
        expect(map?.ingest.otherTagKeys).toEqual(["resource_tags[user_team]"])
        expect(columns?.ingest.customerTagSource).toBe("column resource_tags_user_cost_center")
        expect(focus?.ingest).toMatchObject({ format: "focus", rowsRead: 6_005, rowsSkipped: 5, costSkipped: 5_000_000 })
        expect(focus?.ingest.skipped).toEqual([{ reason: "provider Microsoft", rows: 5, cost: 5_000_000 }])
      }))

    it.scoped("allocates the fixture's bill exactly, with the undeclared account unallocated", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const fixture = yield* writeFixture({ dir, rows: 3_000, formats: ["cur2-parquet"] })
        const read = yield* (yield* CurSource).read({ path: dir })
        const allocation = Either.getOrThrow(allocate(read.lines, Schema.decodeUnknownSync(AllocationPolicy)(FIXTURE_POLICY)))
        expect(allocation.billTotal).toBe(fixture.totalMicros)
        expect(allocation.customers.reduce((s, c) => s + c.total, 0) + allocation.unallocated).toBe(fixture.totalMicros)
        expect(allocation.customers.map((c) => c.customer)).toEqual(["acme", "globex", "hooli", "initech", "umbrella"])
        expect(allocation.unallocated).toBeGreaterThan(0)
        expect(allocation.notes).toContain("account 900000000001 is not declared; its untagged cost is unallocated")
      }))

    it.scoped("reads a folder of monthly files as one bill", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        yield* Effect.promise(() => Promise.all([mkdir(join(dir, "2026-09")), mkdir(join(dir, "2026-10"))]))
        const sep = yield* writeFixture({ dir: join(dir, "2026-09"), rows: 500, month: "2026-09", formats: ["legacy-csv-gz"] })
        const oct = yield* writeFixture({ dir: join(dir, "2026-10"), rows: 700, month: "2026-10", formats: ["legacy-csv-gz"] })
        const read = yield* (yield* CurSource).read({ path: dir })
        expect(read.ingest.files).toHaveLength(2)
        expect(read.ingest.rowsRead).toBe(1_200)
        expect(read.ingest.costRead).toBe(sep.totalMicros + oct.totalMicros)
        expect(new Set(read.lines.map((l) => l.date.slice(0, 7)))).toEqual(new Set(["2026-09", "2026-10"]))
        const october = yield* (yield* CurSource).read({ path: dir, from: "2026-10-01", to: "2026-10-31" })
        expect(october.ingest.costRead).toBe(oct.totalMicros)
        expect(october.ingest.skipped).toEqual([{ reason: "outside period", rows: 500, cost: sep.totalMicros }])
      }))

    it.scoped("names the file and the columns a CUR file is missing", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const file = join(dir, "broken.csv.gz")
        yield* Effect.promise(() => writeFile(file, gzipSync("lineItem/UsageStartDate,lineItem/UnblendedCost\n2026-10-01T00:00:00Z,1.5\n")))
        const error = yield* Effect.flip((yield* CurSource).read({ path: file }))
        expect(error).toBeInstanceOf(CurError)
        expect(error.reason).toBe("MissingColumns")
        expect(error.message).toBe(`${file}: missing required legacy-cur columns (lineItem/UsageAccountId, lineItem/ProductCode)`)
      }))

    it.scoped("refuses a file that is no bill at all", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const file = join(dir, "notes.csv")
        yield* Effect.promise(() => writeFile(file, "a,b\n1,2\n"))
        const error = yield* Effect.flip((yield* CurSource).read({ path: file }))
        expect(error.reason).toBe("UnknownFormat")
        const empty = yield* Effect.flip((yield* CurSource).read({ path: join(dir, "nothing-here") }))
        expect(empty.reason).toBe("NoFiles")
        // A broken file is said in one line that names it, without DuckDB's echo of the query.
        const garbage = join(dir, "garbage.parquet")
        yield* Effect.promise(() => writeFile(garbage, "not parquet\n"))
        const broken = yield* Effect.flip((yield* CurSource).read({ path: garbage }))
        expect(broken.reason).toBe("QueryFailed")
        expect(broken.message).toMatch(new RegExp(`^${garbage}: not a readable parquet file: \\S`))
        expect(broken.message).not.toMatch(/SELECT|LINE \d|\n/)
      }))

    it.scoped("counts malformed rows as skipped with their reasons, and fails on them when asked", () =>
      Effect.gen(function* () {
        const dir = yield* tempDir
        const file = join(dir, "bad.csv.gz")
        const csv = [
          "lineItem/UsageStartDate,lineItem/UsageAccountId,lineItem/ProductCode,lineItem/UnblendedCost,resourceTags/user:CostCenter,resourceTags/aws:createdBy",
          "2026-10-01T00:00:00Z,111111111111,AmazonEC2,1.250000,acme,",
          "2026-10-01T00:00:00Z,111111111111,AmazonEC2,0.000001,acme,",
          "2026-10-02T00:00:00Z,111111111111,AmazonS3,twelve,acme,",
          "2026-10-02T00:00:00Z,111111111111,AmazonS3,,acme,",
          "not-a-date,111111111111,AmazonS3,3.5,,",
          "2026-10-03T00:00:00Z,,AmazonS3,4,,",
          "2026-10-03T00:00:00Z,222222222222,AmazonS3,-0.25,,root"
        ].join("\n")
        yield* Effect.promise(() => writeFile(file, gzipSync(csv)))
        const cur = yield* CurSource
        const read = yield* cur.read({ path: file })
        expect(read.ingest.rowsRead).toBe(7)
        expect(read.ingest.rowsSkipped).toBe(4)
        expect(read.ingest.skipped).toEqual([
          { reason: "malformed cost", rows: 1, cost: 0 },
          { reason: "missing account", rows: 1, cost: 4_000_000 },
          { reason: "missing cost", rows: 1, cost: 0 },
          { reason: "missing or malformed date", rows: 1, cost: 3_500_000 }
        ])
        expect(read.ingest.costRead).toBe(1_000_001)
        expect(read.ingest.otherTagKeys).toEqual(["resourceTags/aws:createdBy"])
        expect(read.lines.map((l) => [l.date, l.account, l.tags["CostCenter"], l.unblended])).toEqual([
          ["2026-10-01", "111111111111", "acme", 1_250_001],
          ["2026-10-03", "222222222222", undefined, -250_000]
        ])
        const error = yield* Effect.flip(cur.read({ path: file, failOnSkipped: true }))
        expect(error.reason).toBe("SkippedRows")
        expect(error.detail).toMatch(/1 row\(s\): malformed cost/)
      }))

    it.effect("reads the public FOCUS 1.0 sample: AWS rows only, non-AWS rows reported with their cost", () =>
      Effect.gen(function* () {
        const cur = yield* CurSource
        const read = yield* cur.read({ path: FOCUS_SAMPLE, customerTag: "business_unit" })
        const db = yield* DuckDb
        const { rows } = yield* db.query(
          `SELECT ProviderName, COUNT(*)::BIGINT, CAST(ROUND(SUM(CAST(BilledCost AS DECIMAL(38, 9))) * 1000000, 0) AS BIGINT)
           FROM read_csv('${FOCUS_SAMPLE}', header = true, all_varchar = true, nullstr = ['', 'NULL']) GROUP BY 1 ORDER BY 1`
        )
        const byProvider = Object.fromEntries(rows.map((r) => [String(r[0]), { rows: Number(r[1]), micros: Number(r[2]) }]))
        expect(byProvider["AWS"]?.rows).toBe(942)
        expect(read.ingest).toMatchObject({ format: "focus", rowsRead: 1_000, rowsSkipped: 58, customerTagSource: "Tags JSON key business_unit" })
        expect(read.ingest.skipped).toEqual([
          { reason: "provider Microsoft", rows: 51, cost: byProvider["Microsoft"]?.micros },
          { reason: "provider Oracle", rows: 7, cost: byProvider["Oracle"]?.micros }
        ])
        // Per-group rounding to micro-dollars may differ from rounding the total by a few micro-dollars.
        expect(Math.abs(read.ingest.costRead - (byProvider["AWS"]?.micros ?? 0))).toBeLessThanOrEqual(read.lines.length)
        const customers = new Set(read.lines.map((l) => l.tags["business_unit"]).filter((c) => c !== undefined))
        expect(customers.has("PeoriaData")).toBe(true)
        const allocation = Either.getOrThrow(allocate(read.lines, Schema.decodeUnknownSync(AllocationPolicy)({ customerTag: "business_unit", accounts: [] })))
        expect(allocation.customers.reduce((s, c) => s + c.total, 0) + allocation.unallocated).toBe(read.ingest.costRead)
        expect(allocation.customers.find((c) => c.customer === "PeoriaData")?.direct).toBeGreaterThan(0)
      }))
  })
})
