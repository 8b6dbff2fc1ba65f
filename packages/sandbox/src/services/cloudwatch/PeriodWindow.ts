/**
 * How CloudWatch cuts a query's time range into periods, for every series it
 * serves (points put with PutMetricData and the estate's generated ones):
 *
 * - The StartTime is first rounded down, by its age when the request arrives
 *   (GetMetricData and GetMetricStatistics document the same rule): less than
 *   15 days old to the minute, 15 to 63 days to five minutes, older to the
 *   hour; with a high-resolution Period of 1, 5, 10, 20 or 30 seconds, to
 *   that many seconds instead of the minute. (The bands are
 *   `MetricRetention.ageBand`'s; whether the period suits the age at all is
 *   `MetricRetention.answersPeriod`.)
 * - Period k then runs from start + k x Period (inclusive) to the next one,
 *   and its datapoint carries that start as its timestamp; the last period is
 *   cut at the EndTime (exclusive). Periods count from the rounded StartTime,
 *   not from the epoch: a one-hour period asked from 10:07 answers 10:07,
 *   11:07, ...
 */

import { ageBand, HIGH_RESOLUTION_PERIODS } from "./MetricRetention.js"

const SECOND_MS = 1_000
const MINUTE_MS = 60 * SECOND_MS

/** A query's periods: [start, end) in epoch milliseconds, from `start` on, `periodMs` long. */
export interface PeriodWindow {
  readonly start: number
  readonly end: number
  readonly periodMs: number
  /** Periods that begin before `end` (the last may be cut short by it); none for an empty range or a period of 0. */
  readonly count: number
}

/** The StartTime CloudWatch answers from: `start` rounded down by its age at `now` (and a high-resolution period). */
export const alignStartTime = (start: Date, periodSeconds: number, now: Date): Date => {
  const t = start.getTime()
  const band = ageBand(now.getTime() - t)
  const unit =
    band === "hour" ? 60 * MINUTE_MS
    : band === "fiveMinutes" ? 5 * MINUTE_MS
    : HIGH_RESOLUTION_PERIODS.has(periodSeconds) ? periodSeconds * SECOND_MS
    : MINUTE_MS
  const aligned = Math.floor(t / unit) * unit
  return aligned === t ? start : new Date(aligned)
}

export const periodWindow = (start: number, end: number, periodMs: number): PeriodWindow => ({
  start,
  end,
  periodMs,
  count: periodMs > 0 && end > start ? Math.ceil((end - start) / periodMs) : 0
})

/** The period `t` falls in, or undefined when it is outside the window. */
export const periodOf = (window: PeriodWindow, t: number): number | undefined =>
  window.count === 0 || t < window.start || t >= window.end ? undefined : Math.floor((t - window.start) / window.periodMs)

/** Period k's start: its datapoint's timestamp. */
export const periodStart = (window: PeriodWindow, k: number): number => window.start + k * window.periodMs
