/**
 * θ5: the pre-change baseline of one metric, from the datapoints of a window
 * that ends when the change started (points at or after it are not baseline).
 */
import { metricStats, type MetricStats } from "../utilization/MetricStats.js"

/** One CloudWatch datapoint (GetMetricData gives timestamps and values). */
export interface MetricPoint {
  readonly timestamp: Date
  readonly value: number
}

/** count, avg, p50, p95 (nearest rank) and max of a window. */
export type Baseline = MetricStats

/** Points ordered by time, non-finite values dropped. */
export const ordered = (series: ReadonlyArray<MetricPoint>): ReadonlyArray<MetricPoint> =>
  series.filter((p) => Number.isFinite(p.value)).sort((a, b) => a.timestamp.getTime() - b.timestamp.getTime())

/** Statistics of the points strictly before `before` (all points when absent). */
export const baselineFrom = (series: ReadonlyArray<MetricPoint>, before?: Date): Baseline =>
  metricStats(ordered(series).filter((p) => before === undefined || p.timestamp.getTime() < before.getTime()).map((p) => p.value))
