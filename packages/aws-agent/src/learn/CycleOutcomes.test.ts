import { describe, expect, it } from "@effect/vitest"
import { BlastRadius, ChangeExecution, CycleId, DeploymentId, DeploymentRecord, ExecutionPlan, MicroUsd, type Change } from "@miyabi/types"
import { execution, instance, resize, T0, unreadExecution } from "../monitor/Monitor.testkit.js"
import { world } from "../optimize/World.testkit.js"
import { cycleOutcomes } from "./CycleOutcomes.js"
import { learningRecord } from "./LearningReport.js"

const planOf = (changes: ReadonlyArray<Change>) =>
  ExecutionPlan.make({
    cycleId: CycleId.make("cycle-1"),
    createdAt: T0,
    changes: [...changes],
    expectedMonthlySavings: MicroUsd.make(changes.reduce((s, c) => s + c.expectedMonthlySavings, 0)),
    blastRadius: BlastRadius.make({ maxChanges: 10, maxChangesPerAccount: 10, maxRisk: "medium" }),
    protectedTagKeys: []
  })

const recordOf = (executions: ReadonlyArray<ChangeExecution>) =>
  DeploymentRecord.make({ id: DeploymentId.make("d-1"), cycleId: CycleId.make("cycle-1"), mode: "apply", status: "succeeded", approvedBy: "alice", startedAt: T0, executions: [...executions] })

const NO_RAW = new Map<string, MicroUsd>()

describe("cycleOutcomes", () => {
  it("the only candidate saving is a change skipped without reading its resource: no outcome, no saving (not 0 - after, not negative)", () => {
    // i-new is not in World_n (gone, or never discovered) and costs $100 in World_n+1: a zero before-cost would make it -$100.
    const change = resize("c-unread", "cost.rightsize-instance", 50_000_000, "i-new")
    const { outcomes, unmeasured } = cycleOutcomes(planOf([change]), recordOf([unreadExecution(change)]), undefined, world([]), world([instance("i-new", "m5.2xlarge", 100_000_000)]), NO_RAW)
    expect(outcomes).toEqual([])
    expect(unmeasured).toEqual([])
    const learned = learningRecord(CycleId.make("cycle-1"), outcomes, new Map(), { recordedAt: T0 })
    expect([learned.record.outcomes.length, learned.record.realizedMonthlySavings, learned.record.predictedMonthlySavings]).toEqual([0, 0, 0])
    expect(learned.record.rules).toEqual([])
  })

  it("a change skipped without being read takes no share of a saving another change on the same resource realized", () => {
    const applied = resize("c-applied", "cost.rightsize-instance", 140_160_000)
    const skipped = resize("c-skipped", "cost.other-rule", 140_160_000)
    const { outcomes } = cycleOutcomes(
      planOf([applied, skipped]),
      recordOf([execution(applied, "applied", 140_160_000), unreadExecution(skipped)]),
      undefined,
      world([instance("i-web", "m5.2xlarge", 280_320_000)]),
      world([instance("i-web", "m5.xlarge", 140_160_000)]),
      NO_RAW
    )
    expect(outcomes.map((o) => [o.changeId, o.realizedMonthlySavings])).toEqual([[applied.id, 140_160_000]])
  })

  it("a change that stuck with no price before (not in World_n, not read) is left out of the outcomes and named as unmeasured", () => {
    const change = resize("c-1", "cost.rightsize-instance", 50_000_000, "i-new")
    // The schema refuses an applied change without a before-state; built without validation, as a foreign writer could store it.
    const { before: _before, ...fields } = execution(change, "applied", 50_000_000)
    const { outcomes, unmeasured } = cycleOutcomes(planOf([change]), recordOf([ChangeExecution.make(fields, true)]), undefined, world([]), world([instance("i-new", "m5.xlarge", 50_000_000)]), NO_RAW)
    expect(outcomes).toEqual([])
    expect(unmeasured).toEqual([{ changeId: change.id, rule: change.rule, reason: expect.stringContaining("not read") }])
  })

  it("an applied change on a resource missing from World_n is measured from its recorded before-state", () => {
    const change = resize("c-1", "cost.rightsize-instance", 140_160_000, "i-web")
    const { outcomes, unmeasured } = cycleOutcomes(planOf([change]), recordOf([execution(change, "applied", 140_160_000)]), undefined, world([]), world([instance("i-web", "m5.xlarge", 140_160_000)]), NO_RAW)
    expect(unmeasured).toEqual([])
    expect(outcomes.map((o) => o.realizedMonthlySavings)).toEqual([280_320_000 - 140_160_000])
  })
})
