/**
 * θ6: per-rule statistics. Confidence is the mean of a Beta posterior over
 * "a change of this rule sticks" (applied and not rolled back):
 * Beta(α0 + successes, β0 + rollbacks). The default prior Beta(2, 1) (mean
 * 0.67) gives a new rule the benefit of the doubt yet lets two rollbacks in
 * a row pull it under θ3's 0.5 gate: Beta(2, 3) = 0.4. Confidence is
 * recomputed from the running totals, so it never drifts.
 */
import { type ChangeOutcome, MicroUsd, type RuleId, RuleStats } from "@miyabi/types"

export interface BetaPrior {
  readonly alpha: number
  readonly beta: number
}

export const defaultPrior: BetaPrior = { alpha: 2, beta: 1 }

export const posteriorMean = (applied: number, rolledBack: number, prior: BetaPrior = defaultPrior): number =>
  (prior.alpha + applied - rolledBack) / (prior.alpha + prior.beta + applied)

/** Adds this cycle's outcomes of `rule` (others are ignored) to its totals. */
export const updateRuleStats = (
  rule: RuleId,
  prior: RuleStats | undefined,
  outcomes: ReadonlyArray<ChangeOutcome>,
  betaPrior: BetaPrior = defaultPrior
): RuleStats => {
  const mine = outcomes.filter((o) => o.rule === rule)
  const applied = (prior?.applied ?? 0) + mine.length
  const rolledBack = (prior?.rolledBack ?? 0) + mine.filter((o) => o.rolledBack).length
  const sum = (f: (o: ChangeOutcome) => number) => mine.reduce((s, o) => s + f(o), 0)
  return RuleStats.make({
    rule,
    applied,
    rolledBack,
    predictedMonthlySavings: MicroUsd.make((prior?.predictedMonthlySavings ?? 0) + sum((o) => o.predictedMonthlySavings)),
    realizedMonthlySavings: MicroUsd.make((prior?.realizedMonthlySavings ?? 0) + sum((o) => o.realizedMonthlySavings)),
    confidence: posteriorMean(applied, rolledBack, betaPrior)
  })
}

/**
 * Realized over predicted savings, from the integer micro-dollar totals (one
 * division, no accumulated float error); undefined when nothing was predicted.
 */
export const realizedRatio = (stats: RuleStats): number | undefined =>
  stats.predictedMonthlySavings === 0 ? undefined : stats.realizedMonthlySavings / stats.predictedMonthlySavings

export interface AdvicePolicy {
  readonly minRollbacks: number
  readonly minConfidence: number
}

/** Matches θ3's defaults (maxRollbacks 2, minConfidence 0.5). */
export const defaultAdvicePolicy: AdvicePolicy = { minRollbacks: 2, minConfidence: 0.5 }

/** Why the rule should stop being auto-applied, or undefined when it may be. */
export const adviceOnly = (stats: RuleStats, policy: AdvicePolicy = defaultAdvicePolicy): string | undefined =>
  stats.rolledBack >= policy.minRollbacks && stats.confidence < policy.minConfidence
    ? `${stats.rolledBack} of ${stats.applied} change(s) rolled back, confidence ${stats.confidence.toFixed(2)} < ${policy.minConfidence}`
    : undefined
