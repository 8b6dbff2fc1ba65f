import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { AwsError, type AwsErrorReason } from "@miyabi/aws-runtime"
import { CostLine, decodeInput, MicroUsd, Money } from "@miyabi/types"
import { Effect, Layer } from "effect"
import { CostReportTaskError, definition, isTransient, Payload, run } from "./CostReportTask.js"
import { DuckDbError } from "./adapters/DuckDb.js"
import { layerTest as costExplorerTest } from "./adapters/CostExplorer.js"
import { layer as curLayer } from "./adapters/CurFiles.js"
import { layer as duckDbLayer } from "./adapters/DuckDb.js"
import { FIXTURE_POLICY, writeFixture } from "./testing/CurFixtures.js"

const decode = decodeInput(Payload, "payload of task kind cost-report")

/** A decimal dollar amount of a summary as integer micro-dollars. */
const micros = (decimal: string): number => Money.fromDecimalString(decimal) ?? Number.NaN

describe("CostReportTask", () => {
  it.effect("needs a CUR path for a CUR report and names the problem", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decode({ month: "2026-10", source: "cur" }))
      expect(error.message).toMatch(/curPath is required when source is cur/)
      const ok = yield* decode({ month: "2026-10", source: "ce" })
      expect(ok.accounts).toEqual([])
    }))

  it.scoped("allocates a month of CUR files and writes the HTML, CSV and JSON reports", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.acquireRelease(Effect.promise(() => mkdtemp(join(tmpdir(), "miyabi-cost-task-"))), (d) =>
        Effect.promise(() => rm(d, { recursive: true, force: true }))
      )
      const fixture = yield* writeFixture({ dir: join(dir), rows: 1_200, formats: ["legacy-csv-gz"] })
      const payload = yield* decode({ month: "2026-10", source: "cur", curPath: fixture.files["legacy-csv-gz"], accounts: FIXTURE_POLICY.accounts, outputDir: join(dir, "out") })
      const summary = yield* run(payload)
      expect(summary.by).toBe("customer")
      expect(micros(summary.billTotal)).toBe(fixture.totalMicros)
      expect(summary.rows.at(-1)?.[0]).toBe("TOTAL")
      expect(micros(summary.rows.at(-1)?.[3] ?? "")).toBe(fixture.totalMicros)
      expect(summary.rows.slice(0, -1).reduce((s, row) => s + micros(row[3] ?? ""), 0)).toBe(fixture.totalMicros)
      expect(summary.files.map((f) => f.slice(dir.length))).toEqual(["/out/report.html", "/out/report.csv", "/out/report.json"])
      const csv = yield* Effect.promise(() => readFile(join(dir, "out", "report.csv"), "utf8"))
      expect(csv.split("\r\n")[0]).toBe("customer,direct,shared,total")
      const html = yield* Effect.promise(() => readFile(join(dir, "out", "report.html"), "utf8"))
      expect(html).toContain("Cost by customer over time")
    }).pipe(Effect.provide(Layer.merge(curLayer.pipe(Layer.provideMerge(duckDbLayer({ config: { threads: "1" } }))), costExplorerTest([])))))

  it.effect("allocates a month from Cost Explorer and reports the calls it made", () =>
    Effect.gen(function* () {
      const line = (date: string, micros: number, customer?: string) =>
        new CostLine({ date, account: "222222222222", service: "AmazonEC2", tags: customer === undefined ? {} : { CostCenter: customer }, unblended: MicroUsd.make(micros), amortized: MicroUsd.make(micros) })
      const payload = yield* decode({ month: "2026-10", source: "ce", accounts: [{ account: "222222222222", kind: "pool", customers: ["acme", "globex"] }] })
      const summary = yield* run(payload).pipe(
        Effect.provide(Layer.merge(costExplorerTest([line("2026-10-01", 3_000_001, "acme"), line("2026-10-02", 2_000_001), line("2026-11-01", 99)]), curLayer.pipe(Layer.provideMerge(duckDbLayer()))))
      )
      expect(summary).toMatchObject({ source: "cost-explorer", billTotal: "5.000002", unallocated: "0.000000", calls: { sent: 0, cached: 0 }, files: [] })
      expect(summary.rows.map((row) => [row[0], row[3]])).toEqual([["acme", "4.000002"], ["globex", "1.000000"], ["TOTAL", "5.000002"]])
    }))

  it.scoped("writes report.csv by the payload's `by`, and a folder it cannot write is a failure naming it", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.acquireRelease(Effect.promise(() => mkdtemp(join(tmpdir(), "miyabi-cost-task-"))), (d) =>
        Effect.promise(() => rm(d, { recursive: true, force: true }))
      )
      const fixture = yield* writeFixture({ dir, rows: 300, formats: ["legacy-csv-gz"] })
      const curPath = fixture.files["legacy-csv-gz"]
      const byService = yield* run(yield* decode({ month: "2026-10", source: "cur", curPath, by: "service", outputDir: join(dir, "svc") }))
      expect(byService.by).toBe("service")
      expect(byService.rows.slice(0, -1).reduce((s, row) => s + micros(row[1] ?? ""), 0)).toBe(fixture.totalMicros)
      const csv = yield* Effect.promise(() => readFile(join(dir, "svc", "report.csv"), "utf8"))
      expect(csv.split("\r\n")[0]).toBe("service,cost")
      const blocked = join(dir, "svc", "report.csv", "inside")
      const error = yield* Effect.flip(run(yield* decode({ month: "2026-10", source: "cur", curPath, outputDir: blocked })))
      expect(error).toBeInstanceOf(CostReportTaskError)
      expect(error.message).toContain(`cannot write the report to ${blocked}`)
      expect(definition.isTransient(error)).toBe(false)
    }).pipe(Effect.provide(Layer.merge(curLayer.pipe(Layer.provideMerge(duckDbLayer({ config: { threads: "1" } }))), costExplorerTest([])))))

  const awsError = (reason: AwsErrorReason, code: string, retryable: boolean) =>
    new AwsError({ reason, service: "cost-explorer", operation: "GetCostAndUsage", region: "us-east-1", code, awsMessage: "from AWS", retryable })

  it("its definition: the cost-report kind, 30 minutes, AWS's retryable errors transient, a bad bill or folder permanent", () => {
    expect(definition.kind).toBe("cost-report")
    expect(definition.timeout).toBe("30 minutes")
    expect(definition.isTransient(awsError("Throttled", "ThrottlingException", true))).toBe(true)
    expect(definition.isTransient(awsError("AccessDenied", "AccessDeniedException", false))).toBe(false)
    expect(definition.isTransient(new DuckDbError({ reason: "QueryFailed", detail: "bad CSV" }))).toBe(false)
    expect(definition.isTransient(new CostReportTaskError({ reason: "WriteFailed", path: "/x", detail: "EACCES" }))).toBe(false)
  })

  it("retries only what says it is retryable", () => {
    expect(isTransient({ retryable: true })).toBe(true)
    expect(isTransient({ retryable: false })).toBe(false)
    expect(isTransient(new Error("x"))).toBe(false)
  })
})
