import { describe, expect, it } from "@effect/vitest"
import { AllocationPolicy, CostLine, CostReport, MicroUsd } from "@miyabi/types"
import { Either, Schema } from "effect"
import { toHtml } from "./HtmlReport.js"
import { buildReport, dailyCustomerCosts } from "./Report.js"
import { microsToDecimal, toCsv, toJson, toTable, view } from "./ReportView.js"

const line = (date: string, account: string, service: string, micros: number, customer?: string) =>
  new CostLine({ date, account, service, tags: customer === undefined ? {} : { CostCenter: customer }, unblended: MicroUsd.make(micros), amortized: MicroUsd.make(micros) })

const policy = Schema.decodeUnknownSync(AllocationPolicy)({ accounts: [{ account: "222222222222", kind: "pool", customers: ["acme", "<globex>"] }] })
const lines = [
  line("2026-10-01", "222222222222", "AmazonEC2", 1_234_567_891, "acme"),
  line("2026-10-01", "222222222222", "Amazon Simple Storage Service, \"S3\"", 3),
  line("2026-10-02", "222222222222", "AmazonEC2", 4_000_000, "<globex>"),
  line("2026-10-02", "111111111111", "AmazonRDS", -500_000)
]
const report = Either.getOrThrow(buildReport({ lines, policy, source: "test" }))

describe("ReportView", () => {
  it("writes exact decimals", () => {
    expect(microsToDecimal(1_234_567_891)).toBe("1234.567891")
    expect(microsToDecimal(-500_000)).toBe("-0.500000")
    expect(microsToDecimal(3)).toBe("0.000003")
  })

  it("renders the customer table with direct, shared, unallocated and a total that is the bill", () => {
    expect(toTable(view(report, "customer"), report.allocation.notes).split("\n")).toEqual([
      "customer          direct  shared      total",
      "-------------  ---------  ------  ---------",
      "<globex>           $4.00   $0.00      $4.00",
      "acme           $1,234.57   $0.00  $1,234.57",
      "(unallocated)     -$0.50   $0.00     -$0.50",
      "-------------  ---------  ------  ---------",
      "TOTAL          $1,238.07   $0.00  $1,238.07",
      "note: account 111111111111 is not declared; its untagged cost is unallocated"
    ])
  })

  it("writes CSV that sums exactly and quotes what needs quoting", () => {
    const csv = toCsv(view(report, "service"))
    const rows = csv.trimEnd().split("\r\n")
    expect(rows[0]).toBe("service,cost")
    expect(rows).toContain('"Amazon Simple Storage Service, ""S3""",0.000003')
    expect(rows.at(-1)).toBe(`TOTAL,${microsToDecimal(report.allocation.billTotal)}`)
  })

  it("round-trips the JSON through the CostReport schema", () => {
    const decoded = Schema.decodeUnknownSync(CostReport)(JSON.parse(JSON.stringify(toJson(report))))
    expect(decoded.allocation.billTotal).toBe(report.allocation.billTotal)
  })

  it("renders a self-contained HTML report: no script, no external URL, names escaped", () => {
    const daily = Either.getOrThrow(dailyCustomerCosts(lines, policy))
    const html = toHtml(report, { daily })
    expect(html.startsWith("<!doctype html>")).toBe(true)
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)|<link|@import|url\(/i)
    expect(html).toContain("&lt;globex&gt;")
    expect(html).not.toContain("<globex>")
    expect(html.match(/<svg /g)).toHaveLength(3)
    expect(html.match(/<\/svg>/g)).toHaveLength(3)
    expect(html).toContain("Cost by customer over time")
    expect(html).toContain("$1,238.07")
  })
})
