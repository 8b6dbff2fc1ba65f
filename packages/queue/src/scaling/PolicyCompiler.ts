/**
 * Compiles a ScalingPolicy into plain data shaped like the AWS API inputs:
 * CloudWatch PutMetricAlarm (metric-math alarms), Application Auto Scaling
 * RegisterScalableTarget and PutScalingPolicy (step scaling), and the ECS
 * capacity provider strategy. Pure: the CDK app and a live apply both take
 * these values as they are.
 */
import type { Comparison, Condition, Rule, ScalingPolicy, Signal } from "./ScalingPolicy.js"

/** Where the policy is deployed: the ECS service it scales and the SQS queues it watches. */
export interface ScalingTarget {
  readonly clusterName: string
  readonly serviceName: string
  readonly highQueueName: string
  readonly standardQueueName: string
}

export interface MetricDimension {
  readonly Name: string
  readonly Value: string
}

export interface MetricDataQuery {
  /** Starts with a lower-case letter (a CloudWatch rule for metric-math ids). */
  readonly Id: string
  readonly Label?: string
  readonly Expression?: string
  readonly MetricStat?: {
    readonly Metric: { readonly Namespace: string; readonly MetricName: string; readonly Dimensions: ReadonlyArray<MetricDimension> }
    readonly Period: number
    readonly Stat: "Average" | "Maximum" | "Minimum" | "Sum"
  }
  /** An alarm on a math expression returns exactly one query: the expression it alarms on. */
  readonly ReturnData: boolean
}

export type AlarmComparison = "GreaterThanThreshold" | "GreaterThanOrEqualToThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold"

/** PutMetricAlarm input without AlarmActions (the scaling policy's ARN is known only once it exists). */
export interface MetricAlarmDefinition {
  readonly AlarmName: string
  readonly AlarmDescription: string
  readonly ActionsEnabled: true
  readonly ComparisonOperator: AlarmComparison
  readonly Threshold: number
  readonly EvaluationPeriods: number
  readonly DatapointsToAlarm: number
  readonly TreatMissingData: "notBreaching"
  readonly Metrics: ReadonlyArray<MetricDataQuery>
}

export interface StepAdjustmentDefinition {
  /** Relative to the alarm threshold; inclusive above the threshold, exclusive below it. */
  readonly MetricIntervalLowerBound?: number
  readonly MetricIntervalUpperBound?: number
  readonly ScalingAdjustment: number
}

export interface ScalableTargetDefinition {
  readonly ServiceNamespace: "ecs"
  readonly ResourceId: string
  readonly ScalableDimension: "ecs:service:DesiredCount"
  readonly MinCapacity: number
  readonly MaxCapacity: number
}

/** PutScalingPolicy input. */
export interface ScalingPolicyDefinition {
  readonly PolicyName: string
  readonly ServiceNamespace: "ecs"
  readonly ResourceId: string
  readonly ScalableDimension: "ecs:service:DesiredCount"
  readonly PolicyType: "StepScaling"
  readonly StepScalingPolicyConfiguration: {
    readonly AdjustmentType: "ChangeInCapacity"
    readonly StepAdjustments: ReadonlyArray<StepAdjustmentDefinition>
    readonly Cooldown: number
    readonly MetricAggregationType: "Average" | "Minimum" | "Maximum"
  }
}

export interface CompiledRule {
  readonly rule: Rule
  /** Put the ARN that PutScalingPolicy returns for `scalingPolicy` into this alarm's AlarmActions. */
  readonly alarm: MetricAlarmDefinition
  readonly scalingPolicy: ScalingPolicyDefinition
}

export interface CompiledScaling {
  readonly policy: ScalingPolicy
  readonly scalableTarget: ScalableTargetDefinition
  readonly rules: ReadonlyArray<CompiledRule>
  /** The ECS service's capacityProviderStrategy. */
  readonly capacityProviderStrategy: ReadonlyArray<{ readonly capacityProvider: "FARGATE" | "FARGATE_SPOT"; readonly weight: number; readonly base: number }>
}

/** The math-expression id each signal is known by inside an alarm. */
export const signalId: Record<Signal, string> = {
  queueDepth: "depth",
  oldestAgeSeconds: "age",
  utilizationPercent: "utilization"
}

const sqs = (id: string, metricName: string, queueName: string, period: number): MetricDataQuery => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: "AWS/SQS", MetricName: metricName, Dimensions: [{ Name: "QueueName", Value: queueName }] },
    Period: period,
    Stat: "Maximum"
  },
  ReturnData: false
})

/** The queries that define one signal: raw metrics, then the expression named by signalId. */
const signalQueries = (signal: Signal, target: ScalingTarget, period: number): ReadonlyArray<MetricDataQuery> => {
  switch (signal) {
    case "queueDepth":
      return [
        sqs("depth_high", "ApproximateNumberOfMessagesVisible", target.highQueueName, period),
        sqs("depth_standard", "ApproximateNumberOfMessagesVisible", target.standardQueueName, period),
        // An SQS queue idle for hours stops publishing; FILL turns the gap into an empty queue.
        { Id: "depth", Label: "Visible messages, both queues", Expression: "FILL(depth_high, 0) + FILL(depth_standard, 0)", ReturnData: false }
      ]
    case "oldestAgeSeconds":
      return [
        sqs("age_high", "ApproximateAgeOfOldestMessage", target.highQueueName, period),
        sqs("age_standard", "ApproximateAgeOfOldestMessage", target.standardQueueName, period),
        {
          Id: "age",
          Label: "Oldest message age (s), older of the two queues",
          Expression: "IF(FILL(age_high, 0) > FILL(age_standard, 0), FILL(age_high, 0), FILL(age_standard, 0))",
          ReturnData: false
        }
      ]
    case "utilizationPercent":
      return [
        {
          Id: "cpu",
          MetricStat: {
            Metric: {
              Namespace: "AWS/ECS",
              MetricName: "CPUUtilization",
              Dimensions: [
                { Name: "ClusterName", Value: target.clusterName },
                { Name: "ServiceName", Value: target.serviceName }
              ]
            },
            Period: period,
            Stat: "Average"
          },
          ReturnData: false
        },
        { Id: "utilization", Label: "Worker CPU (%)", Expression: "FILL(cpu, 0)", ReturnData: false }
      ]
  }
}

const renderCondition = (condition: Condition): string => `${signalId[condition.signal]} ${condition.op} ${condition.value}`

/** The alarm threshold of a rule: its first step (lowest for scale-out, highest for scale-in). */
export const ruleThreshold = (rule: Rule): number => rule.steps[0].at

/**
 * The value the alarm's expression takes when the rule's conditions do not
 * all hold: one that can never breach (0 under a "greater than" threshold,
 * the threshold itself under a "less than" one).
 */
export const neutralValue = (rule: Rule): number => (rule.direction === "out" ? 0 : ruleThreshold(rule))

export const alarmComparison = (rule: Rule): AlarmComparison => (rule.direction === "out" ? "GreaterThanThreshold" : "LessThanThreshold")

/** The metric-math expression a rule alarms on: the step signal while every condition holds. */
export const ruleExpression = (rule: Rule): string =>
  `IF(${rule.when.map(renderCondition).join(" AND ")}, ${signalId[rule.stepOn]}, ${neutralValue(rule)})`

/**
 * Step intervals relative to the threshold. Above it the lower bound is
 * inclusive, below it the upper bound is; the outermost step is open.
 */
export const stepAdjustments = (rule: Rule): ReadonlyArray<StepAdjustmentDefinition> => {
  const threshold = ruleThreshold(rule)
  return rule.steps.map((step, i) => {
    const next = rule.steps[i + 1]
    const here = step.at - threshold
    if (rule.direction === "out") {
      return next === undefined
        ? { MetricIntervalLowerBound: here, ScalingAdjustment: step.change }
        : { MetricIntervalLowerBound: here, MetricIntervalUpperBound: next.at - threshold, ScalingAdjustment: step.change }
    }
    return next === undefined
      ? { MetricIntervalUpperBound: here, ScalingAdjustment: step.change }
      : { MetricIntervalLowerBound: next.at - threshold, MetricIntervalUpperBound: here, ScalingAdjustment: step.change }
  })
}

const describeRule = (rule: Rule): string =>
  `${rule.name}: when ${rule.when.map(renderCondition).join(" and ")}, ` +
  rule.steps.map((step) => `${rule.direction === "out" ? ">" : "<"} ${step.at} ${signalId[rule.stepOn]} -> ${step.change > 0 ? "+" : ""}${step.change}`).join(", ") +
  `; cooldown ${rule.cooldownSeconds} s`

const uniqueSignals = (rule: Rule): ReadonlyArray<Signal> => {
  const wanted = new Set<Signal>([...rule.when.map((c) => c.signal), rule.stepOn])
  return (["queueDepth", "oldestAgeSeconds", "utilizationPercent"] as const).filter((s) => wanted.has(s))
}

const compileRule = (policy: ScalingPolicy, target: ScalingTarget, resourceId: string, rule: Rule): CompiledRule => {
  const period = policy.evaluation.periodSeconds
  const name = `${policy.name}-${target.serviceName}-${rule.name}`
  return {
    rule,
    alarm: {
      AlarmName: name,
      AlarmDescription: describeRule(rule),
      ActionsEnabled: true,
      ComparisonOperator: alarmComparison(rule),
      Threshold: ruleThreshold(rule),
      EvaluationPeriods: policy.evaluation.evaluationPeriods,
      DatapointsToAlarm: Math.min(policy.evaluation.datapointsToAlarm, policy.evaluation.evaluationPeriods),
      TreatMissingData: "notBreaching",
      Metrics: [
        ...uniqueSignals(rule).flatMap((signal) => signalQueries(signal, target, period)),
        { Id: "signal", Label: rule.name, Expression: ruleExpression(rule), ReturnData: true }
      ]
    },
    scalingPolicy: {
      PolicyName: name,
      ServiceNamespace: "ecs",
      ResourceId: resourceId,
      ScalableDimension: "ecs:service:DesiredCount",
      PolicyType: "StepScaling",
      StepScalingPolicyConfiguration: {
        AdjustmentType: "ChangeInCapacity",
        StepAdjustments: stepAdjustments(rule),
        Cooldown: rule.cooldownSeconds,
        MetricAggregationType: rule.aggregation
      }
    }
  }
}

/** Compiles the policy for one ECS service and its two queues. */
export const compile = (policy: ScalingPolicy, target: ScalingTarget): CompiledScaling => {
  const resourceId = `service/${target.clusterName}/${target.serviceName}`
  return {
    policy,
    scalableTarget: {
      ServiceNamespace: "ecs",
      ResourceId: resourceId,
      ScalableDimension: "ecs:service:DesiredCount",
      MinCapacity: policy.capacity.min,
      MaxCapacity: policy.capacity.max
    },
    rules: policy.rules.map((rule) => compileRule(policy, target, resourceId, rule)),
    capacityProviderStrategy: policy.capacityProviders.map((p) => ({ capacityProvider: p.provider, weight: p.weight, base: p.base }))
  }
}

/** How a comparison reads in a condition, for the evaluator. */
export const holds = (left: number, op: Comparison, right: number): boolean => {
  switch (op) {
    case ">":
      return left > right
    case ">=":
      return left >= right
    case "<":
      return left < right
    case "<=":
      return left <= right
  }
}
