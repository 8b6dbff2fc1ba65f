import { describe, expect, it } from "@effect/vitest"
import { ChangeExecution, CycleId, DeploymentId, MetricComparison, MicroUsd, Observation } from "@miyabi/types"
import { execution, resize, T0, unreadExecution } from "../monitor/Monitor.testkit.js"
import { measured, outcomeOf } from "./Outcome.js"

const change = resize("c-1")
const observation = (rolledBack: ReadonlyArray<typeof change.id> = []) =>
  Observation.make({
    cycleId: CycleId.make("cycle-1"),
    deploymentId: DeploymentId.make("d-1"),
    observedAt: T0,
    windowStart: T0,
    windowEnd: T0,
    comparisons: [
      MetricComparison.make({ changeId: change.id, resource: change.resource, namespace: "AWS/EC2", metric: "CPUUtilization", statistic: "p95", baseline: 30, observed: 64, threshold: 80, regressed: false })
    ],
    alarms: [],
    verdict: rolledBack.length === 0 ? "healthy" : "regressed",
    rolledBack
  })

describe("outcomeOf", () => {
  it("an applied change realizes the pricing delta (before - after) and the observed utilization", () => {
    const o = measured(outcomeOf(change, execution(change, "applied", 140_160_000), observation(), { expectedCpuRise: 2 }))
    expect(o).toMatchObject({ predictedMonthlySavings: 140_160_000, realizedMonthlySavings: 140_160_000, predictedUtilization: 60, realizedUtilization: 64, rolledBack: false })
  })
  it("cost data wins over the pricing delta; the rule's raw prediction can replace the scaled one", () => {
    const o = measured(outcomeOf(change, execution(change, "applied", 140_160_000), observation(), {
      realizedMonthlySavings: MicroUsd.make(120_000_000),
      predictedMonthlySavings: MicroUsd.make(150_000_000)
    }))
    expect(o).toMatchObject({ predictedMonthlySavings: 150_000_000, realizedMonthlySavings: 120_000_000 })
    expect(o?.predictedUtilization).toBeUndefined()
  })
  it("a change θ5 rolled back, or θ4 rolled back or failed, realized nothing", () => {
    expect(measured(outcomeOf(change, execution(change, "applied", 140_160_000), observation([change.id])))).toMatchObject({ rolledBack: true, realizedMonthlySavings: 0 })
    for (const status of ["rolled-back", "failed", "rollback-failed"] as const) {
      expect(measured(outcomeOf(change, execution(change, status), undefined))).toMatchObject({ rolledBack: true, realizedMonthlySavings: 0 })
    }
  })
  it("a change that cost money realizes negative savings", () => {
    expect(measured(outcomeOf(change, execution(change, "applied", 300_000_000), undefined))?.realizedMonthlySavings).toBe(280_320_000 - 300_000_000)
  })
  it("dry-run and skipped changes have no outcome", () => {
    expect(outcomeOf(change, execution(change, "would-apply"), undefined)).toEqual({ _tag: "NotRun" })
    expect(outcomeOf(change, execution(change, "skipped"), undefined)).toEqual({ _tag: "NotRun" })
    // Skipped without its resource read: no outcome either, and no saving of 0 made up for it.
    expect(outcomeOf(change, unreadExecution(change), undefined)).toEqual({ _tag: "NotRun" })
  })
  it("a change that stuck with no before-state and no cost data has no measured saving: Unmeasured, never 0", () => {
    // The schema refuses an applied change without a before-state; a record built without validation shows what θ6 does with one.
    const { before: _before, ...fields } = execution(change, "applied", 140_160_000)
    const unread = ChangeExecution.make(fields, true)
    const o = outcomeOf(change, unread, observation())
    expect(o).toEqual({ _tag: "Unmeasured", unmeasured: { changeId: change.id, rule: change.rule, reason: expect.stringContaining("not read") } })
    expect(measured(o)).toBeUndefined()
    // Measured savings (cost data) need no before-state.
    expect(measured(outcomeOf(change, unread, observation(), { realizedMonthlySavings: MicroUsd.make(5) }))?.realizedMonthlySavings).toBe(5)
  })
})
