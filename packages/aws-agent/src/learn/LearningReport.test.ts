import { describe, expect, it } from "@effect/vitest"
import { ChangeOutcome, CycleId, MicroUsd, RuleId, type RuleStats } from "@miyabi/types"
import { shipped } from "../pricing/PricingCatalog.js"
import { execution, resize, T0 } from "../monitor/Monitor.testkit.js"
import { defaultConfig } from "../optimize/Config.js"
import { ruleGate } from "../optimize/Confidence.js"
import { optimize } from "../optimize/Optimizer.js"
import { CYCLE, ec2, world } from "../optimize/World.testkit.js"
import { learningRecord, statsOf } from "./LearningReport.js"
import { measured, outcomeOf } from "./Outcome.js"

const BAD = "cost.rightsize-instance"
const GOOD = "cost.gp2-to-gp3"

/** One cycle: every change of the bad rule is rolled back by θ5, the good rule's stick. */
const cycle = (n: number, prior: ReadonlyMap<RuleId, RuleStats>) => {
  const bad = resize(`bad-${n}`, BAD, 140_160_000)
  const good = resize(`good-${n}`, GOOD, 10_000_000)
  const outcomes = [
    outcomeOf(bad, execution(bad, "rolled-back"), undefined),
    outcomeOf(good, execution(good, "applied", 280_320_000 - 10_000_000), undefined)
  ].flatMap((o) => measured(o) ?? [])
  return learningRecord(CycleId.make(`cycle-${n}`), outcomes, prior, { recordedAt: T0 })
}

describe("learningRecord", () => {
  it("a rule rolled back in cycles 1 and 2 is advice-only in cycle 3; a rule that keeps succeeding gains confidence", () => {
    const c1 = cycle(1, new Map())
    const c2 = cycle(2, c1.stats)
    const bad = RuleId.make(BAD)
    const good = RuleId.make(GOOD)
    // After cycle 1 the optimizer still auto-applies the bad rule; after cycle 2 it does not.
    expect(ruleGate(bad, c1.stats, defaultConfig).adviceOnly).toBeUndefined()
    expect(ruleGate(bad, c2.stats, defaultConfig).adviceOnly).toBe("rolled back 2 times (limit 2)")
    expect(c2.recommendations.find((r) => r.rule === bad)?.kind).toBe("advice-only")
    expect(ruleGate(good, c2.stats, defaultConfig).adviceOnly).toBeUndefined()
    expect(c1.stats.get(good)?.confidence).toBeLessThan(c2.stats.get(good)?.confidence ?? 0)
    expect(c2.stats.get(good)).toMatchObject({ applied: 2, rolledBack: 0, confidence: 4 / 5 })
    expect(c2.recommendations.find((r) => r.rule === good)?.kind).toBe("trusted")

    // Cycle 3 through the real optimizer: the bad rule's resize comes out as advice, not a change.
    const estate = world([ec2("i-big", "m5.4xlarge", { avg: 5, peak: 12 })])
    const before = optimize(estate, shipped, { cycleId: CYCLE })
    expect(before.plan.changes.some((c) => c.rule === bad)).toBe(true)
    const after = optimize(estate, shipped, { cycleId: CYCLE, ruleStats: c2.stats })
    expect(after.plan.changes.some((c) => c.rule === bad)).toBe(false)
    expect(after.advice.some((a) => a.rule === bad && a.reason === "advice-only-rule")).toBe(true)
  })

  it("records totals, every rule (prior ones carried), and round-trips to θ3's map", () => {
    const c1 = cycle(1, new Map())
    const c2 = learningRecord(CycleId.make("cycle-2"), [], c1.stats, { recordedAt: T0 })
    expect(c1.record.predictedMonthlySavings).toBe(150_160_000)
    expect(c1.record.realizedMonthlySavings).toBe(10_000_000)
    expect(c2.record.rules.map((r) => r.rule)).toEqual([GOOD, BAD])
    expect(statsOf(c2.record)).toEqual(c1.stats)
  })

  it("recommends recalibration when realized savings stray from predicted", () => {
    const o = (id: string, realized: number) =>
      ChangeOutcome.make({ changeId: resize(id).id, rule: RuleId.make(GOOD), predictedMonthlySavings: MicroUsd.make(100_000_000), realizedMonthlySavings: MicroUsd.make(realized), rolledBack: false })
    expect(learningRecord(CYCLE, [o("a", 50_000_000)], new Map(), { recordedAt: T0 }).recommendations[0]?.kind).toBe("over-predicts")
    expect(learningRecord(CYCLE, [o("a", 130_000_000)], new Map(), { recordedAt: T0 }).recommendations[0]?.kind).toBe("under-predicts")
  })
})
