import { describe, expect, it } from "@effect/vitest"
import { shipped } from "../pricing/PricingCatalog.js"
import { bucket, CYCLE, ec2, group, world } from "../optimize/World.testkit.js"
import { plan } from "./Planner.js"
import { renderPlanJson, renderPlanMarkdown } from "./PlanReport.js"

describe("PlanReport", () => {
  const p = plan(world([ec2("i-idle", "m5.large", { avg: 1, peak: 2 }), group("sg-1", [22]), bucket("b", { sizeBytes: 2 ** 30 })]), shipped, { cycleId: CYCLE })

  it("renders current vs target, both plans with evidence, and the artifacts", () => {
    const md = renderPlanMarkdown(p)
    expect(md).toContain("# Plan cycle-1")
    expect(md).toMatch(/\| Monthly cost \| \$[\d,.]+ \| \$[\d,.]+/)
    expect(md).toContain(`| Security score | ${p.security.current.toFixed(1)} | ${p.security.target.toFixed(1)} |`)
    expect(md).toContain("CPUUtilization.average=1")
    expect(md).toContain("security.revoke-world-ingress")
    expect(md).toContain("`terraform/123456789012-us-east-1/main.tf.json`")
  })

  it("renders JSON that carries the Plan and the targets", () => {
    const json = JSON.parse(renderPlanJson(p)) as { plan: { cycleId: string; costPlan: unknown[] }; cost: { target: number }; items: Array<{ evidence: object }> }
    expect(json.plan.cycleId).toBe("cycle-1")
    expect(json.cost.target).toBe(p.cost.target)
    expect(json.items.length).toBe(p.cost.items.length + p.security.items.length)
    expect(json.plan.costPlan.length).toBe(p.plan.costPlan.length)
  })
})
