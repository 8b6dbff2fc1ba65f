/**
 * CloudWatch's data: points put with PutMetricData, aggregated per period
 * and statistic on read, merged with the pluggable sources (the estate's
 * utilization profiles, SQS's live gauges). Put points fall in the periods
 * of the query's own window (`PeriodWindow`: from its StartTime, as the
 * estate's series do), so both meet on the same timestamps. Stored raw
 * points are bounded per series so a chatty test cannot grow memory without
 * limit.
 */
import type { MetricIdentity, MetricPoint, MetricQuery, MetricSource } from "../../EstateContract.js"
import { periodOf, periodStart, periodWindow } from "./PeriodWindow.js"

interface RawPoint {
  readonly t: number
  readonly sum: number
  readonly count: number
  readonly min: number
  readonly max: number
  readonly values: ReadonlyArray<number>
}

export interface PutDatum {
  readonly accountId: string
  readonly region: string
  readonly namespace: string
  readonly metricName: string
  readonly dimensions: ReadonlyArray<{ readonly name: string; readonly value: string }>
  readonly timestamp: Date
  readonly unit?: string
  /** Raw values (Value, or Values repeated by Counts). */
  readonly values?: ReadonlyArray<number>
  readonly statistics?: { readonly sum: number; readonly count: number; readonly min: number; readonly max: number }
}

const MAX_POINTS_PER_SERIES = 100_000

const seriesKey = (q: { accountId: string; region: string; namespace: string; metricName: string; dimensions: ReadonlyArray<{ name: string; value: string }> }): string =>
  [q.accountId, q.region, q.namespace, q.metricName, ...[...q.dimensions].sort((a, b) => a.name.localeCompare(b.name)).map((d) => `${d.name}=${d.value}`)].join("|")

const percentile = (sorted: ReadonlyArray<number>, p: number): number => {
  if (sorted.length === 0) return 0
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[rank] ?? 0
}

/** One statistic over the raw points of one period; undefined when it cannot be computed. */
export const statistic = (points: ReadonlyArray<RawPoint>, stat: string): number | undefined => {
  if (points.length === 0) return undefined
  const sum = points.reduce((s, p) => s + p.sum, 0)
  const count = points.reduce((s, p) => s + p.count, 0)
  switch (stat) {
    case "Sum":
      return sum
    case "SampleCount":
      return count
    case "Average":
      return count === 0 ? undefined : sum / count
    case "Minimum":
      return Math.min(...points.map((p) => p.min))
    case "Maximum":
      return Math.max(...points.map((p) => p.max))
    default: {
      const match = /^p(\d+(?:\.\d+)?)$/.exec(stat)
      if (match === null) return undefined
      const values = points.flatMap((p) => p.values).sort((a, b) => a - b)
      return values.length === 0 ? undefined : percentile(values, Number(match[1]))
    }
  }
}

/** A source's way to run several queries together, when it has one (see `EstateMetricSource.sharing`). */
type Sharing = <A>(run: () => A) => A

const sharingOf = (source: MetricSource): Sharing | undefined => {
  const sharing: unknown = (source as { readonly sharing?: unknown }).sharing
  return typeof sharing === "function" ? (sharing as Sharing) : undefined
}

/** Timestamps strictly ascending: a series that merging by time and sorting would leave as it is. */
const strictlyAscending = (points: ReadonlyArray<MetricPoint>): boolean => {
  let last = Number.NEGATIVE_INFINITY
  for (const p of points) {
    const t = p.timestamp.getTime()
    if (!(t > last)) return false
    last = t
  }
  return true
}

export const makeMetricStore = (sources: ReadonlyArray<MetricSource>) => {
  const series = new Map<string, { unit?: string; points: Array<RawPoint>; accountId: string; region: string; identity: MetricIdentity }>()

  const put = (datum: PutDatum): void => {
    const k = seriesKey(datum)
    const entry = series.get(k) ?? {
      points: [],
      accountId: datum.accountId,
      region: datum.region,
      identity: { namespace: datum.namespace, metricName: datum.metricName, dimensions: datum.dimensions }
    }
    if (datum.unit !== undefined) entry.unit = datum.unit
    const values = datum.values ?? []
    const point: RawPoint = datum.statistics !== undefined
      ? { t: datum.timestamp.getTime(), ...datum.statistics, values }
      : { t: datum.timestamp.getTime(), sum: values.reduce((s, v) => s + v, 0), count: values.length, min: Math.min(...values), max: Math.max(...values), values }
    entry.points.push(point)
    if (entry.points.length > MAX_POINTS_PER_SERIES) entry.points.splice(0, entry.points.length - MAX_POINTS_PER_SERIES)
    series.set(k, entry)
  }

  const stored = (q: MetricQuery): ReadonlyArray<MetricPoint> => {
    const entry = series.get(seriesKey(q))
    if (entry === undefined) return []
    const window = periodWindow(q.start.getTime(), q.end.getTime(), q.period * 1000)
    const buckets = new Map<number, Array<RawPoint>>()
    for (const p of entry.points) {
      const k = periodOf(window, p.t)
      if (k === undefined) continue
      const list = buckets.get(k) ?? []
      list.push(p)
      buckets.set(k, list)
    }
    return [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .flatMap(([k, points]) => {
        const value = statistic(points, q.stat)
        return value === undefined ? [] : [{ timestamp: new Date(periodStart(window, k)), value }]
      })
  }

  /** Every source's points for the query, the stored ones winning on equal timestamps. */
  const points = (q: MetricQuery): ReadonlyArray<MetricPoint> => {
    const answers = sources.map((source) => source.points(q))
    const put = series.size === 0 ? [] : stored(q)
    const nonEmpty = answers.filter((a) => a.length > 0)
    // The usual case, one source's series and nothing put: already in time order, it is the answer (a copy, as a merge gives).
    const only = nonEmpty[0]
    if (put.length === 0 && nonEmpty.length === 1 && only !== undefined && strictlyAscending(only)) return only.slice()
    const byTime = new Map<number, MetricPoint>()
    for (const answer of answers) for (const p of answer) byTime.set(p.timestamp.getTime(), p)
    for (const p of put) byTime.set(p.timestamp.getTime(), p)
    return [...byTime.values()].sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime())
  }

  /**
   * `each(points)` of each query, in one go: a source that can share work across
   * the queries of a request (the estate's `sharing`: one sample grid per
   * series, whatever the statistics asked) runs them together.
   */
  const pointsOfMany = <A>(queries: ReadonlyArray<MetricQuery>, each: (points: ReadonlyArray<MetricPoint>) => A): ReadonlyArray<A> =>
    sources.reduce<() => ReadonlyArray<A>>((run, source) => {
      const sharing = sharingOf(source)
      return sharing === undefined ? run : () => sharing(run)
    }, () => queries.map((q) => each(points(q))))()

  const unit = (q: MetricQuery): string | undefined => series.get(seriesKey(q))?.unit ?? sources.map((s) => s.unit?.(q.namespace, q.metricName)).find((u) => u !== undefined)

  /** Every metric known for an account and region: the sources' and the put ones, once each. */
  const list = (accountId: string, region: string): ReadonlyArray<MetricIdentity> => {
    const byKey = new Map<string, MetricIdentity>()
    for (const source of sources) {
      for (const m of source.list?.(accountId, region) ?? []) byKey.set(seriesKey({ accountId, region, ...m }), m)
    }
    for (const entry of series.values()) {
      if (entry.accountId === accountId && entry.region === region) byKey.set(seriesKey({ accountId, region, ...entry.identity }), entry.identity)
    }
    return [...byKey.values()]
  }

  return { put, points, pointsOfMany, unit, list }
}

export type MetricStore = ReturnType<typeof makeMetricStore>
