/**
 * The fleet's scaling policy as one declarative value (SPEC.md section 4).
 * The compiler turns it into CloudWatch metric-math alarms and Application
 * Auto Scaling step policies; the simulator replays queues through the very
 * same value, so what is simulated is what is deployed.
 */
import { Schema } from "effect"

/** The signals a rule can look at; each maps to CloudWatch metrics in the compiler. */
export const Signal = Schema.Literal(
  /** Visible messages, high + standard queue (AWS/SQS ApproximateNumberOfMessagesVisible). */
  "queueDepth",
  /** Age of the oldest message, the older of the two queues (AWS/SQS ApproximateAgeOfOldestMessage). */
  "oldestAgeSeconds",
  /** Average CPU of the worker service, percent (AWS/ECS CPUUtilization). */
  "utilizationPercent"
)
export type Signal = typeof Signal.Type

export const Comparison = Schema.Literal(">", ">=", "<", "<=")
export type Comparison = typeof Comparison.Type

/** One condition of a rule; a rule's conditions are ANDed. */
export const Condition = Schema.Struct({
  signal: Signal,
  op: Comparison,
  value: Schema.Number.pipe(Schema.nonNegative())
})
export type Condition = typeof Condition.Type

/** From `at` on the step signal (upward for scale-out, downward for scale-in), change capacity by `change`. */
export const Step = Schema.Struct({
  at: Schema.Number.pipe(Schema.nonNegative()),
  change: Schema.Int.pipe(Schema.filter((n) => n !== 0 || "a step changes capacity"))
})
export type Step = typeof Step.Type

export const Direction = Schema.Literal("out", "in")
export type Direction = typeof Direction.Type

/**
 * A rule: when every condition holds, pick the step for the current value of
 * `stepOn` and apply it. Scale-out steps are increasing `at` with positive
 * changes; scale-in steps decreasing `at` with negative changes.
 */
export const Rule = Schema.Struct({
  name: Schema.String.pipe(Schema.pattern(/^[A-Za-z][A-Za-z0-9-]{0,62}$/)),
  direction: Direction,
  when: Schema.NonEmptyArray(Condition),
  stepOn: Signal,
  steps: Schema.NonEmptyArray(Step),
  cooldownSeconds: Schema.Int.pipe(Schema.nonNegative()),
  /** How Application Auto Scaling aggregates the alarm's data points. */
  aggregation: Schema.Literal("Average", "Minimum", "Maximum")
}).pipe(
  Schema.filter((rule) => {
    const ats = rule.steps.map((step) => step.at)
    const ordered = ats.every((at, i) => i === 0 || (rule.direction === "out" ? at > ats[i - 1]! : at < ats[i - 1]!))
    if (!ordered) return `steps of a scale-${rule.direction} rule must be strictly ${rule.direction === "out" ? "increasing" : "decreasing"} in "at"`
    const signs = rule.steps.every((step) => (rule.direction === "out" ? step.change > 0 : step.change < 0))
    return signs || `a scale-${rule.direction} rule's changes must be ${rule.direction === "out" ? "positive" : "negative"}`
  })
)
export type Rule = typeof Rule.Type

export const CapacityProvider = Schema.Struct({
  provider: Schema.Literal("FARGATE", "FARGATE_SPOT"),
  weight: Schema.Int.pipe(Schema.between(0, 1000)),
  base: Schema.Int.pipe(Schema.between(0, 100000))
})
export type CapacityProvider = typeof CapacityProvider.Type

export const ScalingPolicy = Schema.Struct({
  name: Schema.String.pipe(Schema.pattern(/^[A-Za-z][A-Za-z0-9-]{0,62}$/)),
  capacity: Schema.Struct({
    min: Schema.Int.pipe(Schema.nonNegative()),
    max: Schema.Int.pipe(Schema.positive())
  }).pipe(Schema.filter((c) => c.min <= c.max || "capacity.min must not exceed capacity.max")),
  /** The alarms' period and how many breaching periods it takes to act. */
  evaluation: Schema.Struct({
    periodSeconds: Schema.Literal(10, 30, 60, 300),
    evaluationPeriods: Schema.Int.pipe(Schema.between(1, 10)),
    datapointsToAlarm: Schema.Int.pipe(Schema.between(1, 10))
  }),
  rules: Schema.NonEmptyArray(Rule),
  capacityProviders: Schema.NonEmptyArray(CapacityProvider),
  /** Size of one worker task; the caller prices worker-hours with it. */
  worker: Schema.Struct({
    vcpu: Schema.Literal(0.25, 0.5, 1, 2, 4),
    memoryGiB: Schema.Number.pipe(Schema.positive())
  })
})
export type ScalingPolicy = typeof ScalingPolicy.Type

/** SPEC.md section 4, as written: min 1, max 100, 60 s out / 300 s in, Fargate Spot, 0.5 vCPU / 1 GB workers. */
export const specPolicy: ScalingPolicy = {
  name: "miyabi-workers",
  capacity: { min: 1, max: 100 },
  evaluation: { periodSeconds: 60, evaluationPeriods: 1, datapointsToAlarm: 1 },
  rules: [
    {
      name: "scale-out",
      direction: "out",
      // depth > 100 AND oldest > 5 min; plain alarms cannot AND two metrics, metric math can.
      when: [
        { signal: "queueDepth", op: ">", value: 100 },
        { signal: "oldestAgeSeconds", op: ">", value: 300 }
      ],
      stepOn: "queueDepth",
      steps: [
        { at: 100, change: 20 },
        { at: 500, change: 50 }
      ],
      cooldownSeconds: 60,
      aggregation: "Maximum"
    },
    {
      name: "scale-in",
      direction: "in",
      when: [
        { signal: "queueDepth", op: "<", value: 10 },
        { signal: "utilizationPercent", op: "<", value: 30 }
      ],
      stepOn: "queueDepth",
      steps: [{ at: 10, change: -10 }],
      cooldownSeconds: 300,
      aggregation: "Average"
    }
  ],
  capacityProviders: [{ provider: "FARGATE_SPOT", weight: 1, base: 0 }],
  worker: { vcpu: 0.5, memoryGiB: 1 }
}

/** The SPEC's hyper-scale variant: the same rules with max 500. */
export const hyperScalePolicy: ScalingPolicy = {
  ...specPolicy,
  name: "miyabi-workers-hyperscale",
  capacity: { min: 1, max: 500 }
}
