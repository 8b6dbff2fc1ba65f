/**
 * GetMetricData: up to 500 queries, each one series from the MetricStore,
 * answered in pages of at most MaxDatapoints values across all results
 * (AWS's paging unit, default 100,800). The values run query after query,
 * each query's in ScanBy order (newest first by default), and a page is a
 * window over that sequence: its token encodes the offset of the next value
 * and the queries and window it belongs to. A result with values on a page
 * that has more to come is PartialData. Each query's periods start at the
 * StartTime as CloudWatch rounds it for the query's period (`PeriodWindow`);
 * a query whose period does not suit the StartTime's age answers nothing, and
 * no datapoint older than the 455 days CloudWatch keeps is served
 * (`MetricRetention`).
 *
 * Each result is cut from its own series (no per-page filter over every
 * value), so a full page costs what its values cost; each query's points
 * are made compact as soon as they are computed, so a 500-query request does
 * not hold 168,000 MetricPoints and Dates until it answers.
 */
import { Effect } from "effect"
import type { MetricPoint, MetricQuery } from "../../EstateContract.js"
import type { Operation } from "../../ServiceHandler.js"
import { num, record, records, str } from "../Input.js"
import { decodeToken, encodeToken } from "../Pagination.js"
import { dimensionsOf, invalidNextToken, missing, timeOf, validation } from "./CloudWatchInput.js"
import { answersPeriod, retainedSince } from "./MetricRetention.js"
import type { MetricStore } from "./MetricStore.js"
import { alignStartTime } from "./PeriodWindow.js"

const DEFAULT_MAX_DATAPOINTS = 100_800

/** A query's answer, compact (its MetricPoints and Dates die young): in ScanBy order. */
interface Series {
  readonly id: string
  readonly label: string
  /** Epoch seconds, as the JSON protocol writes a Date (CloudWatch is served over JSON only). */
  readonly times: ReadonlyArray<number>
  readonly values: ReadonlyArray<number>
}

/** The store's points (oldest first) as times and values in ScanBy order, those before `since` (aged out) left out. */
const compact = (points: ReadonlyArray<MetricPoint>, descending: boolean, since: number): Pick<Series, "times" | "values"> => {
  const times: Array<number> = []
  const values: Array<number> = []
  for (let i = 0; i < points.length; i++) {
    const p = points[descending ? points.length - 1 - i : i]
    if (p === undefined || p.timestamp.getTime() < since) continue
    times.push(p.timestamp.getTime() / 1000)
    values.push(p.value)
  }
  return { times, values }
}

/**
 * The window `paginate` cuts from a list of `total` values (the same
 * offsets, tokens and refusals), without making the list: values [from, to)
 * of the sequence, and the token of the next page when there is one.
 */
const pageWindow = (total: number, scope: string, token: string | undefined, pageSize: number) => {
  const from = token === undefined || token === "" ? 0 : decodeToken(scope, token)
  if (from === undefined) return undefined
  const end = from + Math.max(1, pageSize)
  return { from, to: Math.min(total, Math.trunc(end)), nextToken: end < total ? encodeToken(scope, end) : undefined }
}

export const makeGetMetricData =
  (store: MetricStore): Operation =>
  (input, ctx) =>
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
      const returned = queries.filter((q) => q["ReturnData"] !== false)
      const asked = returned.map((q): MetricQuery => {
        const stat = record(q, "MetricStat") ?? {}
        const metric = record(stat, "Metric") ?? {}
        const period = num(stat, "Period") ?? 60
        return {
          accountId: str(q, "AccountId") ?? ctx.accountId, region: ctx.region, namespace: str(metric, "Namespace") ?? "", metricName: str(metric, "MetricName") ?? "",
          dimensions: dimensionsOf(metric), start: alignStartTime(start, period, ctx.now), end, period, stat: str(stat, "Stat") ?? "Average"
        }
      })
      // A query whose Period does not suit the StartTime's age answers no datapoints (MetricRetention).
      const answered = asked.map((q) => answersPeriod(start, q.period, ctx.now))
      const since = retainedSince(ctx.now)
      const computed = store.pointsOfMany(asked.filter((_, i) => answered[i]), (points) => compact(points, descending, since))
      let next = 0
      const answers = answered.map((yes) => (yes ? computed[next++] : undefined))
      const series: ReadonlyArray<Series> = returned.map((q, i) => ({
        id: str(q, "Id") ?? "",
        label: str(q, "Label") ?? asked[i]?.metricName ?? "",
        times: answers[i]?.times ?? [],
        values: answers[i]?.values ?? []
      }))
      // The page is a window over every value, query after query.
      const total = series.reduce((n, s) => n + s.values.length, 0)
      const scope = `gmd:${ids.join(",")}:${start.getTime()}:${end.getTime()}`
      const page = pageWindow(total, scope, str(input, "NextToken"), num(input, "MaxDatapoints") ?? DEFAULT_MAX_DATAPOINTS)
      if (page === undefined) return yield* invalidNextToken()
      let first = 0
      const results = series.map((s) => {
        // This series' values are [first, first + length) of the sequence; the page keeps [from, to).
        const cut = [Math.max(0, page.from - first), Math.max(0, page.to - first)] as const
        first += s.values.length
        const values = s.values.slice(...cut)
        return {
          Id: s.id,
          Label: s.label,
          Timestamps: s.times.slice(...cut),
          Values: values,
          StatusCode: page.nextToken !== undefined && values.length > 0 ? "PartialData" : "Complete"
        }
      })
      return { MetricDataResults: results, ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }), Messages: [] }
    })
