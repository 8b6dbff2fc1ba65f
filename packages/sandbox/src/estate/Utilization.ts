/**
 * Deterministic utilization: a pure function of (profile, resource, time),
 * so CloudWatch can answer any window at any time and the same seed gives the
 * same series. Values are "demand" in units of the size the workload was
 * generated for; the metric source divides by the current size, so a
 * downsized instance shows proportionally higher CPU from the change onwards.
 *
 * Also how a query reads them: the five-minute sample times of its window
 * (`timeGrid`) and the statistic over a period's samples (`aggregatorFor`).
 */
import { periodStart, periodWindow } from "../services/cloudwatch/PeriodWindow.js"
import { unitNoise } from "./Prng.js"

/** How a resource's load moves over the day: what the demand functions below draw from. */
export type UtilizationProfile = "idle" | "steady" | "spiky" | "overProvisioned"

export const SAMPLE_MS = 300_000

const HOUR_MS = 3_600_000
const MAX_PERIODS = 10_080

/**
 * 0..1, peaking mid-afternoon UTC, lowest at night. The functions below take
 * it as an optional last argument: a caller sampling many resources at the
 * same times (the metric source) computes it once per time, not once per
 * resource and time.
 */
export const diurnal = (t: number): number => 0.5 + 0.5 * Math.sin((2 * Math.PI * ((t / HOUR_MS) % 24 - 9)) / 24)

/** CPU percent of the baseline size at time `t` (epoch ms), for a resource keyed by `key`. */
export const demandPercent = (profile: UtilizationProfile, key: number, t: number, day = diurnal(t)): number => {
  const slot = Math.floor(t / SAMPLE_MS)
  const noise = unitNoise(key, slot)
  switch (profile) {
    case "idle":
      return 0.2 + 1.8 * noise
    case "steady":
      return 28 + 20 * day + 6 * noise
    case "spiky":
      // About one five-minute slot in twenty spikes.
      return unitNoise(key ^ 0x5bd1e995, slot) < 0.05 ? 70 + 25 * noise : 6 + 8 * noise
    case "overProvisioned":
      return 4 + 6 * day + 2 * noise
  }
}

/**
 * CPU percent of an instance under the sandbox's "load surge after resize"
 * knob: `level` +/- 3, whatever its size, so a downsized instance stays above
 * an 80 % alarm while its old size would have run at a fraction of it.
 */
export const surgePercent = (level: number, key: number, t: number): number => level - 3 + 6 * unitNoise(key ^ 0x68e31da4, Math.floor(t / SAMPLE_MS))

/** Memory percent of the baseline size; memory moves slowly, so little noise. */
export const memoryDemandPercent = (profile: UtilizationProfile, key: number, t: number, day = diurnal(t)): number => {
  const noise = unitNoise(key ^ 0x27d4eb2f, Math.floor(t / SAMPLE_MS))
  switch (profile) {
    case "idle":
      return 8 + 2 * noise
    case "steady":
      return 55 + 5 * day + 3 * noise
    case "spiky":
      return 35 + 10 * day + 8 * noise
    case "overProvisioned":
      return 12 + 4 * day + 2 * noise
  }
}

/** Requests per five-minute slot for a Lambda function. */
export const invocationsPerSlot = (profile: UtilizationProfile, perHour: number, key: number, t: number, day = diurnal(t)): number => {
  const noise = unitNoise(key ^ 0x165667b1, Math.floor(t / SAMPLE_MS))
  const base = perHour / 12
  switch (profile) {
    case "idle":
      return noise < 0.02 ? 1 : 0
    case "spiky":
      return Math.round(unitNoise(key ^ 0x5bd1e995, Math.floor(t / SAMPLE_MS)) < 0.05 ? base * 8 : base * 0.5 * (0.5 + noise))
    default:
      return Math.round(base * (0.4 + 1.2 * day) * (0.8 + 0.4 * noise))
  }
}

const percentile = (sorted: ReadonlyArray<number>, p: number): number => {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] ?? 0
}

/**
 * One period's samples: `values[from]` up to (not including) `values[to]`,
 * never empty; `slots` is the period's five-minute slots (fewer than a
 * period's when the query's end cuts it short).
 */
export type Aggregate = (values: ReadonlyArray<number>, from: number, to: number, slots: number) => number

/** Left to right, as `reduce((a, b) => a + b, 0)` adds. */
const sum = (values: ReadonlyArray<number>, from: number, to: number): number => {
  let total = 0
  for (let i = from; i < to; i++) total += values[i] ?? 0
  return total
}

/** `Math.max(...samples)` folded pair by pair (the same answer, NaN and -0 included, without spreading). */
const extreme = (pick: (a: number, b: number) => number, initial: number): Aggregate => (values, from, to) => {
  let found = initial
  for (let i = from; i < to; i++) found = pick(found, values[i] ?? 0)
  return found
}

/** The statistic over one period's samples, or undefined for a statistic not served. Counters' samples stand for every slot of the period. */
export const aggregatorFor = (stat: string, counter: boolean): Aggregate | undefined => {
  switch (stat) {
    case "Average":
      return (values, from, to) => sum(values, from, to) / (to - from)
    case "Sum":
      return counter ? (values, from, to, slots) => Math.round((sum(values, from, to) / (to - from)) * slots) : sum
    case "SampleCount":
      return counter ? (_values, _from, _to, slots) => slots : (_values, from, to) => to - from
    case "Maximum":
      return extreme(Math.max, Number.NEGATIVE_INFINITY)
    case "Minimum":
      return extreme(Math.min, Number.POSITIVE_INFINITY)
    default: {
      const p = /^p(\d+(?:\.\d+)?)$/.exec(stat)
      if (p === null) return undefined
      const rank = Number(p[1])
      return (values, from, to) => percentile(values.slice(from, to).sort((a, b) => a - b), rank)
    }
  }
}

/**
 * A query window's sample times: period k's are `times[bounds[k]]` up to
 * `times[bounds[k + 1]]`, as many as its slots (a counter's Sum counts them
 * all, sampled or not).
 */
export interface TimeGrid {
  /** Five-minute slots in a whole period; the last one has fewer when the window's end cuts it short. */
  readonly slots: number
  readonly periodStarts: ReadonlyArray<number>
  readonly times: ReadonlyArray<number>
  readonly days: ReadonlyArray<number>
  readonly bounds: ReadonlyArray<number>
}

/**
 * Every five-minute sample of a query window (at most 10,080 periods, cut
 * as CloudWatch cuts every series: see `PeriodWindow`), with the diurnal
 * cycle at each. A long period costs as many samples as the
 * same window in hours would (14 days: 4,032), and its statistics are those
 * of all its samples, as CloudWatch's are: a window-long Maximum is exactly
 * the largest of the hourly Maximums, a daily Sum the sum of the hourly ones.
 */
export const timeGrid = (start: number, end: number, periodSeconds: number): TimeGrid => {
  const window = periodWindow(start, end, Math.max(60, periodSeconds) * 1000)
  const slots = Math.max(1, Math.floor(window.periodMs / SAMPLE_MS))
  const periodStarts: Array<number> = []
  const times: Array<number> = []
  const days: Array<number> = []
  const bounds: Array<number> = [0]
  for (let k = 0; k < Math.min(window.count, MAX_PERIODS); k++) {
    const t0 = periodStart(window, k)
    periodStarts.push(t0)
    // The end is exclusive: a period it cuts short has only the samples before it.
    for (let s = 0; s < slots && t0 + s * SAMPLE_MS < end; s++) {
      const t = t0 + s * SAMPLE_MS
      times.push(t)
      days.push(diurnal(t))
    }
    bounds.push(times.length)
  }
  return { slots, periodStarts, times, days, bounds }
}
