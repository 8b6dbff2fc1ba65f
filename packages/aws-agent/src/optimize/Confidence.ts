/**
 * How much θ3 trusts a rule, from θ6's statistics. θ6 keeps a Beta/mean
 * estimate in `RuleStats.confidence`; the optimizer scales a rule's expected
 * savings by it and stops auto-applying a rule that θ6 distrusts or whose
 * changes keep being rolled back.
 */
import type { RuleId, RuleStats } from "@miyabi/types"
import type { OptimizeConfig } from "./Config.js"

export interface RuleGate {
  readonly confidence: number
  /** Present when the rule's changes are advice only, with why. */
  readonly adviceOnly?: string
}

export const ruleGate = (rule: RuleId, stats: ReadonlyMap<RuleId, RuleStats>, config: OptimizeConfig): RuleGate => {
  const s = stats.get(rule)
  if (s === undefined) return { confidence: config.newRuleConfidence }
  if (s.rolledBack >= config.maxRollbacks) {
    return { confidence: s.confidence, adviceOnly: `rolled back ${s.rolledBack} times (limit ${config.maxRollbacks})` }
  }
  if (s.confidence < config.minConfidence) {
    return { confidence: s.confidence, adviceOnly: `confidence ${s.confidence.toFixed(2)} is under ${config.minConfidence}` }
  }
  return { confidence: s.confidence }
}

/** Savings weighted by confidence, in whole micro-dollars, never negative. */
export const scaleSavings = (micros: number, confidence: number): number => Math.max(0, Math.round(micros * confidence))
