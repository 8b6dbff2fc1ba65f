/** The demo's cost step in-process: a sandbox's month from Cost Explorer, allocated to exactly its bill. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { runCostStep } from "./CostStep.js"

describe("costStep", () => {
  it.scoped("prints the per-customer month of the sandbox estate, equal to its bill, and the fleet model line", () =>
    Effect.gen(function* () {
      const report = yield* runCostStep
      const summary = report.summary as { billTotal: string; reportTotal: string; equal: boolean; customers: number; costExplorerCalls: { sent: number } | null }
      expect(summary.equal).toBe(true)
      expect(summary.reportTotal).toBe(summary.billTotal)
      expect(Number(summary.billTotal)).toBeGreaterThan(0)
      expect(summary.customers).toBeGreaterThan(1)
      expect(summary.costExplorerCalls?.sent).toBeGreaterThan(0)
      expect(report.text).toContain(`sandbox bill ${summary.billTotal} USD; report total ${summary.billTotal} USD: equal to the micro-dollar`)
      expect(report.text).toMatch(/^TOTAL\s+\$[\d,]+\.\d\d\s+\$[\d,]+\.\d\d\s+\$[\d,]+\.\d\d$/m)
      expect(report.text).toMatch(/fleet model: 100 standard workers on-demand: \$2,914\.56\/month for the workers, 9,600 tasks\/day, \$0\.23 per task/)
    }), 30_000)
})
