import { describe, expect, it } from "@effect/vitest"
import { shipped } from "../pricing/PricingCatalog.js"
import { renderExecutionPlanMarkdown } from "./ExecutionPlanReport.js"
import { optimize } from "./Optimizer.js"
import { CYCLE, ec2, volume, world } from "./World.testkit.js"

describe("renderExecutionPlanMarkdown", () => {
  it("lists every change with its rollback, the blast radius and the advice", () => {
    const o = optimize(world([ec2("i-idle", "m5.large", { avg: 1, peak: 2 }), volume("vol-1", "gp2", 100), ec2("i-new", "m5.large", { hours: 3 })]), shipped, { cycleId: CYCLE })
    const md = renderExecutionPlanMarkdown(o)
    expect(md).toContain("# Execution plan cycle-1")
    expect(md).toContain("| StartInstance |")
    expect(md).toContain("| ModifyVolume |")
    expect(md).toContain("within limits")
    expect(md).toContain("insufficient-data")
    expect(md.split("\n").filter((l) => l.startsWith("| ") && /^\| \d/.test(l))).toHaveLength(o.plan.changes.length)
  })
})
