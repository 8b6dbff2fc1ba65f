import { describe, expect, it } from "@effect/vitest"
import { advice, change, type OptimizeRule, optimizeRule } from "./RuleKit.js"
import { adviceOf, changesOf, ec2, proposals } from "./World.testkit.js"

/** A rule that proposes one change and one advice with the given raw savings estimate. */
const withSavings = (savings: number): OptimizeRule => {
  const rule: OptimizeRule = optimizeRule("cost.test-savings", "proposes a fixed saving", [], (r, ctx) => [
    change(rule, r, ctx, { summary: "stop", action: { _tag: "StopInstance" }, rollback: { _tag: "StartInstance" }, savings, risk: "low", evidence: {} }),
    advice(rule, r, ctx, { reason: "manual", summary: "look", savings, risk: "low", evidence: {} })
  ])
  return rule
}

const savingsOf = (savings: number) => {
  const ps = proposals(withSavings(savings), [ec2("i-1", "m5.large", { avg: 5, peak: 10 })])
  return [changesOf(ps)[0]?.expectedMonthlySavings, adviceOf(ps)[0]?.expectedMonthlySavings]
}

describe("RuleKit savings", () => {
  it("rounds an estimate to the nearest micro-dollar, half up", () => {
    // 2.5 micro-dollars -> 3 (floor would give 2), 2.4 -> 2.
    expect(savingsOf(2.5)).toEqual([3, 3])
    expect(savingsOf(2.4)).toEqual([2, 2])
  })

  it("never promises negative savings", () => {
    // A change that costs more saves nothing: 0, not -5.
    expect(savingsOf(-5)).toEqual([0, 0])
  })
})
