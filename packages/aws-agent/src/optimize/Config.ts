/**
 * The optimizer's knobs, with defaults. Thresholds follow AWS Compute
 * Optimizer's published practice: it needs at least 30 hours of metrics in
 * the last 14 days before it recommends anything, and aims at a utilization
 * that leaves headroom for the peaks it has seen.
 */
import type { Risk } from "@miyabi/types"

export interface OptimizeConfig {
  /** Minimum hourly datapoints before a utilization-based rule acts (Compute Optimizer: 30 hours in 14 days). */
  readonly minHistoryHours: number
  /** The p95 CPU a resized resource may reach (scaled by the capacity ratio). */
  readonly targetP95Percent: number
  /** Room left above the observed peak after a resize: projected peak <= 100 - headroom. */
  readonly peakHeadroomPercent: number
  /** Idle: average CPU under this (and peak under `idlePeakPercent`) over the window. */
  readonly idleAveragePercent: number
  readonly idlePeakPercent: number
  /** Without memory metrics, never shrink memory below this fraction of the current size. */
  readonly minMemoryFractionWithoutMetrics: number
  /** Lambda: how much longer a function may run at half the memory (1 = I/O-bound, 2 = CPU-bound). */
  readonly lambdaDurationGrowthAtHalfMemory: number
  /** S3 lifecycle estimate: the share of a bucket's bytes that would go cold (Intelligent-Tiering's infrequent tier). */
  readonly s3ColdFraction: number
  /** Savings Plan / Reserved candidates: datapoints must cover this share of the window (steady usage). */
  readonly steadyCoverage: number
  /** Discount of a 1-year no-upfront Compute Savings Plan (EC2) and of a 1-year RDS reservation. */
  readonly savingsPlanDiscount: number
  readonly rdsReservedDiscount: number
  /** Tag that protects a resource from every change (value must be "true"). */
  readonly protectedTagKey: string
  /** A rule whose θ6 confidence is under this is advice-only. */
  readonly minConfidence: number
  /** A rule rolled back this many times is advice-only, whatever its confidence. */
  readonly maxRollbacks: number
  /** Confidence of a rule θ6 has no statistics for yet. */
  readonly newRuleConfidence: number
  /** Limits θ4 enforces (ExecutionPlan.blastRadius). */
  readonly blastRadius: { readonly maxChanges: number; readonly maxChangesPerAccount: number; readonly maxRisk: Risk }
}

export const defaultConfig: OptimizeConfig = {
  minHistoryHours: 30,
  targetP95Percent: 60,
  peakHeadroomPercent: 20,
  idleAveragePercent: 3,
  idlePeakPercent: 10,
  minMemoryFractionWithoutMetrics: 0.5,
  lambdaDurationGrowthAtHalfMemory: 1.25,
  s3ColdFraction: 0.5,
  steadyCoverage: 0.9,
  savingsPlanDiscount: 0.28,
  rdsReservedDiscount: 0.35,
  protectedTagKey: "miyabi:protected",
  minConfidence: 0.5,
  maxRollbacks: 2,
  newRuleConfidence: 1,
  blastRadius: { maxChanges: 20, maxChangesPerAccount: 10, maxRisk: "medium" }
}

/** Defaults with the given fields replaced. */
export const config = (overrides: Partial<OptimizeConfig> = {}): OptimizeConfig => ({ ...defaultConfig, ...overrides })
