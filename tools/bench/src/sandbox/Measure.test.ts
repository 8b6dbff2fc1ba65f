import { describe, expect, it } from "vitest"
import { measure } from "./Measure.js"

describe("measure", () => {
  it("stops at maxRequests and counts failures", async () => {
    let n = 0
    const m = await measure(async () => {
      n += 1
      if (n % 4 === 0) throw new Error("boom")
    }, { concurrency: 8, maxRequests: 100, maxMs: 10_000 })
    expect(m.requests).toBe(100)
    expect(n).toBe(100)
    expect(m.errors).toBe(25)
    expect(m.concurrency).toBe(8)
  })

  it("stops at the deadline when requests never end it", async () => {
    const m = await measure(() => new Promise((resolve) => setTimeout(resolve, 5)), { concurrency: 2, maxRequests: 1_000_000, maxMs: 50 })
    expect(m.requests).toBeLessThan(1_000_000)
    expect(m.requests).toBeGreaterThan(0)
  })
})
