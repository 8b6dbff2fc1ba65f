import { describe, expect, it } from "@effect/vitest"
import { defaultBackoff, delayMs, stepMs } from "./Backoff.js"

describe("Backoff", () => {
  it("doubles the step from the base after each failed attempt, up to the cap", () => {
    const policy = { baseMs: 1_000, capMs: 10_000 }
    expect([1, 2, 3, 4, 5, 6, 30].map((attempt) => stepMs(policy, attempt))).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000, 10_000])
    // The default caps at 5 minutes: 2^9 s is past it.
    expect(stepMs(defaultBackoff, 10)).toBe(300_000)
  })

  it("waits between half the step and the whole step (equal jitter), never sooner", () => {
    const policy = { baseMs: 1_000, capMs: 10_000 }
    expect(delayMs(policy, 3, 0)).toBe(2_000)
    expect(delayMs(policy, 3, 0.5)).toBe(3_000)
    expect(delayMs(policy, 3, 0.999_999)).toBe(4_000)
    expect(delayMs(policy, 9, 0)).toBe(5_000)
  })
})
