/**
 * θ5 output: changed resources watched through CloudWatch, compared with
 * their pre-change baseline; a regression triggers rollback.
 */
import { Schema } from "effect"
import { CycleId } from "./Ids.js"
import { MicroUsd } from "./Money.js"
import { DeploymentId } from "./Deployment.js"
import { ChangeId } from "./Plan.js"
import { ResourceRef } from "./Resource.js"

/** One metric of one changed resource: before the change and after it. */
export class MetricComparison extends Schema.Class<MetricComparison>("MetricComparison")({
  changeId: ChangeId,
  resource: ResourceRef,
  /** CloudWatch namespace and metric name, e.g. "AWS/EC2", "CPUUtilization". */
  namespace: Schema.String,
  metric: Schema.String,
  statistic: Schema.Literal("Average", "Maximum", "Minimum", "Sum", "p95", "p99"),
  baseline: Schema.Number,
  observed: Schema.Number,
  /** The value the observed metric must stay under (e.g. 80 for CPU %). */
  threshold: Schema.optional(Schema.Number),
  regressed: Schema.Boolean
}) {}

export class AlarmObservation extends Schema.Class<AlarmObservation>("AlarmObservation")({
  name: Schema.String,
  /** e.g. "CPUUtilization > 80 for 3 x 5 min", "monthly cost > target". */
  condition: Schema.String,
  state: Schema.Literal("OK", "ALARM", "INSUFFICIENT_DATA"),
  changeId: Schema.optional(ChangeId)
}) {}

export const ObservationVerdict = Schema.Literal("healthy", "regressed", "insufficient-data")
export type ObservationVerdict = typeof ObservationVerdict.Type

export class Observation extends Schema.Class<Observation>("Observation")({
  cycleId: CycleId,
  deploymentId: DeploymentId,
  observedAt: Schema.Date,
  windowStart: Schema.Date,
  windowEnd: Schema.Date,
  comparisons: Schema.Array(MetricComparison),
  alarms: Schema.Array(AlarmObservation),
  /** Monthly cost of the changed resources before and after, when known. */
  baselineMonthlyCost: Schema.optional(MicroUsd),
  observedMonthlyCost: Schema.optional(MicroUsd),
  verdict: ObservationVerdict,
  /** Changes rolled back because of this observation. */
  rolledBack: Schema.Array(ChangeId)
}) {}
