/**
 * GetMetricData: up to 500 queries, each one series from the MetricStore,
 * answered in pages of at most MaxDatapoints values across all results
 * (AWS's paging unit, default 100,800). The values run query after query,
 * each query's in ScanBy order (newest first by default), and a page is a
 * window over that sequence: its token encodes the offset of the next value
 * and the queries and window it belongs to. A result with values on a page
 * that has more to come is PartialData.
 *
 * Each result is cut from its own series (no per-page filter over every
 * value), so a full page costs what its values cost.
 */
import { Effect } from "effect"
import type { MetricPoint, MetricQuery } from "../../EstateContract.js"
import type { Operation } from "../../ServiceHandler.js"
import { num, record, records, str } from "../Input.js"
import { decodeToken, paginate } from "../Pagination.js"
import { dimensionsOf, invalidNextToken, missing, timeOf, validation } from "./CloudWatchInput.js"
import type { MetricStore } from "./MetricStore.js"

const DEFAULT_MAX_DATAPOINTS = 100_800

interface Series {
  readonly id: string
  readonly label: string
  /** In the order served (ScanBy). */
  readonly points: ReadonlyArray<MetricPoint>
}

/** A query's points in ScanBy order; the store's are oldest first. */
const ordered = (points: ReadonlyArray<MetricPoint>, descending: boolean): ReadonlyArray<MetricPoint> => (descending ? [...points].reverse() : points)

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
        return {
          accountId: str(q, "AccountId") ?? ctx.accountId, region: ctx.region, namespace: str(metric, "Namespace") ?? "", metricName: str(metric, "MetricName") ?? "",
          dimensions: dimensionsOf(metric), start, end, period: num(stat, "Period") ?? 60, stat: str(stat, "Stat") ?? "Average"
        }
      })
      const answers = store.pointsOfMany(asked)
      const series: ReadonlyArray<Series> = returned.map((q, i) => ({
        id: str(q, "Id") ?? "",
        label: str(q, "Label") ?? asked[i]?.metricName ?? "",
        points: ordered(answers[i] ?? [], descending)
      }))
      // The page is a window over every value, query after query; `paginate` cuts it and makes the token.
      const scope = `gmd:${ids.join(",")}:${start.getTime()}:${end.getTime()}`
      const token = str(input, "NextToken")
      const values: Array<MetricPoint> = []
      for (const s of series) for (const p of s.points) values.push(p)
      const page = yield* paginate(values, { scope, token, pageSize: num(input, "MaxDatapoints") ?? DEFAULT_MAX_DATAPOINTS, invalidToken: invalidNextToken })
      const from = token === undefined || token === "" ? 0 : (decodeToken(scope, token) ?? 0)
      const to = from + page.items.length
      let first = 0
      const results = series.map((s) => {
        // This series' values are [first, first + length) of the whole sequence; the page keeps [from, to).
        const mine = s.points.slice(Math.max(0, from - first), Math.max(0, to - first))
        first += s.points.length
        return {
          Id: s.id,
          Label: s.label,
          // Epoch seconds, as the JSON protocol writes a Date (CloudWatch is served over JSON only): toJson need not convert them.
          Timestamps: mine.map((p) => p.timestamp.getTime() / 1000),
          Values: mine.map((p) => p.value),
          StatusCode: page.nextToken !== undefined && mine.length > 0 ? "PartialData" : "Complete"
        }
      })
      return { MetricDataResults: results, ...(page.nextToken === undefined ? {} : { NextToken: page.nextToken }), Messages: [] }
    })
