import { Scaling as QueueScaling } from "@miyabi/queue"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { environments, resourceNames } from "../config/Environments.js"
import { type CfnResource, resourcesOf, type Synthesized, synthesize } from "../testing/Synth.js"
import { toCfnMetricDataQuery } from "./Scaling.js"

const names = resourceNames(environments.dev)
let synth: Synthesized
let alarms: Record<string, CfnResource>
let policies: Record<string, CfnResource>

/** The same compilation the stack did, from the policy and the names alone. */
const expected = QueueScaling.compile(QueueScaling.specPolicy, {
  clusterName: names.cluster,
  serviceName: names.service,
  highQueueName: names.highQueue,
  standardQueueName: names.standardQueue
})

beforeAll(() => {
  synth = synthesize("dev")
  alarms = resourcesOf(synth.template, "AWS::CloudWatch::Alarm")
  policies = resourcesOf(synth.template, "AWS::ApplicationAutoScaling::ScalingPolicy")
}, 120_000)
afterAll(() => synth.dispose())

const alarmNamed = (name: string): CfnResource => {
  const found = Object.values(alarms).find((a) => a.Properties?.["AlarmName"] === name)
  if (found === undefined) throw new Error(`no alarm ${name}`)
  return found
}

describe("compiled scaling in the template", () => {
  it("registers the service as a scalable target with the policy's min and max", () => {
    synth.template.hasResourceProperties("AWS::ApplicationAutoScaling::ScalableTarget", {
      ServiceNamespace: "ecs",
      ScalableDimension: "ecs:service:DesiredCount",
      ResourceId: `service/${names.cluster}/${names.service}`,
      MinCapacity: 1,
      MaxCapacity: 100
    })
  })

  it("has one step policy and one metric-math alarm per rule", () => {
    expect(expected.rules).toHaveLength(2)
    expect(Object.keys(policies)).toHaveLength(expected.rules.length)
    for (const rule of expected.rules) expect(alarmNamed(rule.alarm.AlarmName)).toBeDefined()
  })

  it("alarms on exactly the compiled metric queries, comparison, threshold and periods", () => {
    for (const rule of expected.rules) {
      const alarm = alarmNamed(rule.alarm.AlarmName).Properties!
      // CloudFormation spells the queries as PutMetricAlarm does: the template holds the compiled data as it is.
      expect(alarm["Metrics"]).toEqual(rule.alarm.Metrics)
      expect(alarm["ComparisonOperator"]).toBe(rule.alarm.ComparisonOperator)
      expect(alarm["Threshold"]).toBe(rule.alarm.Threshold)
      expect(alarm["EvaluationPeriods"]).toBe(rule.alarm.EvaluationPeriods)
      expect(alarm["DatapointsToAlarm"]).toBe(rule.alarm.DatapointsToAlarm)
      expect(alarm["TreatMissingData"]).toBe("notBreaching")
    }
  })

  it("ANDs the SPEC's conditions with metric math on both queues (and the service CPU for scale-in)", () => {
    const signal = (name: string) =>
      (alarmNamed(name).Properties!["Metrics"] as ReadonlyArray<{ Id: string; Expression?: string; ReturnData: boolean }>).find((m) => m.ReturnData)
    const [out, into] = expected.rules
    expect(signal(out!.alarm.AlarmName)).toMatchObject({ Id: "signal", Expression: "IF(depth > 100 AND age > 300, depth, 0)" })
    expect(signal(into!.alarm.AlarmName)).toMatchObject({ Id: "signal", Expression: "IF(depth < 10 AND utilization < 30, depth, 10)" })
    const queues = JSON.stringify(alarmNamed(out!.alarm.AlarmName).Properties!["Metrics"])
    expect(queues).toContain(names.highQueue)
    expect(queues).toContain(names.standardQueue)
    expect(JSON.stringify(alarmNamed(into!.alarm.AlarmName).Properties!["Metrics"])).toContain("CPUUtilization")
  })

  it("makes each alarm's only action its own step policy", () => {
    for (const rule of expected.rules) {
      const [logicalId] = Object.entries(policies).find(([, p]) => p.Properties?.["PolicyName"] === rule.scalingPolicy.PolicyName) ?? []
      expect(logicalId).toBeDefined()
      expect(alarmNamed(rule.alarm.AlarmName).Properties!["AlarmActions"]).toEqual([{ Ref: logicalId }])
    }
  })

  it("steps +20 from depth 100 and +50 from 500 (cooldown 60 s), -10 under 10 (cooldown 300 s)", () => {
    const configuration = (name: string) =>
      Object.values(policies).find((p) => p.Properties?.["PolicyName"] === name)!.Properties!["StepScalingPolicyConfiguration"]
    const [out, into] = expected.rules
    expect(configuration(out!.scalingPolicy.PolicyName)).toEqual({
      AdjustmentType: "ChangeInCapacity",
      Cooldown: 60,
      MetricAggregationType: "Maximum",
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 400, ScalingAdjustment: 20 },
        { MetricIntervalLowerBound: 400, ScalingAdjustment: 50 }
      ]
    })
    expect(configuration(into!.scalingPolicy.PolicyName)).toEqual({
      AdjustmentType: "ChangeInCapacity",
      Cooldown: 300,
      MetricAggregationType: "Average",
      StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -10 }]
    })
  })

  it("ties every policy to the scalable target, which waits for the service", () => {
    const [targetId, target] = Object.entries(synth.template.findResources("AWS::ApplicationAutoScaling::ScalableTarget"))[0]!
    for (const policy of Object.values(policies)) expect(policy.Properties?.["ScalingTargetId"]).toEqual({ Ref: targetId })
    const service = Object.keys(synth.template.findResources("AWS::ECS::Service"))[0]!
    expect((target as { DependsOn?: ReadonlyArray<string> }).DependsOn).toContain(service)
  })
})

describe("toCfnMetricDataQuery", () => {
  it("maps a metric query and an expression query field by field, leaving out what is absent", () => {
    const [depthHigh, , depth] = expected.rules[0]!.alarm.Metrics
    expect(toCfnMetricDataQuery(depthHigh!)).toEqual({
      id: "depth_high",
      returnData: false,
      metricStat: {
        metric: { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: names.highQueue }] },
        period: 60,
        stat: "Maximum"
      }
    })
    expect(toCfnMetricDataQuery(depth!)).toEqual({ id: "depth", returnData: false, label: depth!.Label, expression: depth!.Expression })
  })
})
