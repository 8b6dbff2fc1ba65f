/**
 * Scaling: the fleet's declarative policy, its compiler into CloudWatch
 * metric-math alarms and Application Auto Scaling step policies, and a
 * deterministic simulator that replays queues through the same policy.
 * This is the public API of the `Scaling` namespace of @miyabi/queue.
 */
export * from "./ScalingPolicy.js"
export {
  compile,
  ruleExpression,
  stepAdjustments,
  type AlarmComparison,
  type CompiledRule,
  type CompiledScaling,
  type MetricAlarmDefinition,
  type MetricDataQuery,
  type ScalableTargetDefinition,
  type ScalingPolicyDefinition,
  type ScalingTarget,
  type StepAdjustmentDefinition
} from "./PolicyCompiler.js"
export { adjustmentFor, alarmState, breaches, expressionValue, type Signals } from "./AlarmEvaluator.js"
export { DAY_SECONDS, generateArrivals, parseDuration, parseRate, type Arrival, type ArrivalSpec, type ServiceSpec } from "./Arrivals.js"
export { simulate, type ScaleEvent, type SimulationOptions, type SimulationResult, type WaitStats } from "./Simulator.js"
export { loadTrace, parseTrace } from "./Trace.js"
