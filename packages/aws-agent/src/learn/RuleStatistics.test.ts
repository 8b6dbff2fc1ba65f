import { describe, expect, it } from "@effect/vitest"
import { ChangeId, ChangeOutcome, MicroUsd, RuleId } from "@miyabi/types"
import { adviceOnly, posteriorMean, realizedRatio, updateRuleStats } from "./RuleStatistics.js"

const RULE = RuleId.make("cost.ec2-right-sizing")
const outcome = (id: string, predicted: number, realized: number, rolledBack = false, rule = RULE) =>
  ChangeOutcome.make({ changeId: ChangeId.make(id), rule, predictedMonthlySavings: MicroUsd.make(predicted), realizedMonthlySavings: MicroUsd.make(realized), rolledBack })

describe("updateRuleStats", () => {
  it("starts from Beta(2, 1) and counts only its own rule", () => {
    const other = outcome("x", 5, 5, true, RuleId.make("cost.gp2-to-gp3"))
    const s = updateRuleStats(RULE, undefined, [outcome("a", 100, 90), other])
    expect(s).toMatchObject({ applied: 1, rolledBack: 0, predictedMonthlySavings: 100, realizedMonthlySavings: 90 })
    expect(s.confidence).toBe(3 / 4)
  })
  it("adds to the prior's totals and recomputes the posterior mean from them", () => {
    const s1 = updateRuleStats(RULE, undefined, [outcome("a", 100, 90), outcome("b", 50, 0, true)])
    const s2 = updateRuleStats(RULE, s1, [outcome("c", 10, 10)])
    expect(s2).toMatchObject({ applied: 3, rolledBack: 1, predictedMonthlySavings: 160, realizedMonthlySavings: 100 })
    expect(s2.confidence).toBe(posteriorMean(3, 1))
    expect(s2.confidence).toBe(4 / 6)
  })
  it("realized/predicted is exact over micro-dollar totals", () => {
    const s = updateRuleStats(RULE, undefined, [outcome("a", 140_160_000, 105_120_000), outcome("b", 59_840_000, 44_880_000)])
    expect(s.predictedMonthlySavings).toBe(200_000_000)
    expect(s.realizedMonthlySavings).toBe(150_000_000)
    expect(realizedRatio(s)).toBe(0.75)
    expect(realizedRatio(updateRuleStats(RULE, undefined, []))).toBeUndefined()
  })
})

describe("adviceOnly", () => {
  const stats = (applied: number, rolledBack: number) => updateRuleStats(RULE, undefined, Array.from({ length: applied }, (_, i) => outcome(`c${i}`, 1, 1, i < rolledBack)))
  const cases = [
    { applied: 1, rolledBack: 1, advice: false, why: "one rollback is not a pattern (Beta(2,2) = 0.5)" },
    { applied: 2, rolledBack: 2, advice: true, why: "two rollbacks in two: Beta(2,3) = 0.4" },
    { applied: 10, rolledBack: 2, advice: false, why: "two rollbacks among many successes: 10/13" },
    { applied: 5, rolledBack: 4, advice: true, why: "mostly rolled back" }
  ]
  for (const c of cases) {
    it(c.why, () => {
      expect(adviceOnly(stats(c.applied, c.rolledBack)) !== undefined).toBe(c.advice)
    })
  }
})
