/**
 * θ5: CloudWatch alarms for a changed resource, as plain PutMetricAlarm
 * input (the adapter sends them; this module has no SDK).
 *
 * Cost alarm: a custom metric, not AWS/Billing EstimatedCharges.
 * EstimatedCharges is account-wide, month-to-date and published only in
 * us-east-1, so it cannot say whether one changed resource is over its
 * target. The cycle runner publishes `Miyabi/Cost EstimatedMonthlyCost`
 * (micro-dollars, priced from the catalog) per resource ARN, and the alarm
 * fires when it stayed above the plan's target for the resource all hour.
 */
import type { Change, CycleId, MicroUsd, ResourceKind } from "@miyabi/types"

export const COST_NAMESPACE = "Miyabi/Cost"
export const COST_METRIC = "EstimatedMonthlyCost"
export const COST_DIMENSION = "ResourceArn"

export interface Dimension {
  readonly Name: string
  readonly Value: string
}

export interface Tag {
  readonly Key: string
  readonly Value: string
}

/** The fields of CloudWatch PutMetricAlarmInput the platform sets. */
export interface AlarmDefinition {
  readonly AlarmName: string
  readonly AlarmDescription: string
  readonly Namespace: string
  readonly MetricName: string
  readonly Dimensions: ReadonlyArray<Dimension>
  readonly Statistic: "Average" | "Maximum" | "Minimum"
  readonly Period: number
  readonly EvaluationPeriods: number
  readonly DatapointsToAlarm: number
  readonly Threshold: number
  readonly ComparisonOperator: "GreaterThanThreshold"
  readonly TreatMissingData: "missing" | "notBreaching"
  readonly ActionsEnabled: boolean
  readonly AlarmActions: ReadonlyArray<string>
  readonly Tags: ReadonlyArray<Tag>
}

export interface AlarmOptions {
  readonly cycleId: CycleId
  /** The plan's target monthly cost for the resource; no cost alarm without it. */
  readonly targetMonthlyCost?: MicroUsd
  readonly cpuThresholdPercent?: number
  /** Seconds per CPU period and how many must breach in a row (5 min x 3). */
  readonly periodSeconds?: number
  readonly evaluationPeriods?: number
  /** Period of the cost metric; the runner publishes it hourly. */
  readonly costPeriodSeconds?: number
  /** SNS topics or other actions; none by default (θ5 polls alarm state). */
  readonly alarmActions?: ReadonlyArray<string>
  /** Extra tags, e.g. CostCenter and Environment of the platform. */
  readonly tags?: Readonly<Record<string, string>>
  readonly prefix?: string
}

/** Where each kind's CPU lives in CloudWatch; kinds without a CPU metric get only the cost alarm. */
const CPU_METRIC: Partial<Record<ResourceKind, { readonly namespace: string; readonly dimension: string }>> = {
  "ec2-instance": { namespace: "AWS/EC2", dimension: "InstanceId" },
  "rds-instance": { namespace: "AWS/RDS", dimension: "DBInstanceIdentifier" }
}

// CloudWatch alarm names are at most 255 characters.
const alarmName = (parts: ReadonlyArray<string>): string => parts.join("/").slice(0, 255)

export const alarmDefinitions = (change: Change, options: AlarmOptions): ReadonlyArray<AlarmDefinition> => {
  const prefix = options.prefix ?? "miyabi"
  const tags: ReadonlyArray<Tag> = [
    ...Object.entries(options.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
    { Key: "miyabi:managed-by", Value: "miyabi-agent" },
    { Key: "miyabi:cycle", Value: options.cycleId },
    { Key: "miyabi:change", Value: change.id },
    { Key: "miyabi:rule", Value: change.rule }
  ]
  const common = {
    ActionsEnabled: (options.alarmActions ?? []).length > 0,
    AlarmActions: options.alarmActions ?? [],
    ComparisonOperator: "GreaterThanThreshold" as const,
    Tags: tags
  }
  const out: Array<AlarmDefinition> = []
  const cpu = CPU_METRIC[change.resource.kind]
  if (cpu !== undefined) {
    const threshold = options.cpuThresholdPercent ?? 80
    const period = options.periodSeconds ?? 300
    const periods = options.evaluationPeriods ?? 3
    out.push({
      ...common,
      AlarmName: alarmName([prefix, options.cycleId, change.id, "cpu"]),
      AlarmDescription: `CPUUtilization > ${threshold} for ${periods} x ${period / 60} min after ${change.summary}`,
      Namespace: cpu.namespace,
      MetricName: "CPUUtilization",
      Dimensions: [{ Name: cpu.dimension, Value: change.resource.id }],
      Statistic: "Average",
      Period: period,
      EvaluationPeriods: periods,
      DatapointsToAlarm: periods,
      Threshold: threshold,
      // A stopped instance sends nothing; missing data keeps the last state rather than alarming.
      TreatMissingData: "missing"
    })
  }
  if (options.targetMonthlyCost !== undefined) {
    out.push({
      ...common,
      AlarmName: alarmName([prefix, options.cycleId, change.id, "cost"]),
      AlarmDescription: `monthly cost of ${change.resource.id} > target ${options.targetMonthlyCost} micro-USD (${COST_NAMESPACE} ${COST_METRIC})`,
      Namespace: COST_NAMESPACE,
      MetricName: COST_METRIC,
      Dimensions: [{ Name: COST_DIMENSION, Value: change.resource.arn }],
      // Minimum: the cost stayed above the target all period. A point from before the change (or
      // from an earlier cycle's state of the same resource) in the same hour must not fire it.
      Statistic: "Minimum",
      Period: options.costPeriodSeconds ?? 3600,
      EvaluationPeriods: 1,
      DatapointsToAlarm: 1,
      Threshold: options.targetMonthlyCost,
      TreatMissingData: "notBreaching"
    })
  }
  return out
}
