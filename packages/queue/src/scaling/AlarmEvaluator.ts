/**
 * Evaluates a compiled rule the way CloudWatch and Application Auto Scaling
 * would: the alarm's expression value, whether it breaches the compiled
 * threshold, and which compiled step adjustment applies. The simulator uses
 * this, so it exercises the compiled data, not a re-statement of the SPEC.
 */
import { holds, neutralValue, type AlarmComparison, type CompiledRule, type StepAdjustmentDefinition } from "./PolicyCompiler.js"
import type { Signal } from "./ScalingPolicy.js"

export type Signals = Readonly<Record<Signal, number>>

/** The value of `IF(cond AND cond..., stepSignal, neutral)` for these signals. */
export const expressionValue = (compiled: CompiledRule, signals: Signals): number =>
  compiled.rule.when.every((c) => holds(signals[c.signal], c.op, c.value)) ? signals[compiled.rule.stepOn] : neutralValue(compiled.rule)

const compare = (value: number, op: AlarmComparison, threshold: number): boolean => {
  switch (op) {
    case "GreaterThanThreshold":
      return value > threshold
    case "GreaterThanOrEqualToThreshold":
      return value >= threshold
    case "LessThanThreshold":
      return value < threshold
    case "LessThanOrEqualToThreshold":
      return value <= threshold
  }
}

/** Whether one data point breaches the alarm. */
export const breaches = (compiled: CompiledRule, value: number): boolean =>
  compare(value, compiled.alarm.ComparisonOperator, compiled.alarm.Threshold)

const inInterval = (step: StepAdjustmentDefinition, delta: number): boolean => {
  const lower = step.MetricIntervalLowerBound ?? Number.NEGATIVE_INFINITY
  const upper = step.MetricIntervalUpperBound ?? Number.POSITIVE_INFINITY
  // Application Auto Scaling: above the threshold [lower, upper), below it (lower, upper].
  return delta >= 0 ? delta >= lower && delta < upper : delta > lower && delta <= upper
}

/** The ScalingAdjustment of the compiled step that the breach size falls into, if any. */
export const adjustmentFor = (compiled: CompiledRule, value: number): number | undefined => {
  const delta = value - compiled.alarm.Threshold
  return compiled.scalingPolicy.StepScalingPolicyConfiguration.StepAdjustments.find((step) => inInterval(step, delta))?.ScalingAdjustment
}

/**
 * The alarm state after a new data point: ALARM when at least
 * DatapointsToAlarm of the last EvaluationPeriods points breach.
 */
export const alarmState = (compiled: CompiledRule, recentBreaches: ReadonlyArray<boolean>): "ALARM" | "OK" => {
  const window = recentBreaches.slice(-compiled.alarm.EvaluationPeriods)
  return window.filter(Boolean).length >= compiled.alarm.DatapointsToAlarm ? "ALARM" : "OK"
}
