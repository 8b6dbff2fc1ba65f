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
})
