/**
 * The one retry policy of AWS calls: jittered exponential backoff, each delay
 * capped, a bounded number of attempts. Which failures are retried is decided
 * by `AwsError.retryable` (throttling, 5xx, timeouts), not here.
 */
import { Duration, Schedule } from "effect"
import type { AwsConfigShape } from "./AwsConfig.js"

export const retrySchedule = (
  config: Pick<AwsConfigShape, "maxAttempts" | "retryBaseDelay" | "retryMaxDelay">
): Schedule.Schedule<unknown, unknown> =>
  Schedule.exponential(config.retryBaseDelay, 2).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, config.retryMaxDelay)),
    Schedule.intersect(Schedule.recurs(config.maxAttempts - 1))
  )
