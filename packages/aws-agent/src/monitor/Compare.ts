/**
 * θ5: one metric after a change against its baseline. CPU regresses when it
 * stays above the ceiling for N consecutive points (what the CloudWatch alarm
 * watches), or when its p95 rose beyond what the resize predicts by a margin;
 * cost regresses when it is above the plan's target.
 */
import { type ChangeId, MetricComparison, type MicroUsd, type ResourceRef } from "@miyabi/types"
import { baselineFrom, type Baseline, type MetricPoint, ordered } from "./Baseline.js"

export interface CpuThresholds {
  /** Percent the CPU must not stay above (the alarm's threshold). */
  readonly ceilingPercent: number
  /** Consecutive points above the ceiling that make a regression (3 x 5 min). */
  readonly sustainedPoints: number
  /** Predicted CPU multiplier of the change: old vCPU / new vCPU for a resize, 1 otherwise. */
  readonly expectedRise: number
  /** Relative slack over the predicted p95 (0.25 = 25 % more than predicted). */
  readonly margin: number
  /**
   * Absolute slack in percentage points, so a quiet instance going from 4 % to
   * 12 % is not called a regression because 12 > 4 x 2 x 1.25.
   */
  readonly minRisePoints: number
  /** Fewer points than this before or after the change: insufficient data. */
  readonly minPoints: number
}

export const defaultCpuThresholds: CpuThresholds = {
  ceilingPercent: 80,
  sustainedPoints: 3,
  expectedRise: 1,
  margin: 0.25,
  minRisePoints: 10,
  minPoints: 3
}

/** CPU multiplier a resize predicts: the same work on fewer vCPUs (old / new). */
export const expectedCpuRise = (fromVcpus: number, toVcpus: number): number =>
  fromVcpus > 0 && toVcpus > 0 ? fromVcpus / toVcpus : 1

/** What is measured: the change, its resource and the CloudWatch metric. */
export interface Subject {
  readonly changeId: ChangeId
  readonly resource: ResourceRef
  readonly namespace: string
  readonly metric: string
}

export type AssessmentStatus = "ok" | "regressed" | "insufficient-data"

/** A comparison for the Observation, with why it was (not) judged a regression. */
export interface Assessment {
  readonly comparison: MetricComparison
  readonly status: AssessmentStatus
  readonly reasons: ReadonlyArray<string>
}

const longestRunAbove = (series: ReadonlyArray<MetricPoint>, ceiling: number): number => {
  let best = 0
  let run = 0
  for (const p of series) {
    run = p.value > ceiling ? run + 1 : 0
    best = Math.max(best, run)
  }
  return best
}

/** CPU (percent) after the change against the baseline before it. */
export const compare = (
  subject: Subject,
  baseline: Baseline,
  observedSeries: ReadonlyArray<MetricPoint>,
  thresholds: CpuThresholds = defaultCpuThresholds
): Assessment => {
  const series = ordered(observedSeries)
  const observed = baselineFrom(series)
  const reasons: Array<string> = []
  const run = longestRunAbove(series, thresholds.ceilingPercent)
  if (run >= thresholds.sustainedPoints) {
    reasons.push(`${subject.metric} above ${thresholds.ceilingPercent} for ${run} consecutive points (limit ${thresholds.sustainedPoints})`)
  }
  const predicted = baseline.p95 * thresholds.expectedRise
  const allowed = Math.max(predicted * (1 + thresholds.margin), predicted + thresholds.minRisePoints)
  const enough = baseline.count >= thresholds.minPoints && observed.count >= thresholds.minPoints
  if (enough && observed.p95 > allowed) {
    reasons.push(`p95 ${observed.p95.toFixed(1)} above the predicted ${predicted.toFixed(1)} (x${thresholds.expectedRise.toFixed(2)}) plus margin, allowed ${allowed.toFixed(1)}`)
  }
  const regressed = reasons.length > 0
  const status: AssessmentStatus = regressed ? "regressed" : enough ? "ok" : "insufficient-data"
  if (status === "insufficient-data") {
    reasons.push(`${baseline.count} baseline and ${observed.count} observed points, need ${thresholds.minPoints} of each`)
  }
  return {
    comparison: MetricComparison.make({
      ...subject,
      statistic: "p95",
      baseline: baseline.p95,
      observed: observed.p95,
      threshold: thresholds.ceilingPercent,
      regressed
    }),
    status,
    reasons
  }
}

/** Monthly cost (micro-dollars) after the change against the plan's target. */
export const compareCost = (subject: Subject, baseline: MicroUsd, observed: MicroUsd, target: MicroUsd): Assessment => {
  const regressed = observed > target
  return {
    comparison: MetricComparison.make({ ...subject, statistic: "Maximum", baseline, observed, threshold: target, regressed }),
    status: regressed ? "regressed" : "ok",
    reasons: regressed ? [`monthly cost ${observed} micro-USD above the target ${target}`] : []
  }
}
