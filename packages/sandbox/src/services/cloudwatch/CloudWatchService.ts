/**
 * Amazon CloudWatch over JSON 1.0 in query-compatible mode
 * (`GraniteServiceVersion20100801.*`). Time series come from a `MetricStore`
 * (PutMetricData + pluggable `MetricSource`s). Alarms (CloudWatchAlarms.ts)
 * are evaluated when read against the same data, so an alarm on a busy estate
 * instance really goes to ALARM. ListMetrics lists what the sources declare
 * and what was put. GetMetricData and GetMetricStatistics answer periods
 * from the StartTime as CloudWatch rounds it (`PeriodWindow`), and only for
 * periods that suit the StartTime's age, within 455 days (`MetricRetention`).
 * Metric-math expressions are not served.
 */
import { Effect } from "effect"
import type { Operation, ServiceFactory } from "../../ServiceHandler.js"
import { list, num, record, records, str, strings } from "../Input.js"
import { paginate } from "../Pagination.js"
import { makeAlarmOperations } from "./CloudWatchAlarms.js"
import { cloudWatchError as e, dimensionsOf, invalid, invalidNextToken, missing, timeOf } from "./CloudWatchInput.js"
import { makeGetMetricData } from "./GetMetricData.js"
import { answersPeriod, retainedSince } from "./MetricRetention.js"
import type { MetricStore } from "./MetricStore.js"
import { alignStartTime } from "./PeriodWindow.js"

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
          const asked = timeOf(input, "StartTime")
          const end = timeOf(input, "EndTime")
          const period = num(input, "Period")
          if (asked === undefined) return yield* missing("StartTime")
          if (end === undefined) return yield* missing("EndTime")
          if (period === undefined || period < 1 || (period >= 60 && period % 60 !== 0)) return yield* invalid("The parameter Period must be a multiple of 60.")
          const statistics = strings(input, "Statistics")
          const extended = strings(input, "ExtendedStatistics")
          if (statistics.length === 0 && extended.length === 0) return yield* missing("Statistics")
          if (statistics.some((s) => !STATS.has(s))) return yield* invalid("The parameter Statistics contains an invalid value.")
          const start = alignStartTime(asked, period, ctx.now)
          const requested = Math.ceil((end.getTime() - start.getTime()) / (period * 1000))
          if (requested > 1440) {
            return yield* e("InvalidParameterCombinationException", "InvalidParameterCombination", `You have requested up to ${requested} datapoints, which exceeds the limit of 1,440. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`)
          }
          const base = { accountId: ctx.accountId, region: ctx.region, namespace: str(input, "Namespace") ?? "", metricName: str(input, "MetricName") ?? "", dimensions: dimensionsOf(input), start, end, period }
          // A Period that does not suit the StartTime's age answers no datapoints; none older than 455 days is kept (MetricRetention).
          if (!answersPeriod(asked, period, ctx.now)) return { Label: base.metricName, Datapoints: [] }
          const since = retainedSince(ctx.now)
          const byTime = new Map<number, Record<string, unknown>>()
          const unit = str(input, "Unit") ?? store.unit({ ...base, stat: "Average" }) ?? "None"
          for (const stat of [...statistics, ...extended]) {
            for (const p of store.points({ ...base, stat })) {
              if (p.timestamp.getTime() < since) continue
              const row = byTime.get(p.timestamp.getTime()) ?? { Timestamp: p.timestamp }
              if (statistics.includes(stat)) row[stat] = p.value
              else row["ExtendedStatistics"] = { ...(row["ExtendedStatistics"] as Record<string, number> | undefined), [stat]: p.value }
              row["Unit"] = unit
              byTime.set(p.timestamp.getTime(), row)
            }
          }
          return { Label: base.metricName, Datapoints: [...byTime.values()] }
        }),

      GetMetricData: makeGetMetricData(store),

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
            invalidToken: invalidNextToken
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
