/** Fixtures for θ5/θ6 tests: a resized instance, its change, execution and series. */
import { Change, ChangeExecution, ChangeId, type ChangeExecutionStatus, MicroUsd, Resource, RuleId } from "@miyabi/types"
import { ec2 } from "../optimize/World.testkit.js"
import type { MetricPoint } from "./Baseline.js"

export const T0 = new Date("2026-11-20T00:00:00Z")

/** Points five minutes apart from `start`. */
export const series = (values: ReadonlyArray<number>, start: Date = T0): ReadonlyArray<MetricPoint> =>
  values.map((value, i) => ({ timestamp: new Date(start.getTime() + i * 300_000), value }))

export const instance = (id = "i-web", type = "m5.2xlarge", monthlyCost = 280_320_000): Resource =>
  Resource.make({ ...ec2(id, type, { avg: 20, peak: 40 }), monthlyCost: MicroUsd.make(monthlyCost) })

export const resize = (id: string, rule = "cost.rightsize-instance", savings = 140_160_000, resourceId = "i-web"): Change =>
  Change.make({
    id: ChangeId.make(id),
    rule: RuleId.make(rule),
    resource: instance(resourceId).ref,
    findings: [],
    summary: `resize ${resourceId} m5.2xlarge -> m5.xlarge`,
    priority: "P1",
    action: { _tag: "ResizeInstance", fromType: "m5.2xlarge", toType: "m5.xlarge" },
    rollback: { _tag: "ResizeInstance", fromType: "m5.xlarge", toType: "m5.2xlarge" },
    preconditions: [],
    expectedMonthlySavings: MicroUsd.make(savings),
    risk: "medium",
    confidence: 1
  })

export const execution = (change: Change, status: ChangeExecutionStatus, afterMonthlyCost?: number): ChangeExecution => {
  const before = instance(change.resource.id)
  return ChangeExecution.make({
    changeId: change.id,
    resource: change.resource,
    action: change.action,
    status,
    before,
    ...(change.rollback === undefined ? {} : { inverse: change.rollback }),
    ...(afterMonthlyCost === undefined ? {} : { after: Resource.make({ ...before, monthlyCost: MicroUsd.make(afterMonthlyCost) }) }),
    startedAt: T0
  })
}

/** `change` recorded skipped without its resource read: no before-state. */
export const unreadExecution = (change: Change): ChangeExecution =>
  ChangeExecution.make({ changeId: change.id, resource: change.resource, action: change.action, status: "skipped", reason: "not executed by the deployer", startedAt: T0, finishedAt: T0 })
