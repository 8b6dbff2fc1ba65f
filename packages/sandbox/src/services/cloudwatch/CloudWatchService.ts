/**
 * Amazon CloudWatch over JSON 1.0 in query-compatible mode
 * (`GraniteServiceVersion20100801.*`). Time series come from a `MetricStore`
 * (PutMetricData + pluggable `MetricSource`s). Alarms (CloudWatchAlarms.ts)
 * are evaluated when read against the same data, so an alarm on a busy estate
 * instance really goes to ALARM. ListMetrics lists what the sources declare
 * and what was put.
 * Metric-math expressions are not served.
 */
import { Effect } from "effect"
import type { MetricQuery } from "../../EstateContract.js"
import type { AwsError, Operation, ServiceFactory } from "../../ServiceHandler.js"
import { awsError } from "../../ServiceHandler.js"
import { type Input, list, num, record, records, str, strings } from "../Input.js"
import { paginate } from "../Pagination.js"
import { makeAlarmOperations } from "./CloudWatchAlarms.js"
import type { MetricStore } from "./MetricStore.js"

const e = (code: string, queryCode: string, message: string, status = 400): AwsError => awsError(code, message, { status, queryCode })
const invalid = (message: string) => e("InvalidParameterValueException", "InvalidParameterValue", message)
const missing = (name: string) => e("MissingRequiredParameterException", "MissingParameter", `The parameter ${name} is required.`)
const validation = (message: string) => e("ValidationException", "ValidationError", message)

/** JSON timestamps are epoch seconds; tolerate ISO strings. */
const timeOf = (input: Input, key: string): Date | undefined => {
  const value = input[key]
  if (typeof value === "number") return new Date(value * 1000)
  if (typeof value === "string") {
    const d = /^\d+(\.\d+)?$/.test(value) ? new Date(Number(value) * 1000) : new Date(value)
    return Number.isNaN(d.getTime()) ? undefined : d
  }
  return undefined
}

const dimensionsOf = (input: Input) =>
  records(input, "Dimensions").map((d) => ({ name: str(d, "Name") ?? "", value: str(d, "Value") ?? "" }))

const STATS = new Set(["SampleCount", "Average", "Sum", "Minimum", "Maximum"])

export const makeCloudWatchService =
  (store: MetricStore): ServiceFactory =>
  () => {
    const operations: Record<string, Operation> = {
      ...makeAlarmOperations(store),
      PutMetricData: (input, ctx) =>
        Effect.gen(function* () {
          const namespace = str(input, "Namespace") ?? ""
          if (namespace === "") return yield* missing("Namespace")
          if (namespace.startsWith("AWS/")) return yield* invalid(`The value AWS/ for parameter Namespace is invalid.`)
          const data = records(input, "MetricData")
          if (data.length > 1000) return yield* invalid("The collection MetricData must not have a size greater than 1000.")
          for (const datum of data) {
            const metricName = str(datum, "MetricName")
            if (metricName === undefined) return yield* missing("MetricData.member.N.MetricName")
            const value = num(datum, "Value")
            const vals = list(datum, "Values").filter((v): v is number => typeof v === "number")
            const countsList = list(datum, "Counts").filter((v): v is number => typeof v === "number")
            const stats = record(datum, "StatisticValues")
            const unit = str(datum, "Unit")
            const values = value !== undefined ? [value] : vals.flatMap((v, i) => Array.from({ length: Math.max(1, Math.min(1000, countsList[i] ?? 1)) }, () => v))
            if (stats === undefined && values.length === 0) return yield* missing("MetricData.member.N.Value")
            yield* Effect.sync(() =>
              store.put({
                accountId: ctx.accountId, region: ctx.region, namespace, metricName, dimensions: dimensionsOf(datum),
                timestamp: timeOf(datum, "Timestamp") ?? ctx.now,
                ...(unit === undefined ? {} : { unit }),
                values,
                ...(stats === undefined ? {} : { statistics: { sum: num(stats, "Sum") ?? 0, count: num(stats, "SampleCount") ?? 0, min: num(stats, "Minimum") ?? 0, max: num(stats, "Maximum") ?? 0 } })
              })
            )
          }
          return {}
        }),

      GetMetricStatistics: (input, ctx) =>
        Effect.gen(function* () {
          const start = timeOf(input, "StartTime")
          const end = timeOf(input, "EndTime")
          const period = num(input, "Period")
          if (start === undefined) return yield* missing("StartTime")
          if (end === undefined) return yield* missing("EndTime")
          if (period === undefined || period < 1 || (period >= 60 && period % 60 !== 0)) return yield* invalid("The parameter Period must be a multiple of 60.")
          const statistics = strings(input, "Statistics")
          const extended = strings(input, "ExtendedStatistics")
          if (statistics.length === 0 && extended.length === 0) return yield* missing("Statistics")
          if (statistics.some((s) => !STATS.has(s))) return yield* invalid("The parameter Statistics contains an invalid value.")
          const requested = Math.ceil((end.getTime() - start.getTime()) / (period * 1000))
          if (requested > 1440) {
            return yield* e("InvalidParameterCombinationException", "InvalidParameterCombination", `You have requested up to ${requested} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`)
          }
          const base = { accountId: ctx.accountId, region: ctx.region, namespace: str(input, "Namespace") ?? "", metricName: str(input, "MetricName") ?? "", dimensions: dimensionsOf(input), start, end, period }
          const byTime = new Map<number, Record<string, unknown>>()
          const unit = str(input, "Unit") ?? store.unit({ ...base, stat: "Average" }) ?? "None"
          for (const stat of [...statistics, ...extended]) {
            for (const p of store.points({ ...base, stat })) {
              const row = byTime.get(p.timestamp.getTime()) ?? { Timestamp: p.timestamp }
              if (statistics.includes(stat)) row[stat] = p.value
              else row["ExtendedStatistics"] = { ...(row["ExtendedStatistics"] as Record<string, number> | undefined), [stat]: p.value }
              row["Unit"] = unit
              byTime.set(p.timestamp.getTime(), row)
            }
          }
          return { Label: base.metricName, Datapoints: [...byTime.values()] }
        }),

      GetMetricData: (input, ctx) =>
        Effect.gen(function* () {
          const queries = records(input, "MetricDataQueries")
          if (queries.length === 0) return yield* missing("MetricDataQueries")
          if (queries.length > 500) return yield* validation("The collection MetricDataQueries must not have a size greater than 500.")
          const start = timeOf(input, "StartTime")
          const end = timeOf(input, "EndTime")
          if (start === undefined) return yield* missing("StartTime")
          if (end === undefined) return yield* missing("EndTime")
          const ids = queries.map((q) => str(q, "Id") ?? "")
          if (ids.some((id) => !/^[a-z][a-zA-Z0-9_]*$/.test(id))) return yield* validation("The value for parameter MetricDataQueries.member.N.Id must start with a lowercase letter and contain only letters, numbers and underscores.")
          if (new Set(ids).size !== ids.length) return yield* validation("The values for parameter id in MetricDataQueries are not unique.")
          if (queries.some((q) => str(q, "Expression") !== undefined)) return yield* validation("Metric math expressions are not supported by the sandbox.")
          const descending = (str(input, "ScanBy") ?? "TimestampDescending") === "TimestampDescending"
          const series = queries.filter((q) => q["ReturnData"] !== false).map((q) => {
            const stat = record(q, "MetricStat") ?? {}
            const metric = record(stat, "Metric") ?? {}
            const query: MetricQuery = {
              accountId: str(q, "AccountId") ?? ctx.accountId, region: ctx.region, namespace: str(metric, "Namespace") ?? "", metricName: str(metric, "MetricName") ?? "",
              dimensions: dimensionsOf(metric), start, end, period: num(stat, "Period") ?? 60, stat: str(stat, "Stat") ?? "Average"
            }
            const points = store.points(query)
            return { id: str(q, "Id") ?? "", label: str(q, "Label") ?? query.metricName, points: descending ? [...points].reverse() : points }
          })
          // One page holds at most MaxDatapoints values across all results, AWS's paging unit.
          const flat = series.flatMap((s, i) => s.points.map((p) => ({ i, p })))
          const page = yield* paginate(flat, {
            scope: `gmd:${ids.join(",")}:${start.getTime()}:${end.getTime()}`,
            token: str(input, "NextToken"),
            pageSize: num(input, "MaxDatapoints") ?? 100_800,
            invalidToken: () => e("InvalidNextToken", "InvalidNextToken", "The service couldn't process the NextToken.")
          })
          const results = series.map((s, i) => {
            const mine = page.items.filter((x) => x.i === i).map((x) => x.p)
            return { Id: s.id, Label: s.label, Timestamps: mine.map((p) => p.timestamp), Values: mine.map((p) => p.value), StatusCode: page.nextToken !== undefined && mine.length > 0 ? "PartialData" : "Complete" }
          })
          return { MetricDataResults: results, ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }), Messages: [] }
        }),

      ListMetrics: (input, ctx) =>
        Effect.gen(function* () {
          const namespace = str(input, "Namespace")
          const metricName = str(input, "MetricName")
          const filters = records(input, "Dimensions").map((d) => ({ name: str(d, "Name") ?? "", value: str(d, "Value") }))
          const account = str(input, "OwningAccount") ?? ctx.accountId
          const metrics = store
            .list(account, ctx.region)
            .filter((m) => (namespace === undefined || m.namespace === namespace) && (metricName === undefined || m.metricName === metricName))
            .filter((m) => filters.every((f) => m.dimensions.some((d) => d.name === f.name && (f.value === undefined || d.value === f.value))))
            .sort((a, b) => `${a.namespace}/${a.metricName}`.localeCompare(`${b.namespace}/${b.metricName}`))
          const page = yield* paginate(metrics, {
            scope: `lm:${account}:${namespace ?? ""}:${metricName ?? ""}:${JSON.stringify(filters)}`,
            token: str(input, "NextToken"),
            pageSize: 500,
            invalidToken: () => e("InvalidNextToken", "InvalidNextToken", "The service couldn't process the NextToken.")
          })
          return {
            Metrics: page.items.map((m) => ({ Namespace: m.namespace, MetricName: m.metricName, Dimensions: m.dimensions.map((d) => ({ Name: d.name, Value: d.value })) })),
            ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken })
          }
        })
    }

    return {
      signingName: "monitoring",
      jsonNamespace: "com.amazonaws.cloudwatch",
      protocol: "json1.0",
      targetPrefix: "GraniteServiceVersion20100801",
      queryCompatible: true,
      errors: {
        throttling: { code: "Throttling", status: 400, message: "Rate exceeded", queryCode: "Throttling" },
        internal: { code: "InternalServiceFault", status: 500, message: "Internal service error.", },
      },
      operations
    }
  }
