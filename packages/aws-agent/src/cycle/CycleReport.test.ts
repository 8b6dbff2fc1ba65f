import { describe, expect, it } from "@effect/vitest"
import { BlastRadius, CycleId, DeploymentId, DeploymentRecord, ExecutionPlan, MicroUsd } from "@miyabi/types"
import { Schema } from "effect"
import { execution, instance, resize, T0, unreadExecution } from "../monitor/Monitor.testkit.js"
import { LearnOutput } from "./AgentCycleData.js"
import { renderExecutionsMarkdown, renderLearningMarkdown, unmeasuredLines } from "./CycleReport.js"

const snapshot = { monthlyCost: 100_000_000, score: 80, utilizationPct: 20 }
/** θ6's stored output as an older cycle wrote it: no `unmeasured` field. */
const stored = {
  record: { cycleId: "cycle-1", recordedAt: "2026-11-27T12:00:00.000Z", outcomes: [], rules: [], predictedMonthlySavings: 0, realizedMonthlySavings: 0 },
  recommendations: [],
  delta: { before: snapshot, after: snapshot, costDelta: 0, costChangePct: 0, scoreDelta: 0, utilizationDelta: 0, changedResources: 0, addedResources: 0, removedResources: 0 },
  carried: { cycleId: "cycle-1", world0: { at: "2026-11-27T11:00:00.000Z", world: snapshot }, marks: [] },
  infinity: { reached: false, criteria: [] }
}

describe("renderLearningMarkdown", () => {
  it("an older stored output (no unmeasured field) still decodes and renders no unmeasured line", () => {
    const learn = Schema.decodeUnknownSync(LearnOutput)(stored)
    expect(unmeasuredLines(learn)).toEqual([])
    expect(renderLearningMarkdown(learn)).not.toContain("Not measured")
    expect(Schema.encodeSync(LearnOutput)(learn)).toEqual(stored)
  })

  it("names each change left out of the totals for want of a before-cost, and keeps it out of the totals", () => {
    const learn = Schema.decodeUnknownSync(LearnOutput)({ ...stored, unmeasured: [{ changeId: "c-1", rule: "cost.rightsize-instance", reason: "the resource was not read before the change" }] })
    const md = renderLearningMarkdown(learn)
    expect(md).toContain("Not measured, left out of the totals: c-1 (cost.rightsize-instance): the resource was not read before the change.")
    expect(md).toContain("realized $0.00/month over 0 outcome(s)")
  })
})

describe("renderExecutionsMarkdown", () => {
  it("shows the state a change's resource was read in, and 'not read' for a change skipped without reading it", () => {
    const applied = resize("c-applied")
    const skipped = resize("c-skipped", "cost.other-rule")
    const record = DeploymentRecord.make({ id: DeploymentId.make("d-1"), cycleId: CycleId.make("cycle-1"), mode: "apply", status: "succeeded", startedAt: T0, executions: [execution(applied, "applied", 1), unreadExecution(skipped)] })
    const plan = ExecutionPlan.make({ cycleId: CycleId.make("cycle-1"), createdAt: T0, changes: [applied, skipped], expectedMonthlySavings: MicroUsd.make(0), blastRadius: BlastRadius.make({ maxChanges: 10, maxChangesPerAccount: 10, maxRisk: "medium" }), protectedTagKeys: [] })
    const rows = renderExecutionsMarkdown(record, plan).split("\n")
    expect(rows[0]).toBe("| status | rule | resource | before | savings/month | reason |")
    expect(rows[2]).toBe(`| applied | cost.rightsize-instance | i-web | ${instance().state} | $140.16 |  |`)
    expect(rows[3]).toBe("| skipped | cost.other-rule | i-web | not read | $140.16 | not executed by the deployer |")
  })
})
