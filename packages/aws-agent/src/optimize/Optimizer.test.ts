import { describe, expect, it } from "@effect/vitest"
import { ExecutionPlan, RuleId, RuleStats, MicroUsd } from "@miyabi/types"
import { Schema } from "effect"
import { shipped } from "../pricing/PricingCatalog.js"
import { optimize } from "./Optimizer.js"
import { PRIORITY_RANK } from "./Priority.js"
import { address, bucket, CYCLE, ec2, group, volume, world } from "./World.testkit.js"

const estate = () =>
  world([
    ec2("i-idle", "m5.2xlarge", { avg: 1, peak: 4 }),
    ec2("i-big", "m5.4xlarge", { avg: 5, peak: 12 }),
    ec2("i-kept", "m5.4xlarge", { avg: 5, peak: 12 }, { tags: { "miyabi:protected": "true" } }),
    ec2("i-steady", "m5.large", { avg: 40, peak: 70 }),
    volume("vol-gp2", "gp2", 500),
    volume("vol-free", "gp3", 200, false),
    address("eipalloc-free", false),
    bucket("logs", { sizeBytes: 500 * 2 ** 30 }),
    group("sg-ssh", [22])
  ])

const stats = (rule: string, applied: number, rolledBack: number, confidence: number) =>
  RuleStats.make({ rule: RuleId.make(rule), applied, rolledBack, predictedMonthlySavings: MicroUsd.make(0), realizedMonthlySavings: MicroUsd.make(0), confidence })

describe("optimize", () => {
  it("ranks changes by priority, then savings, one cost change per resource, protected resources excluded", () => {
    const { plan, advice, excluded, summary } = optimize(estate(), shipped, { cycleId: CYCLE })
    const ranks = plan.changes.map((c) => [PRIORITY_RANK[c.priority], -c.expectedMonthlySavings] as const)
    expect(ranks).toEqual([...ranks].sort((a, b) => a[0] - b[0] || a[1] - b[1]))
    expect(plan.changes.map((c) => c.resource.id)).not.toContain("i-kept")
    expect(excluded.map((e) => e.resource.id)).toEqual(["i-kept"])
    expect(plan.protectedTagKeys).toEqual(["miyabi:protected"])
    // The idle instance is stopped (whole cost), not also resized.
    expect(plan.changes.filter((c) => c.resource.id === "i-idle").map((c) => c.action._tag)).toEqual(["StopInstance"])
    expect(plan.changes.map((c) => c.rule).sort()).toEqual(
      ["cost.delete-unattached-volume", "cost.gp2-to-gp3", "cost.release-address", "cost.rightsize-instance", "cost.stop-idle-instance", "security.revoke-world-ingress"].sort()
    )
    expect(plan.expectedMonthlySavings).toBe(plan.changes.reduce((a, c) => a + c.expectedMonthlySavings, 0))
    // Steady i-steady gets commitment advice; i-big (resized) does not.
    expect(advice.filter((a) => a.reason === "commitment").map((a) => a.resource.id)).toEqual(["i-steady"])
    expect(advice.map((a) => a.rule)).toContain("cost.s3-lifecycle")
    expect(summary.changes).toBe(plan.changes.length)
    expect(summary.byAccount).toEqual({ "123456789012": plan.changes.length })
    expect(summary.monthlyCostAffected).toBeGreaterThan(plan.expectedMonthlySavings)
    // Open SSH is a high-severity finding: P1 with no savings, ranked among the P1 cost changes.
    expect(plan.changes.find((c) => c.rule === "security.revoke-world-ingress")?.priority).toBe("P1")
  })

  it("links the θ1 findings a change resolves", () => {
    const { plan } = optimize(estate(), shipped, { cycleId: CYCLE })
    const stop = plan.changes.find((c) => c.resource.id === "i-idle")
    expect(stop?.findings.map(String)).toEqual(["cost.idle-instance:arn:aws:ec2:us-east-1:123456789012:instance/i-idle"])
  })

  it("scales savings by the rule's confidence and makes a distrusted or often rolled-back rule advice-only", () => {
    const base = optimize(estate(), shipped, { cycleId: CYCLE })
    const gp2 = (p: typeof base) => p.plan.changes.find((c) => c.rule === "cost.gp2-to-gp3")
    const halved = optimize(estate(), shipped, { cycleId: CYCLE, ruleStats: new Map([[RuleId.make("cost.gp2-to-gp3"), stats("cost.gp2-to-gp3", 4, 1, 0.5)]]) })
    expect(gp2(halved)?.expectedMonthlySavings).toBe(Math.round((gp2(base)?.expectedMonthlySavings ?? 0) * 0.5))
    expect(gp2(halved)?.confidence).toBe(0.5)
    for (const s of [stats("cost.gp2-to-gp3", 3, 2, 0.9), stats("cost.gp2-to-gp3", 3, 0, 0.2)]) {
      const gated = optimize(estate(), shipped, { cycleId: CYCLE, ruleStats: new Map([[s.rule, s]]) })
      expect(gp2(gated)).toBeUndefined()
      const a = gated.advice.find((x) => x.rule === "cost.gp2-to-gp3")
      expect(a?.reason).toBe("advice-only-rule")
      expect(a?.action?._tag).toBe("ModifyVolume")
    }
  })

  it("reports limits the plan exceeds and encodes as JSON", () => {
    const { plan, summary } = optimize(estate(), shipped, { cycleId: CYCLE, config: { blastRadius: { maxChanges: 2, maxChangesPerAccount: 2, maxRisk: "low" } } })
    expect(summary.exceeded.length).toBe(3)
    const json = Schema.encodeSync(Schema.parseJson(ExecutionPlan))(plan)
    expect(Schema.decodeSync(Schema.parseJson(ExecutionPlan))(json).changes.length).toBe(plan.changes.length)
  })
})
