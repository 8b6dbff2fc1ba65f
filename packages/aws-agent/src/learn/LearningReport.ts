/**
 * θ6: a cycle's learning record (outcomes, every rule's statistics, totals),
 * the statistics map θ3 takes next cycle, and recommendations for it.
 */
import { type ChangeOutcome, type CycleId, LearningRecord, MicroUsd, type RuleId, type RuleStats } from "@miyabi/types"
import { adviceOnly, type AdvicePolicy, type BetaPrior, defaultAdvicePolicy, defaultPrior, realizedRatio, updateRuleStats } from "./RuleStatistics.js"

export interface RuleRecommendation {
  readonly rule: RuleId
  readonly kind: "advice-only" | "over-predicts" | "under-predicts" | "trusted"
  readonly message: string
}

export interface LearningOptions {
  readonly recordedAt: Date
  readonly prior?: BetaPrior
  readonly advicePolicy?: AdvicePolicy
  /** Realized/predicted outside [1 - band, 1 + band] asks for recalibration. */
  readonly ratioBand?: number
}

export interface Learning {
  readonly record: LearningRecord
  /** Every rule's statistics after this cycle: θ3's `ruleStats` for the next one. */
  readonly stats: ReadonlyMap<RuleId, RuleStats>
  readonly recommendations: ReadonlyArray<RuleRecommendation>
}

const recommend = (s: RuleStats, policy: AdvicePolicy, band: number): RuleRecommendation | undefined => {
  const advice = adviceOnly(s, policy)
  if (advice !== undefined) return { rule: s.rule, kind: "advice-only", message: `stop auto-applying ${s.rule}: ${advice}` }
  const ratio = realizedRatio(s)
  if (ratio !== undefined && ratio < 1 - band) {
    return { rule: s.rule, kind: "over-predicts", message: `${s.rule} realized ${(ratio * 100).toFixed(0)} % of its predicted savings` }
  }
  if (ratio !== undefined && ratio > 1 + band) {
    return { rule: s.rule, kind: "under-predicts", message: `${s.rule} realized ${(ratio * 100).toFixed(0)} % of its predicted savings` }
  }
  if (s.rolledBack === 0 && s.applied > 0) {
    return { rule: s.rule, kind: "trusted", message: `${s.rule}: ${s.applied} change(s), none rolled back, confidence ${s.confidence.toFixed(2)}` }
  }
  return undefined
}

export const learningRecord = (
  cycleId: CycleId,
  outcomes: ReadonlyArray<ChangeOutcome>,
  priorStats: ReadonlyMap<RuleId, RuleStats>,
  options: LearningOptions
): Learning => {
  const stats = new Map(priorStats)
  for (const rule of new Set(outcomes.map((o) => o.rule))) {
    stats.set(rule, updateRuleStats(rule, priorStats.get(rule), outcomes, options.prior ?? defaultPrior))
  }
  const rules = [...stats.values()].sort((a, b) => a.rule.localeCompare(b.rule))
  const policy = options.advicePolicy ?? defaultAdvicePolicy
  const band = options.ratioBand ?? 0.2
  return {
    record: LearningRecord.make({
      cycleId,
      recordedAt: options.recordedAt,
      outcomes,
      rules,
      predictedMonthlySavings: MicroUsd.make(outcomes.reduce((s, o) => s + o.predictedMonthlySavings, 0)),
      realizedMonthlySavings: MicroUsd.make(outcomes.reduce((s, o) => s + o.realizedMonthlySavings, 0))
    }),
    stats,
    recommendations: rules.flatMap((s) => recommend(s, policy, band) ?? [])
  }
}

/** The statistics θ3 takes, from a stored record. */
export const statsOf = (record: LearningRecord): ReadonlyMap<RuleId, RuleStats> => new Map(record.rules.map((s) => [s.rule, s]))
