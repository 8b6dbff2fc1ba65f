/**
 * CloudWatch metric alarms as AWS documents them: PutMetricAlarm (create or
 * replace; its Tags apply only when the alarm is created), DescribeAlarms
 * (by names or prefix, by state, paged), DeleteAlarms (up to 100 names;
 * unknown names are ignored, the known ones deleted), and the alarm's tags
 * through TagResource / UntagResource / ListTagsForResource by alarm ARN.
 *
 * Alarms are evaluated when read, against the same data GetMetricData
 * serves (the estate's series and PutMetricData): the evaluation range is
 * the EvaluationPeriods most recent periods, the one in progress included
 * with the data it has so far; ALARM when at least DatapointsToAlarm of
 * them breach; a range with no data follows TreatMissingData (missing:
 * INSUFFICIENT_DATA, notBreaching: OK, breaching: counts as breaching,
 * ignore: keeps the state).
 */
import { Effect } from "effect"
import type { AwsError, Operation } from "../../ServiceHandler.js"
import { type Input, list, num, str, strings, tagList } from "../Input.js"
import { paginate } from "../Pagination.js"
import { cloudWatchError as e, dimensionsOf, invalid, invalidNextToken, missing } from "./CloudWatchInput.js"
import type { MetricStore } from "./MetricStore.js"

const combination = (message: string) => e("InvalidParameterCombinationException", "InvalidParameterCombination", message)
const notFound = (message: string) => e("ResourceNotFoundException", "ResourceNotFoundException", message, 404)

const COMPARATORS: Record<string, (v: number, t: number) => boolean> = {
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  GreaterThanThreshold: (v, t) => v > t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t
}
const TREATMENTS = new Set(["missing", "notBreaching", "breaching", "ignore"])
const MAX_TAGS = 50
const DAY_S = 86_400

type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA"

interface Alarm {
  readonly name: string
  readonly arn: string
  readonly accountId: string
  readonly region: string
  config: Input
  updatedAt: Date
  state: AlarmState
  reason: string
  stateUpdatedAt: Date
  tags: Map<string, string>
}

/** Why a PutMetricAlarm input is refused, as AWS words it; undefined when it is valid. */
const invalidAlarm = (input: Input): AwsError | undefined => {
  const name = str(input, "AlarmName") ?? ""
  if (name === "") return missing("AlarmName")
  if (name.length > 255) return invalid("The parameter AlarmName must be shorter than 256 characters.")
  const periods = num(input, "EvaluationPeriods")
  if (periods === undefined) return missing("EvaluationPeriods")
  if (str(input, "ComparisonOperator") === undefined) return missing("ComparisonOperator")
  if (COMPARATORS[str(input, "ComparisonOperator") ?? ""] === undefined && !(str(input, "ComparisonOperator") ?? "").includes("Band")) {
    return invalid("The parameter ComparisonOperator must be one of GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold, LessThanOrEqualToThreshold.")
  }
  if (input["Metrics"] !== undefined) return undefined
  if (str(input, "Statistic") === undefined && str(input, "ExtendedStatistic") === undefined) return combination("Exactly one element of the metrics list should return data.")
  if (str(input, "MetricName") === undefined) return missing("MetricName")
  if (str(input, "Namespace") === undefined) return missing("Namespace")
  const period = num(input, "Period")
  if (period === undefined) return missing("Period")
  if (![10, 20, 30].includes(period) && (period < 60 || period % 60 !== 0)) return invalid("The parameter Period must be 10, 20, 30 or a multiple of 60.")
  if (num(input, "Threshold") === undefined && str(input, "ThresholdMetricId") === undefined) return missing("Threshold")
  const datapoints = num(input, "DatapointsToAlarm") ?? periods
  if (datapoints < 1 || datapoints > periods) return invalid("DatapointsToAlarm must be between 1 and EvaluationPeriods.")
  // One day of evaluation for periods under an hour, seven days from an hour up.
  if (periods * period > (period >= 3600 ? 7 * DAY_S : DAY_S)) return invalid("The evaluation period of the alarm is too long (Period x EvaluationPeriods).")
  const treat = str(input, "TreatMissingData")
  if (treat !== undefined && !TREATMENTS.has(treat)) return invalid("The parameter TreatMissingData must be one of missing, notBreaching, breaching, ignore.")
  if (tagList(input, "Tags").length > MAX_TAGS) return invalid(`A resource may have at most ${MAX_TAGS} tags.`)
  return undefined
}

export const makeAlarmOperations = (store: MetricStore): Record<string, Operation> => {
  const alarms = new Map<string, Alarm>()
  const alarmKey = (accountId: string, region: string, name: string) => `${accountId}/${region}/${name}`
  const byArn = (arn: string): Alarm | undefined => [...alarms.values()].find((a) => a.arn === arn)

  const evaluate = (alarm: Alarm, now: Date): void => {
    const c = alarm.config
    const period = num(c, "Period") ?? 60
    const periods = num(c, "EvaluationPeriods") ?? 1
    const needed = num(c, "DatapointsToAlarm") ?? periods
    const threshold = num(c, "Threshold") ?? 0
    const compare = COMPARATORS[str(c, "ComparisonOperator") ?? ""] ?? ((v: number, t: number) => v > t)
    const treat = str(c, "TreatMissingData") ?? "missing"
    const inProgress = Math.floor(now.getTime() / (period * 1000)) * period * 1000
    const points = store
      .points({
        accountId: alarm.accountId, region: alarm.region, namespace: str(c, "Namespace") ?? "", metricName: str(c, "MetricName") ?? "",
        dimensions: dimensionsOf(c), start: new Date(inProgress - (periods - 1) * period * 1000), end: new Date(now.getTime() + 1), period,
        stat: str(c, "Statistic") ?? str(c, "ExtendedStatistic") ?? "Average"
      })
      .filter((p) => p.timestamp.getTime() <= now.getTime())
      .slice(-periods)
    const absent = periods - points.length
    const breaching = points.filter((p) => compare(p.value, threshold)).length + (treat === "breaching" ? absent : 0)
    const next: AlarmState =
      breaching >= needed ? "ALARM" : points.length > 0 || treat === "notBreaching" || treat === "breaching" ? "OK" : treat === "ignore" ? alarm.state : "INSUFFICIENT_DATA"
    if (next === alarm.state) return
    alarm.reason = next === "INSUFFICIENT_DATA"
      ? `Insufficient Data: ${periods} datapoints were unknown.`
      : `Threshold Crossed: ${points.length} datapoint(s) [${points.map((p) => p.value).join(", ")}] evaluated against threshold ${threshold}, ${breaching} breaching (${needed} needed).`
    alarm.state = next
    alarm.stateUpdatedAt = now
  }

  const alarmView = (a: Alarm) => {
    const c = a.config
    const opt = (k: string) => (c[k] === undefined ? {} : { [k]: c[k] })
    return {
      AlarmName: a.name,
      AlarmArn: a.arn,
      ...opt("AlarmDescription"),
      AlarmConfigurationUpdatedTimestamp: a.updatedAt,
      ActionsEnabled: c["ActionsEnabled"] ?? true,
      OKActions: strings(c, "OKActions"),
      AlarmActions: strings(c, "AlarmActions"),
      InsufficientDataActions: strings(c, "InsufficientDataActions"),
      StateValue: a.state,
      StateReason: a.reason,
      StateUpdatedTimestamp: a.stateUpdatedAt,
      ...opt("MetricName"), ...opt("Namespace"), ...opt("Statistic"), ...opt("ExtendedStatistic"),
      Dimensions: list(c, "Dimensions"),
      ...opt("Period"), ...opt("Unit"), ...opt("EvaluationPeriods"), ...opt("DatapointsToAlarm"), ...opt("Threshold"),
      ...opt("ComparisonOperator"), ...opt("TreatMissingData"),
      StateTransitionedTimestamp: a.stateUpdatedAt
    }
  }

  const tagged = (input: Input) =>
    Effect.gen(function* () {
      const arn = str(input, "ResourceARN") ?? ""
      if (arn === "") return yield* missing("ResourceARN")
      const alarm = byArn(arn)
      if (alarm === undefined) return yield* notFound(`The resource ${arn} does not exist.`)
      return alarm
    })

  return {
    PutMetricAlarm: (input, ctx) =>
      Effect.gen(function* () {
        const refused = invalidAlarm(input)
        if (refused !== undefined) return yield* refused
        const name = str(input, "AlarmName") ?? ""
        const key = alarmKey(ctx.accountId, ctx.region, name)
        const existing = alarms.get(key)
        if (existing !== undefined) {
          // An update replaces the configuration; AWS ignores the Tags of an update (TagResource changes them).
          existing.config = input
          existing.updatedAt = ctx.now
          return {}
        }
        alarms.set(key, {
          name, arn: `arn:aws:cloudwatch:${ctx.region}:${ctx.accountId}:alarm:${name}`, accountId: ctx.accountId, region: ctx.region,
          config: input, updatedAt: ctx.now, state: "INSUFFICIENT_DATA", reason: "Unchecked: Initial alarm creation", stateUpdatedAt: ctx.now,
          tags: new Map(tagList(input, "Tags").map((t) => [t.Key, t.Value]))
        })
        return {}
      }),

    DescribeAlarms: (input, ctx) =>
      Effect.gen(function* () {
        const names = strings(input, "AlarmNames")
        const prefix = str(input, "AlarmNamePrefix")
        const state = str(input, "StateValue")
        const max = num(input, "MaxRecords") ?? 50
        if (max < 1 || max > 100) return yield* invalid("The parameter MaxRecords must be between 1 and 100.")
        if (names.length > 100) return yield* invalid("The collection AlarmNames must not have a size greater than 100.")
        if (names.length > 0 && prefix !== undefined) return yield* combination("AlarmNames and AlarmNamePrefix cannot be used together.")
        const mine = [...alarms.values()]
          .filter((a) => a.accountId === ctx.accountId && a.region === ctx.region)
          .filter((a) => (names.length === 0 || names.includes(a.name)) && (prefix === undefined || a.name.startsWith(prefix)))
          .sort((a, b) => a.name.localeCompare(b.name))
        for (const a of mine) evaluate(a, ctx.now)
        const wanted = mine.filter((a) => state === undefined || a.state === state)
        const page = yield* paginate(wanted, {
          scope: `alarms:${names.join(",")}:${prefix ?? ""}:${state ?? ""}`,
          token: str(input, "NextToken"),
          pageSize: max,
          invalidToken: invalidNextToken
        })
        return { MetricAlarms: page.items.map(alarmView), CompositeAlarms: [], ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }) }
      }),

    DeleteAlarms: (input, ctx) =>
      Effect.gen(function* () {
        const names = strings(input, "AlarmNames")
        if (names.length === 0) return yield* missing("AlarmNames")
        if (names.length > 100) return yield* invalid("The collection AlarmNames must not have a size greater than 100.")
        for (const n of names) alarms.delete(alarmKey(ctx.accountId, ctx.region, n))
        return {}
      }),

    TagResource: (input) =>
      Effect.gen(function* () {
        const alarm = yield* tagged(input)
        const tags = tagList(input, "Tags")
        if (tags.length === 0) return yield* missing("Tags")
        const merged = new Map([...alarm.tags, ...tags.map((t) => [t.Key, t.Value] as const)])
        if (merged.size > MAX_TAGS) return yield* invalid(`A resource may have at most ${MAX_TAGS} tags.`)
        alarm.tags = merged
        return {}
      }),

    UntagResource: (input) =>
      Effect.gen(function* () {
        const alarm = yield* tagged(input)
        for (const key of strings(input, "TagKeys")) alarm.tags.delete(key)
        return {}
      }),

    ListTagsForResource: (input) =>
      Effect.map(tagged(input), (alarm) => ({ Tags: [...alarm.tags].map(([Key, Value]) => ({ Key, Value })) }))
  }
}
