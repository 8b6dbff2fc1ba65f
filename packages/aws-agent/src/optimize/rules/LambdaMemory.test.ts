import { describe, expect, it } from "@effect/vitest"
import { adviceOf, changesOf, fn, proposals } from "../World.testkit.js"
import { lambdaMemory, oneStepDown } from "./LambdaMemory.js"

describe("LambdaMemory", () => {
  it("steps memory down by about half", () => {
    expect([256, 512, 1024, 1536, 3008, 200].map(oneStepDown)).toEqual([128, 256, 512, 512, 1024, undefined])
  })

  it("halves memory when a doubled peak still fits the timeout with headroom, and saves less than half", () => {
    const r = fn("f-1", 1024, { avg: 2, peak: 10, invocations: 1_000_000, durationMs: 600 })
    const [c] = changesOf(proposals(lambdaMemory, [r]))
    expect(c?.action).toEqual({ _tag: "SetLambdaMemory", fromMiB: 1024, toMiB: 512 })
    expect(c?.rollback).toEqual({ _tag: "SetLambdaMemory", fromMiB: 512, toMiB: 1024 })
    // Duration assumed to grow by 1.25 at half the memory: compute cost falls to 62.5 %, not 50 %.
    expect(c?.expectedMonthlySavings).toBeGreaterThan(0)
    expect(c?.expectedMonthlySavings).toBeLessThan(r.monthlyCost * 0.5)
  })

  it.each([
    ["a peak near the timeout", { avg: 20, peak: 45, invocations: 1000, durationMs: 6000 }],
    ["128 MiB already", undefined]
  ] as const)("proposes nothing for %s", (_, u) => {
    const r = u === undefined ? fn("f-2", 128, { avg: 1, peak: 2, invocations: 10, durationMs: 10 }) : fn("f-2", 1024, u)
    expect(changesOf(proposals(lambdaMemory, [r]))).toEqual([])
  })

  it("says insufficient data without durations", () => {
    expect(adviceOf(proposals(lambdaMemory, [fn("f-3", 1024)])).map((a) => a.reason)).toEqual(["insufficient-data"])
  })
  it("steps the largest memory, 10,240 MiB, down to 4,096 (the largest step at most half)", () => {
    expect([10_240, 8192, 257].map(oneStepDown)).toEqual([4096, 4096, 128])
  })

  it("halves memory when the doubled peak is exactly the headroom limit", () => {
    // 40 % of the timeout x 2 = 80 % = 100 - 20 % headroom: allowed.
    const [c] = changesOf(proposals(lambdaMemory, [fn("f-4", 1024, { avg: 10, peak: 40, invocations: 1_000_000, durationMs: 600 })]))
    expect(c?.action).toEqual({ _tag: "SetLambdaMemory", fromMiB: 1024, toMiB: 512 })
  })

  it("estimates savings with the configured duration growth", () => {
    // 1,000,000 invocations in 14 days = 2,142,857.14 a month. Now: 0.6 s x 1 GB; after: 0.6 x 1.25 = 0.75 s x 0.5 GB.
    // Now 2,142,857.14 x 0.6 x 16.6667 + 2.142857 x $0.20 = 21,857,185.7 -> 21,857,186 micro-dollars;
    // after 2,142,857.14 x 0.375 x 16.6667 + the same requests = 13,821,455.4 -> 13,821,455; saved 8,035,731.
    const [c] = changesOf(proposals(lambdaMemory, [fn("f-1", 1024, { avg: 2, peak: 10, invocations: 1_000_000, durationMs: 600 })]))
    expect(c?.expectedMonthlySavings).toBe(8_035_731)
  })

  it("proposes nothing when the duration is assumed to double at half the memory (no saving at all)", () => {
    // Growth 2 at half memory: 0.5 GB x 1.2 s = 1 GB x 0.6 s, the same GB-seconds: savings 0, no change.
    expect(changesOf(proposals(lambdaMemory, [fn("f-5", 1024, { avg: 2, peak: 10, invocations: 1_000_000, durationMs: 600 })], { lambdaDurationGrowthAtHalfMemory: 2 }))).toEqual([])
  })

  it("asks for nothing, not even data, at 128 MiB", () => {
    expect(proposals(lambdaMemory, [fn("f-6", 128)])).toEqual([])
  })
})
