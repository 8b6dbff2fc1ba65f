/** The first changes of an execution plan (it is ordered by priority, then savings). */
import { ExecutionPlan, MicroUsd } from "@miyabi/types"

/** The plan's first `n` changes, its expected savings summed again; the plan itself when `n` is absent or covers it. */
export const topChanges = (plan: ExecutionPlan, n: number | undefined): ExecutionPlan => {
  if (n === undefined || n >= plan.changes.length) return plan
  const changes = plan.changes.slice(0, n)
  return ExecutionPlan.make({ ...plan, changes, expectedMonthlySavings: MicroUsd.make(changes.reduce((a, c) => a + c.expectedMonthlySavings, 0)) })
}
