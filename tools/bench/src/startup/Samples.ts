/**
 * Summary statistics of timing samples (milliseconds).
 */
export interface Summary {
  readonly runs: number
  readonly meanMs: number
  readonly medianMs: number
  readonly minMs: number
  readonly maxMs: number
  readonly stddevMs: number
}

export const summarize = (samples: ReadonlyArray<number>): Summary => {
  if (samples.length === 0) throw new RangeError("summarize needs at least one sample")
  const sorted = [...samples].sort((a, b) => a - b)
  const runs = sorted.length
  const meanMs = sorted.reduce((sum, x) => sum + x, 0) / runs
  const middle = Math.floor(runs / 2)
  const medianMs = runs % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
  const variance = sorted.reduce((sum, x) => sum + (x - meanMs) ** 2, 0) / Math.max(1, runs - 1)
  return { runs, meanMs, medianMs, minMs: sorted[0]!, maxMs: sorted[runs - 1]!, stddevMs: Math.sqrt(variance) }
}
