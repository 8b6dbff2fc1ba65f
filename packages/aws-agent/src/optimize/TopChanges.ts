/** The first changes of an execution plan (it is ordered by priority, then savings). */
import { type Change, ExecutionPlan, MicroUsd } from "@miyabi/types"

const keep = (plan: ExecutionPlan, changes: ReadonlyArray<Change>): ExecutionPlan =>
  changes.length === plan.changes.length
    ? plan
    : ExecutionPlan.make({ ...plan, changes, expectedMonthlySavings: MicroUsd.make(changes.reduce((a, c) => a + c.expectedMonthlySavings, 0)) })

/** The plan's first `n` changes, its expected savings summed again; the plan itself when `n` is absent or covers it. */
export const topChanges = (plan: ExecutionPlan, n: number | undefined): ExecutionPlan =>
  n === undefined || n >= plan.changes.length ? plan : keep(plan, plan.changes.slice(0, n))

/**
 * The plan's first changes that fit its blast radius (and `maxChanges`, when
 * tighter): at most `maxChanges` in all and `maxChangesPerAccount` in each
 * account, taken in the plan's order. What is left waits for the next cycle;
 * θ4 refuses a plan over its limits, so an automatic cycle deploys this.
 */
export const withinBlastRadius = (plan: ExecutionPlan, maxChanges?: number): ExecutionPlan => {
  const max = Math.min(plan.blastRadius.maxChanges, maxChanges ?? Number.POSITIVE_INFINITY)
  const perAccount = new Map<string, number>()
  const kept: Array<Change> = []
  for (const change of plan.changes) {
    if (kept.length >= max) break
    const inAccount = perAccount.get(change.resource.account) ?? 0
    if (inAccount >= plan.blastRadius.maxChangesPerAccount) continue
    perAccount.set(change.resource.account, inAccount + 1)
    kept.push(change)
  }
  return keep(plan, kept)
}
