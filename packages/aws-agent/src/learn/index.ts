/**
 * θ6 Learning, the public API (pure): change outcomes, per-rule Beta
 * statistics (θ3's `ruleStats`), the advice-only policy, the learning record
 * and next-cycle recommendations.
 */
export { measured, outcomeOf, type Outcome, type OutcomeOptions, type Unmeasured } from "./Outcome.js"
export { cycleOutcomes, type CycleOutcomes } from "./CycleOutcomes.js"
export {
  adviceOnly,
  defaultAdvicePolicy,
  defaultPrior,
  posteriorMean,
  realizedRatio,
  updateRuleStats,
  type AdvicePolicy,
  type BetaPrior
} from "./RuleStatistics.js"
export { learningRecord, statsOf, type Learning, type LearningOptions, type RuleRecommendation } from "./LearningReport.js"
