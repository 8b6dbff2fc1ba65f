import { describe, expect, it } from "vitest"
import { summarize } from "./Samples.js"

describe("summarize", () => {
  it("computes mean, median, extremes and sample standard deviation", () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ runs: 4, meanMs: 2.5, medianMs: 2.5, minMs: 1, maxMs: 4, stddevMs: Math.sqrt(5 / 3) })
    expect(summarize([5, 1, 3]).medianMs).toBe(3)
  })

  it("rejects an empty sample", () => {
    expect(() => summarize([])).toThrow(RangeError)
  })
})
