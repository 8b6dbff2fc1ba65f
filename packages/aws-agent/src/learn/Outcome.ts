/**
 * θ6: what one change realized against what it predicted. Savings come from
 * cost data when the caller has it, else from the pricing delta (monthly cost
 * before minus after); utilization comes from θ5's CPU comparison. A change
 * with neither cost data nor a before-state has no measured saving: it is
 * left out of learning and named, never counted as a saving of 0.
 */
import { type Change, type ChangeId, ChangeOutcome, type ChangeExecution, MicroUsd, type Observation, type RuleId } from "@miyabi/types"

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

/** A change that ran and stuck, whose saving could not be measured: excluded from learning, with why. */
export interface Unmeasured {
  readonly changeId: ChangeId
  readonly rule: RuleId
  readonly reason: string
}

/** What one execution gives θ6. */
export type Outcome =
  /** A dry run or a skipped change: nothing happened, nothing to learn. */
  | { readonly _tag: "NotRun" }
  | { readonly _tag: "Unmeasured"; readonly unmeasured: Unmeasured }
  | { readonly _tag: "Measured"; readonly outcome: ChangeOutcome }

const clampPercent = (n: number): number => Math.min(100, Math.max(0, n))

/**
 * NotRun for changes that never ran (dry run, skipped). `rolledBack` is true
 * when the change did not stick: rolled back by θ4 or θ5, failed, or its
 * rollback failed; such a change realized nothing. A change that stuck
 * without cost data and without a before-state (its resource not read) is
 * Unmeasured.
 */
export const outcomeOf = (
  change: Change,
  execution: ChangeExecution,
  observation: Observation | undefined,
  options: OutcomeOptions = {}
): Outcome => {
  if (execution.status === "would-apply" || execution.status === "skipped") return { _tag: "NotRun" }
  const rolledBack = execution.status !== "applied" || (observation?.rolledBack.includes(change.id) ?? false)
  const after = options.afterMonthlyCost ?? execution.after?.monthlyCost
  const beforeCost = execution.before?.monthlyCost
  if (!rolledBack && options.realizedMonthlySavings === undefined && beforeCost === undefined) {
    return { _tag: "Unmeasured", unmeasured: { changeId: change.id, rule: change.rule, reason: "the resource was not read before the change: no before-cost to measure a saving against" } }
  }
  const realized = rolledBack ? 0 : options.realizedMonthlySavings ?? (after === undefined || beforeCost === undefined ? 0 : beforeCost - after)
  const cpu = observation?.comparisons.find((c) => c.changeId === change.id && c.metric === "CPUUtilization")
  return {
    _tag: "Measured",
    outcome: ChangeOutcome.make({
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
}

/** The outcome learning counts, if any. */
export const measured = (o: Outcome): ChangeOutcome | undefined => (o._tag === "Measured" ? o.outcome : undefined)
