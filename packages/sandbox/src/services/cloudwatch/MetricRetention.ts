/**
 * What CloudWatch keeps of a series, and which periods it answers for a
 * StartTime of a given age (GetMetricData's MetricStat.Period and
 * GetMetricStatistics' Period document the same rules):
 *
 * > Amazon CloudWatch retains metric data as follows: Data points with a
 * > period of less than 60 seconds are available for 3 hours. [...] Data
 * > points with a period of 60 seconds (1-minute) are available for 15 days.
 * > Data points with a period of 300 seconds (5-minute) are available for 63
 * > days. Data points with a period of 3600 seconds (1 hour) are available
 * > for 455 days (15 months).
 *
 * > If the StartTime parameter specifies a time stamp that is greater than 3
 * > hours ago, you must specify the period as follows or no data points in
 * > that time range is returned: Start time between 3 hours and 15 days ago -
 * > Use a multiple of 60 seconds (1 minute). Start time between 15 and 63
 * > days ago - Use a multiple of 300 seconds (5 minutes). Start time greater
 * > than 63 days ago - Use a multiple of 3600 seconds (1 hour).
 *
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html,
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricStat.html)
 *
 * So a period that does not suit the StartTime's age is not an error: that
 * query answers no datapoints. The same age bands round the StartTime
 * (`PeriodWindow.alignStartTime`).
 */

const MINUTE_MS = 60_000
const HOUR_MS = 60 * MINUTE_MS
const DAY_MS = 24 * HOUR_MS

/** Periods under a minute CloudWatch serves (high-resolution metrics): "1, 5, 10, 20, 30, 60, or any multiple of 60". */
export const HIGH_RESOLUTION_PERIODS: ReadonlySet<number> = new Set([1, 5, 10, 20, 30])

/** How long any data point is kept: the hourly resolution's 455 days. */
export const RETENTION_MS = 455 * DAY_MS

/**
 * The resolution CloudWatch still holds for a StartTime this old: under 3
 * hours the high-resolution one, then the minute to 15 days, five minutes to
 * 63 days (both inclusive, as the StartTime rounding's bands), the hour beyond.
 */
export type AgeBand = "highResolution" | "minute" | "fiveMinutes" | "hour"

export const ageBand = (ageMs: number): AgeBand =>
  ageMs > 63 * DAY_MS ? "hour"
  : ageMs >= 15 * DAY_MS ? "fiveMinutes"
  : ageMs > 3 * HOUR_MS ? "minute"
  : "highResolution"

/** The period (seconds) every answered period must be a multiple of, in a band. */
const requiredMultiple: Record<Exclude<AgeBand, "highResolution">, number> = { minute: 60, fiveMinutes: 300, hour: 3600 }

/** Whether CloudWatch answers datapoints of `periodSeconds` for a query whose StartTime (as asked, before rounding) is `start`, at `now`. */
export const answersPeriod = (start: Date, periodSeconds: number, now: Date): boolean => {
  if (!Number.isInteger(periodSeconds) || periodSeconds < 1) return false
  const band = ageBand(now.getTime() - start.getTime())
  if (band === "highResolution") return HIGH_RESOLUTION_PERIODS.has(periodSeconds) || periodSeconds % 60 === 0
  return periodSeconds % requiredMultiple[band] === 0
}

/** The earliest timestamp (epoch ms) a datapoint may carry at `now` and still be answered. */
export const retainedSince = (now: Date): number => now.getTime() - RETENTION_MS
