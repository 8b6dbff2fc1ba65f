/** Summary statistics of a metric series: average, median, 95th percentile, maximum. */
export interface MetricStats {
  readonly count: number
  readonly avg: number
  readonly p50: number
  readonly p95: number
  readonly max: number
}

/** Nearest-rank percentile over sorted values. */
const percentile = (sorted: ReadonlyArray<number>, p: number): number =>
  sorted.length === 0 ? 0 : (sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0)

export const metricStats = (values: ReadonlyArray<number>): MetricStats => {
  const finite = values.filter(Number.isFinite)
  if (finite.length === 0) return { count: 0, avg: 0, p50: 0, p95: 0, max: 0 }
  const sorted = [...finite].sort((a, b) => a - b)
  return {
    count: sorted.length,
    avg: sorted.reduce((a, b) => a + b, 0) / sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted[sorted.length - 1] ?? 0
  }
}
