/**
 * θ6: what one change realized against what it predicted. Savings come from
 * cost data when the caller has it, else from the pricing delta (monthly cost
 * before minus after); utilization comes from θ5's CPU comparison.
 */
import { type Change, ChangeOutcome, type ChangeExecution, MicroUsd, type Observation } from "@miyabi/types"

export interface OutcomeOptions {
  /** Measured savings (Cost Explorer / CUR); preferred over the pricing delta. */
  readonly realizedMonthlySavings?: MicroUsd
  /** The after-state priced from the catalog, when `execution.after.monthlyCost` was not repriced. */
  readonly afterMonthlyCost?: MicroUsd
  /**
   * The rule's own prediction. The optimizer scales `change.expectedMonthlySavings`
   * by the rule's confidence; pass its evidence's `rawMonthlySavings` to learn
   * the rule's accuracy rather than the scaled figure.
   */
  readonly predictedMonthlySavings?: MicroUsd
  /** Predicted CPU multiplier (old vCPU / new vCPU) for the predicted utilization. */
  readonly expectedCpuRise?: number
}

const clampPercent = (n: number): number => Math.min(100, Math.max(0, n))

/**
 * undefined for changes that never ran (dry run, skipped). `rolledBack` is
 * true when the change did not stick: rolled back by θ4 or θ5, failed, or
 * its rollback failed; such a change realized nothing.
 */
export const outcomeOf = (
  change: Change,
  execution: ChangeExecution,
  observation: Observation | undefined,
  options: OutcomeOptions = {}
): ChangeOutcome | undefined => {
  if (execution.status === "would-apply" || execution.status === "skipped") return undefined
  const rolledBack = execution.status !== "applied" || (observation?.rolledBack.includes(change.id) ?? false)
  const after = options.afterMonthlyCost ?? execution.after?.monthlyCost
  const realized = rolledBack
    ? 0
    : options.realizedMonthlySavings ?? (after === undefined ? 0 : execution.before.monthlyCost - after)
  const cpu = observation?.comparisons.find((c) => c.changeId === change.id && c.metric === "CPUUtilization")
  return ChangeOutcome.make({
    changeId: change.id,
    rule: change.rule,
    predictedMonthlySavings: options.predictedMonthlySavings ?? change.expectedMonthlySavings,
    realizedMonthlySavings: MicroUsd.make(realized),
    ...(cpu !== undefined && options.expectedCpuRise !== undefined
      ? { predictedUtilization: clampPercent(cpu.baseline * options.expectedCpuRise) }
      : {}),
    ...(cpu !== undefined ? { realizedUtilization: clampPercent(cpu.observed) } : {}),
    rolledBack
  })
}
