import { describe, expect, it } from "@effect/vitest"
import { AllocationPolicy, CostLine, IngestSummary, MicroUsd } from "@miyabi/types"
import { Either, Schema } from "effect"
import { buildReport, dailyCustomerCosts } from "./Report.js"

const line = (date: string, account: string, service: string, micros: number, customer?: string) =>
  new CostLine({ date, account, service, tags: customer === undefined ? {} : { CostCenter: customer }, unblended: MicroUsd.make(micros), amortized: MicroUsd.make(micros) })

const policy = Schema.decodeUnknownSync(AllocationPolicy)({
  accounts: [{ account: "222222222222", kind: "pool", customers: ["acme", "globex"] }]
})

const lines = [
  line("2026-10-01", "222222222222", "AmazonEC2", 10_000_000, "acme"),
  line("2026-10-01", "222222222222", "AmazonS3", 2_000_000),
  line("2026-10-02", "222222222222", "AmazonEC2", 4_000_000, "globex"),
  line("2026-10-02", "111111111111", "AmazonRDS", 1_000_000)
]

describe("Report", () => {
  it("totals by service and account and repeats skipped rows in the notes", () => {
    const ingest = new IngestSummary({
      files: ["x.csv.gz"], format: "legacy-cur", rowsRead: 10, rowsSkipped: 1,
      skipped: [{ reason: "malformed cost", rows: 1, cost: MicroUsd.make(0) }],
      costRead: MicroUsd.make(17_000_000), costSkipped: MicroUsd.make(0), otherTagKeys: [], notes: []
    })
    const report = Either.getOrThrow(buildReport({ lines, policy, source: "cur", ingest }))
    expect(report.from).toBe("2026-10-01")
    expect(report.to).toBe("2026-10-02")
    expect(report.byService).toEqual([
      { service: "AmazonEC2", cost: 14_000_000 },
      { service: "AmazonS3", cost: 2_000_000 },
      { service: "AmazonRDS", cost: 1_000_000 }
    ])
    expect(report.byAccount).toEqual([{ account: "222222222222", cost: 16_000_000 }, { account: "111111111111", cost: 1_000_000 }])
    expect(report.allocation.customers.map((c) => [c.customer, c.total])).toEqual([["acme", 11_000_000], ["globex", 5_000_000]])
    expect(report.allocation.unallocated).toBe(1_000_000)
    expect(report.allocation.notes).toContain("1 row(s) skipped (malformed cost), $0.00 of known cost not allocated")
  })

  it("gives budgets daily per-customer costs, each day allocated on its own", () => {
    const daily = Either.getOrThrow(dailyCustomerCosts(lines, policy))
    expect(daily).toEqual([
      { customer: "acme", date: "2026-10-01", cost: 11_000_000 },
      { customer: "globex", date: "2026-10-01", cost: 1_000_000 },
      { customer: "globex", date: "2026-10-02", cost: 4_000_000 }
    ])
  })
})
