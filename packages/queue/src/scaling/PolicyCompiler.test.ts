import { describe, expect, it } from "@effect/vitest"
import { Either, ParseResult, Schema } from "effect"
import fc from "fast-check"
import { adjustmentFor, alarmState, breaches, expressionValue } from "./AlarmEvaluator.js"
import { compile, type CompiledRule, holds } from "./PolicyCompiler.js"
import { hyperScalePolicy, ScalingPolicy, specPolicy } from "./ScalingPolicy.js"

const target = { clusterName: "miyabi", serviceName: "worker", highQueueName: "miyabi-high", standardQueueName: "miyabi-standard" }
const compiled = compile(specPolicy, target)
const byName = (name: string): CompiledRule => {
  const found = compiled.rules.find((r) => r.rule.name === name)
  if (found === undefined) throw new Error(`no rule ${name}`)
  return found
}
const out = byName("scale-out")
const scaleIn = byName("scale-in")

describe("PolicyCompiler", () => {
  it("the SPEC policy is a valid ScalingPolicy value, and so is the hyper-scale one", () => {
    expect(Either.isRight(Schema.decodeUnknownEither(ScalingPolicy)(specPolicy))).toBe(true)
    expect(Either.isRight(Schema.decodeUnknownEither(ScalingPolicy)(hyperScalePolicy))).toBe(true)
  })

  it("rejects steps out of order and scale-in rules that add capacity", () => {
    const badOrder = { ...specPolicy, rules: [{ ...specPolicy.rules[0], steps: [{ at: 500, change: 50 }, { at: 100, change: 20 }] }] }
    const badSign = { ...specPolicy, rules: [{ ...specPolicy.rules[1], steps: [{ at: 10, change: 10 }] }] }
    // Each is refused for its own fault, and only for it.
    const issues = (input: unknown) =>
      Either.match(Schema.decodeUnknownEither(ScalingPolicy, { errors: "all" })(input), { onLeft: (error) => ParseResult.ArrayFormatter.formatErrorSync(error).map((issue) => issue.message), onRight: () => [] })
    expect(issues(badOrder)).toEqual(['steps of a scale-out rule must be strictly increasing in "at"'])
    expect(issues(badSign)).toEqual(["a scale-in rule's changes must be negative"])
  })

  it("registers the ECS service as a scalable target, min 1 max 100 (500 at hyper-scale)", () => {
    expect(compiled.scalableTarget).toEqual({
      ServiceNamespace: "ecs",
      ResourceId: "service/miyabi/worker",
      ScalableDimension: "ecs:service:DesiredCount",
      MinCapacity: 1,
      MaxCapacity: 100
    })
    expect(compile(hyperScalePolicy, target).scalableTarget.MaxCapacity).toBe(500)
    expect(compiled.capacityProviderStrategy).toEqual([{ capacityProvider: "FARGATE_SPOT", weight: 1, base: 0 }])
  })

  it("scale-out: depth > 100 AND age > 300 s with metric math, steps +20 from 100 and +50 from 500, cooldown 60 s", () => {
    expect(out.alarm.ComparisonOperator).toBe("GreaterThanThreshold")
    expect(out.alarm.Threshold).toBe(100)
    expect(out.alarm.EvaluationPeriods).toBe(1)
    expect(out.alarm.DatapointsToAlarm).toBe(1)
    const signal = out.alarm.Metrics.find((m) => m.Id === "signal")
    expect(signal?.Expression).toBe("IF(depth > 100 AND age > 300, depth, 0)")
    expect(out.scalingPolicy.StepScalingPolicyConfiguration).toEqual({
      AdjustmentType: "ChangeInCapacity",
      StepAdjustments: [
        { MetricIntervalLowerBound: 0, MetricIntervalUpperBound: 400, ScalingAdjustment: 20 },
        { MetricIntervalLowerBound: 400, ScalingAdjustment: 50 }
      ],
      Cooldown: 60,
      MetricAggregationType: "Maximum"
    })
    expect(out.scalingPolicy).toMatchObject({ PolicyType: "StepScaling", ResourceId: "service/miyabi/worker", ServiceNamespace: "ecs" })
  })

  it("scale-in: depth < 10 AND CPU < 30 %, step -10 below 10, cooldown 300 s", () => {
    expect(scaleIn.alarm.ComparisonOperator).toBe("LessThanThreshold")
    expect(scaleIn.alarm.Threshold).toBe(10)
    expect(scaleIn.alarm.Metrics.find((m) => m.Id === "signal")?.Expression).toBe("IF(depth < 10 AND utilization < 30, depth, 10)")
    expect(scaleIn.scalingPolicy.StepScalingPolicyConfiguration).toEqual({
      AdjustmentType: "ChangeInCapacity",
      StepAdjustments: [{ MetricIntervalUpperBound: 0, ScalingAdjustment: -10 }],
      Cooldown: 300,
      MetricAggregationType: "Average"
    })
  })

  it("alarms return exactly one query, on known ids, over the SQS and ECS metrics of the target", () => {
    for (const rule of compiled.rules) {
      const metrics = rule.alarm.Metrics
      expect(metrics.filter((m) => m.ReturnData)).toHaveLength(1)
      expect(metrics.find((m) => m.ReturnData)?.Id).toBe("signal")
      for (const m of metrics) {
        expect(m.Id).toMatch(/^[a-z][a-zA-Z0-9_]*$/)
        expect((m.Expression === undefined) !== (m.MetricStat === undefined)).toBe(true)
        expect(m.MetricStat?.Period ?? 60).toBe(60)
      }
      // Every id an expression mentions is defined earlier in the list.
      metrics.forEach((m, i) => {
        const defined = new Set(metrics.slice(0, i).map((d) => d.Id))
        const refs = (m.Expression ?? "").match(/\b[a-z][a-z_]*\b/g) ?? []
        for (const ref of refs.filter((r) => !["and"].includes(r))) expect(defined.has(ref), `${m.Id} uses ${ref}`).toBe(true)
      })
    }
    const stats = out.alarm.Metrics.flatMap((m) => (m.MetricStat === undefined ? [] : [m.MetricStat]))
    expect(stats.map((s) => [s.Metric.Namespace, s.Metric.MetricName, s.Metric.Dimensions[0]?.Value])).toEqual([
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "miyabi-high"],
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "miyabi-standard"],
      ["AWS/SQS", "ApproximateAgeOfOldestMessage", "miyabi-high"],
      ["AWS/SQS", "ApproximateAgeOfOldestMessage", "miyabi-standard"]
    ])
    const cpu = scaleIn.alarm.Metrics.find((m) => m.Id === "cpu")?.MetricStat
    expect(cpu?.Metric).toEqual({
      Namespace: "AWS/ECS",
      MetricName: "CPUUtilization",
      Dimensions: [
        { Name: "ClusterName", Value: "miyabi" },
        { Name: "ServiceName", Value: "worker" }
      ]
    })
    expect(new Set(compiled.rules.map((r) => r.alarm.AlarmName)).size).toBe(2)
    for (const rule of compiled.rules) expect(rule.alarm.AlarmName).toBe(rule.scalingPolicy.PolicyName)
  })

  it("evaluated as CloudWatch + Application Auto Scaling would, the compiled data is the SPEC's rule table", () => {
    const cases: ReadonlyArray<readonly [number, number, number, number | undefined, number | undefined]> = [
      // depth, age s, cpu %, scale-out change, scale-in change
      [101, 301, 90, 20, undefined],
      [100, 900, 90, undefined, undefined],
      [499, 301, 90, 20, undefined],
      [500, 301, 90, 50, undefined],
      [5000, 301, 90, 50, undefined],
      [600, 300, 90, undefined, undefined],
      [9, 0, 29, undefined, -10],
      [9, 0, 30, undefined, undefined],
      [10, 0, 0, undefined, undefined],
      [0, 0, 0, undefined, -10]
    ]
    for (const [queueDepth, oldestAgeSeconds, utilizationPercent, up, down] of cases) {
      const signals = { queueDepth, oldestAgeSeconds, utilizationPercent }
      const fire = (rule: CompiledRule) => {
        const value = expressionValue(rule, signals)
        return breaches(rule, value) ? adjustmentFor(rule, value) : undefined
      }
      expect([fire(out), fire(scaleIn)], JSON.stringify(signals)).toEqual([up, down])
    }
  })

  it("property: scale-out fires exactly when depth > 100 and age > 300, with +50 from depth 500", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 3600 }), fc.integer({ min: 0, max: 100 }), (depth, age, cpu) => {
        const signals = { queueDepth: depth, oldestAgeSeconds: age, utilizationPercent: cpu }
        const value = expressionValue(out, signals)
        const fired = breaches(out, value) ? adjustmentFor(out, value) : undefined
        const expected = depth > 100 && age > 300 ? (depth >= 500 ? 50 : 20) : undefined
        return fired === expected
      })
    )
  })

  it("alarm state needs DatapointsToAlarm of the last EvaluationPeriods points", () => {
    const strict = compile({ ...specPolicy, evaluation: { periodSeconds: 60, evaluationPeriods: 3, datapointsToAlarm: 2 } }, target).rules[0]!
    expect(alarmState(strict, [true, false, false])).toBe("OK")
    expect(alarmState(strict, [true, false, true])).toBe("ALARM")
    expect(alarmState(strict, [true, true, false, false, true])).toBe("OK")
    expect(alarmState(out, [false, true])).toBe("ALARM")
  })
  it("a multi-step scale-in rule applies each step from its own value downward", () => {
    // Steps at 10 (-10) and 5 (-20): threshold 10; below it (lower, upper]: 5 < depth < 10 -> -10, depth <= 5 -> -20.
    const twoSteps = compile(
      {
        ...specPolicy,
        rules: [{ ...specPolicy.rules[1]!, when: [{ signal: "queueDepth", op: "<", value: 10 }], steps: [{ at: 10, change: -10 }, { at: 5, change: -20 }] }]
      },
      target
    ).rules[0]!
    expect([9, 6, 5, 3, 0].map((depth) => adjustmentFor(twoSteps, depth))).toEqual([-10, -10, -20, -20, -20])
  })

  it("a data point exactly at the threshold breaches only an or-equal alarm", () => {
    // The compiled alarms are strict: depth 100 does not breach "> 100", depth 10 does not breach "< 10".
    expect([breaches(out, 100), breaches(out, 101), breaches(scaleIn, 10), breaches(scaleIn, 9)]).toEqual([false, true, false, true])
    const orEqual = (rule: CompiledRule, op: CompiledRule["alarm"]["ComparisonOperator"]): CompiledRule => ({ ...rule, alarm: { ...rule.alarm, ComparisonOperator: op } })
    expect(breaches(orEqual(out, "GreaterThanOrEqualToThreshold"), 100)).toBe(true)
    expect(breaches(orEqual(out, "GreaterThanOrEqualToThreshold"), 99)).toBe(false)
    expect(breaches(orEqual(scaleIn, "LessThanOrEqualToThreshold"), 10)).toBe(true)
    expect(breaches(orEqual(scaleIn, "LessThanOrEqualToThreshold"), 11)).toBe(false)
  })

  it("conditions compare as written, the or-equal ones including the value itself", () => {
    expect([holds(5, ">", 5), holds(5, ">=", 5), holds(5, "<", 5), holds(5, "<=", 5), holds(4, ">=", 5), holds(6, "<=", 5)]).toEqual([false, true, false, true, false, false])
  })

  it("never asks for more datapoints to alarm than the periods it evaluates (CloudWatch refuses that)", () => {
    const loose = compile({ ...specPolicy, evaluation: { periodSeconds: 60, evaluationPeriods: 2, datapointsToAlarm: 5 } }, target).rules[0]!
    expect([loose.alarm.EvaluationPeriods, loose.alarm.DatapointsToAlarm]).toEqual([2, 2])
  })
})
