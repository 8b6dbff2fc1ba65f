import { describe, expect, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Schedule } from "effect"
import { retrySchedule } from "./RetryPolicy.js"

/**
 * The waits the schedule makes before giving up, in ms, over more failures than it allows; `run` ends with
 * the output of the step that stops, which is no wait.
 */
const waits = (config: Parameters<typeof retrySchedule>[0]) =>
  Effect.map(Schedule.run(Schedule.delays(retrySchedule(config)), 0, Array.from({ length: 20 }, (_, i) => i)), (out) => Chunk.toReadonlyArray(out).map(Duration.toMillis).slice(0, -1))

describe("retrySchedule", () => {
  it.effect("retries maxAttempts - 1 times, doubling from the base delay with jitter, each wait capped at the maximum", () =>
    Effect.gen(function* () {
      const ms = yield* waits({ maxAttempts: 6, retryBaseDelay: Duration.millis(100), retryMaxDelay: Duration.millis(250) })
      expect(ms).toHaveLength(5)
      // Jitter is 0.8x..1.2x of 100 and 200 ms; from 400 ms on the cap holds every wait at 250 ms.
      expect(ms[0]).toBeGreaterThanOrEqual(80)
      expect(ms[0]).toBeLessThanOrEqual(120)
      expect(ms[1]).toBeGreaterThanOrEqual(160)
      expect(ms[1]).toBeLessThanOrEqual(240)
      expect(ms.slice(2)).toEqual([250, 250, 250])
    }))

  it.effect("one attempt means no retry", () =>
    Effect.gen(function* () {
      expect(yield* waits({ maxAttempts: 1, retryBaseDelay: Duration.millis(100), retryMaxDelay: Duration.millis(250) })).toEqual([])
    }))
})
