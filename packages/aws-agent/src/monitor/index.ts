/**
 * θ5 Monitoring, the public API: `watch(input, options)` (baseline, alarms,
 * cost metric, watch window, verdict, rollback of the regressed changes,
 * over CloudWatchAlarms, CloudWatchMetrics and θ4), and its pure parts:
 * baselines, after-vs-before comparisons, the regression verdict that names
 * changes to roll back, and the CloudWatch alarm definitions.
 */
export { watch, type WatchInput, type WatchOptions } from "./Watch.js"
export { MonitorError } from "./MonitorError.js"
export { baselineFrom, type Baseline, type MetricPoint } from "./Baseline.js"
export {
  compare,
  compareCost,
  defaultCpuThresholds,
  expectedCpuRise,
  type Assessment,
  type AssessmentStatus,
  type CpuThresholds,
  type Subject
} from "./Compare.js"
export { expectedRiseFor } from "./ExpectedRise.js"
export { verdict, type VerdictResult } from "./Verdict.js"
export {
  alarmDefinitions,
  COST_DIMENSION,
  COST_METRIC,
  COST_NAMESPACE,
  type AlarmDefinition,
  type AlarmOptions
} from "./Alarms.js"
