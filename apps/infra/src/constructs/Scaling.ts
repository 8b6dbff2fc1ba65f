/**
 * The fleet's scaling, taken as compiled data from @miyabi/queue's policy
 * compiler: one Application Auto Scaling scalable target, and per rule a
 * step-scaling policy plus the metric-math alarm that triggers it. The
 * alarms AND several metrics (depth and age, depth and CPU), which a plain
 * CloudWatch alarm or a target-tracking policy cannot express.
 */
import * as applicationautoscaling from "aws-cdk-lib/aws-applicationautoscaling"
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch"
import type { Scaling as QueueScaling } from "@miyabi/queue"
import { Construct } from "constructs"

type CompiledScaling = QueueScaling.CompiledScaling
type MetricDataQuery = QueueScaling.MetricDataQuery

export interface ScalingProps {
  readonly compiled: CompiledScaling
  /** The ECS service must exist before its scalable target is registered. */
  readonly dependsOn: Construct
}

/** A compiled metric query as the CloudFormation property it is. */
export const toCfnMetricDataQuery = (query: MetricDataQuery): cloudwatch.CfnAlarm.MetricDataQueryProperty => ({
  id: query.Id,
  returnData: query.ReturnData,
  ...(query.Label === undefined ? {} : { label: query.Label }),
  ...(query.Expression === undefined ? {} : { expression: query.Expression }),
  ...(query.MetricStat === undefined
    ? {}
    : {
        metricStat: {
          metric: {
            namespace: query.MetricStat.Metric.Namespace,
            metricName: query.MetricStat.Metric.MetricName,
            dimensions: query.MetricStat.Metric.Dimensions.map((d) => ({ name: d.Name, value: d.Value }))
          },
          period: query.MetricStat.Period,
          stat: query.MetricStat.Stat
        }
      })
})

const capitalized = (name: string): string =>
  name
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("")

export class Scaling extends Construct {
  readonly scalableTarget: applicationautoscaling.CfnScalableTarget
  readonly policies: ReadonlyArray<applicationautoscaling.CfnScalingPolicy>
  readonly alarms: ReadonlyArray<cloudwatch.CfnAlarm>

  constructor(scope: Construct, id: string, props: ScalingProps) {
    super(scope, id)
    const { compiled } = props
    const target = compiled.scalableTarget
    this.scalableTarget = new applicationautoscaling.CfnScalableTarget(this, "Target", {
      serviceNamespace: target.ServiceNamespace,
      resourceId: target.ResourceId,
      scalableDimension: target.ScalableDimension,
      minCapacity: target.MinCapacity,
      // No RoleArn: Application Auto Scaling uses (and creates) its service-linked role for ECS.
      maxCapacity: target.MaxCapacity
    })
    this.scalableTarget.node.addDependency(props.dependsOn)

    const policies: Array<applicationautoscaling.CfnScalingPolicy> = []
    const alarms: Array<cloudwatch.CfnAlarm> = []
    for (const rule of compiled.rules) {
      const name = capitalized(rule.rule.name)
      const step = rule.scalingPolicy.StepScalingPolicyConfiguration
      const policy = new applicationautoscaling.CfnScalingPolicy(this, `${name}Policy`, {
        policyName: rule.scalingPolicy.PolicyName,
        policyType: rule.scalingPolicy.PolicyType,
        // The target's Ref is its id (service/cluster/service|...), which ties the policy to it.
        scalingTargetId: this.scalableTarget.ref,
        stepScalingPolicyConfiguration: {
          adjustmentType: step.AdjustmentType,
          cooldown: step.Cooldown,
          metricAggregationType: step.MetricAggregationType,
          stepAdjustments: step.StepAdjustments.map((s) => ({
            scalingAdjustment: s.ScalingAdjustment,
            ...(s.MetricIntervalLowerBound === undefined ? {} : { metricIntervalLowerBound: s.MetricIntervalLowerBound }),
            ...(s.MetricIntervalUpperBound === undefined ? {} : { metricIntervalUpperBound: s.MetricIntervalUpperBound })
          }))
        }
      })
      const alarm = new cloudwatch.CfnAlarm(this, `${name}Alarm`, {
        alarmName: rule.alarm.AlarmName,
        alarmDescription: rule.alarm.AlarmDescription,
        actionsEnabled: rule.alarm.ActionsEnabled,
        comparisonOperator: rule.alarm.ComparisonOperator,
        threshold: rule.alarm.Threshold,
        evaluationPeriods: rule.alarm.EvaluationPeriods,
        datapointsToAlarm: rule.alarm.DatapointsToAlarm,
        treatMissingData: rule.alarm.TreatMissingData,
        metrics: rule.alarm.Metrics.map(toCfnMetricDataQuery),
        // A CfnScalingPolicy's Ref is its ARN: the step policy is the alarm's action.
        alarmActions: [policy.ref]
      })
      policies.push(policy)
      alarms.push(alarm)
    }
    this.policies = policies
    this.alarms = alarms
  }
}
