/**
 * What an execution plan would touch, against the limits θ4 enforces: how
 * many changes, per account, per risk and action, and how much monthly cost
 * the touched resources carry.
 */
import type { BlastRadius, Change, Risk, WorldState } from "@miyabi/types"

export interface BlastRadiusSummary {
  readonly changes: number
  readonly resources: number
  readonly byAccount: Readonly<Record<string, number>>
  readonly byRisk: Readonly<Record<Risk, number>>
  readonly byAction: Readonly<Record<string, number>>
  /** Current monthly cost of the resources the changes touch, micro-dollars. */
  readonly monthlyCostAffected: number
  /** Limits the plan as a whole exceeds (θ4 applies only up to them). */
  readonly exceeded: ReadonlyArray<string>
}

const RISK_RANK: Readonly<Record<Risk, number>> = { low: 0, medium: 1, high: 2 }

const count = (keys: ReadonlyArray<string>): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const k of keys) out[k] = (out[k] ?? 0) + 1
  return out
}

export const summarize = (changes: ReadonlyArray<Change>, world: WorldState, limits: BlastRadius): BlastRadiusSummary => {
  const touched = new Set(changes.map((c) => c.resource.arn))
  const byAccount = count(changes.map((c) => c.resource.account))
  const byRisk = { low: 0, medium: 0, high: 0, ...count(changes.map((c) => c.risk)) }
  const exceeded: Array<string> = []
  if (changes.length > limits.maxChanges) exceeded.push(`maxChanges ${limits.maxChanges} (plan has ${changes.length})`)
  for (const [account, n] of Object.entries(byAccount)) {
    if (n > limits.maxChangesPerAccount) exceeded.push(`maxChangesPerAccount ${limits.maxChangesPerAccount} (${account} has ${n})`)
  }
  const overRisk = changes.filter((c) => RISK_RANK[c.risk] > RISK_RANK[limits.maxRisk]).length
  if (overRisk > 0) exceeded.push(`maxRisk ${limits.maxRisk} (${overRisk} change(s) above it)`)
  return {
    changes: changes.length,
    resources: touched.size,
    byAccount,
    byRisk,
    byAction: count(changes.map((c) => c.action._tag)),
    monthlyCostAffected: world.resources.filter((r) => touched.has(r.arn)).reduce((a, r) => a + r.monthlyCost, 0),
    exceeded
  }
}
