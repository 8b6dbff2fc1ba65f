import { describe, expect, it } from "@effect/vitest"
import { Change, CycleId, MicroUsd, ResourceRef } from "@miyabi/types"
import { alarmDefinitions } from "./Alarms.js"
import { resize } from "./Monitor.testkit.js"

const cycleId = CycleId.make("cycle-7")

describe("alarmDefinitions", () => {
  it("an EC2 change gets a CPU alarm (> 80 for 3 x 5 min) and a cost alarm at the target, with the platform's tags", () => {
    const change = resize("c-1")
    const [cpu, cost, ...rest] = alarmDefinitions(change, { cycleId, targetMonthlyCost: MicroUsd.make(140_160_000), tags: { CostCenter: "platform" } })
    expect(rest).toEqual([])
    expect(cpu).toMatchObject({
      AlarmName: "miyabi/cycle-7/c-1/cpu",
      Namespace: "AWS/EC2",
      MetricName: "CPUUtilization",
      Dimensions: [{ Name: "InstanceId", Value: "i-web" }],
      Statistic: "Average",
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 80,
      ComparisonOperator: "GreaterThanThreshold",
      ActionsEnabled: false
    })
    expect(cost).toMatchObject({
      Namespace: "Miyabi/Cost",
      MetricName: "EstimatedMonthlyCost",
      Dimensions: [{ Name: "ResourceArn", Value: change.resource.arn }],
      Statistic: "Minimum",
      Threshold: 140_160_000
    })
    for (const a of [cpu, cost]) {
      expect(a?.Tags).toEqual([
        { Key: "CostCenter", Value: "platform" },
        { Key: "miyabi:managed-by", Value: "miyabi-agent" },
        { Key: "miyabi:cycle", Value: "cycle-7" },
        { Key: "miyabi:change", Value: "c-1" },
        { Key: "miyabi:rule", Value: "cost.rightsize-instance" }
      ])
    }
  })
  it("options change the CPU window and enable actions", () => {
    const [cpu] = alarmDefinitions(resize("c-2"), { cycleId, periodSeconds: 60, evaluationPeriods: 5, cpuThresholdPercent: 70, alarmActions: ["arn:aws:sns:us-east-1:123456789012:ops"] })
    expect(cpu).toMatchObject({ Period: 60, EvaluationPeriods: 5, Threshold: 70, ActionsEnabled: true })
  })
  it("a kind without a CPU metric gets only the cost alarm; no target, no cost alarm", () => {
    const base = resize("c-3")
    const bucket = Change.make({ ...base, resource: ResourceRef.make({ ...base.resource, kind: "s3-bucket" }) })
    expect(alarmDefinitions(bucket, { cycleId }).length).toBe(0)
    expect(alarmDefinitions(bucket, { cycleId, targetMonthlyCost: MicroUsd.make(1) }).map((a) => a.MetricName)).toEqual(["EstimatedMonthlyCost"])
  })
})
