import { describe, expect, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Schedule } from "effect"
import { defaultVendPolling, vendPollSchedule } from "./VendPolling.js"

/** The waits a schedule makes before it stops (at most `limit`), in ms; `run` ends with the stopping step's output, which is no wait. */
const waits = (schedule: Schedule.Schedule<Duration.Duration>, limit = 10_000) =>
  Effect.map(Schedule.run(schedule, 0, Array.from({ length: limit }, () => undefined)), (chunk) => {
    const ms = Chunk.toReadonlyArray(chunk).map(Duration.toMillis)
    return ms.length <= limit ? ms.slice(0, -1) : ms.slice(0, limit)
  })

describe("vendPollSchedule", () => {
  it.effect("without jitter: 250 ms, then 1.2x each time, capped at 10 s, stopping at the 20-minute deadline", () =>
    Effect.gen(function* () {
      const ms = yield* waits(vendPollSchedule({ jitter: 0 }))
      expect(ms.slice(0, 4).map(Math.round)).toEqual([250, 300, 360, 432])
      expect(Math.max(...ms)).toBe(10_000)
      // Once capped it stays capped.
      const firstCap = ms.indexOf(10_000)
      expect(ms.slice(firstCap).every((m) => m === 10_000)).toBe(true)
      // The deadline bounds the total: the last read starts before 20 minutes and no later one is scheduled.
      const total = ms.reduce((a, b) => a + b, 0)
      expect(total).toBeGreaterThan(Duration.toMillis(defaultVendPolling.deadline) - 10_000)
      expect(total).toBeLessThanOrEqual(Duration.toMillis(defaultVendPolling.deadline) + 10_000)
      expect(ms.length).toBeLessThan(200)
    }))

  it.effect("with jitter every wait stays within ±10 % of its unjittered value, and under the cap", () =>
    Effect.gen(function* () {
      const plain = yield* waits(vendPollSchedule({ jitter: 0, deadline: "2 minutes" }))
      for (let run = 0; run < 20; run++) {
        const jittered = yield* waits(vendPollSchedule({ deadline: "2 minutes" }))
        jittered.slice(0, 20).forEach((m, i) => {
          const base = plain[i]!
          expect(m).toBeLessThanOrEqual(Math.min(base * 1.1, 10_000) + 1e-6)
          expect(m).toBeGreaterThanOrEqual(Math.min(base * 0.9, 10_000) - 1e-6)
        })
      }
    }))

  it.effect("a creation of 500 ms is seen by the second read, 10 % after its end (unjittered)", () =>
    Effect.gen(function* () {
      const ms = yield* waits(vendPollSchedule({ jitter: 0 }), 10)
      const reads = ms.map((_, i) => ms.slice(0, i + 1).reduce((a, b) => a + b, 0))
      expect(reads.findIndex((t) => t >= 500)).toBe(1)
      expect(reads[1]).toBeCloseTo(550)
    }))

  it.effect("settings override the defaults; a fixed cadence is factor 1, no jitter", () =>
    Effect.gen(function* () {
      expect(yield* waits(vendPollSchedule({ initial: "1 second", factor: 1, jitter: 0, deadline: "5 seconds" }))).toEqual([1000, 1000, 1000, 1000, 1000])
      expect(() => vendPollSchedule({ factor: 0.5 })).toThrow(/factor/)
    }))
})
