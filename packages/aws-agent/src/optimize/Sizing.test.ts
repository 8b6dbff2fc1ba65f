import { describe, expect, it } from "@effect/vitest"
import { defaultConfig } from "./Config.js"
import { type Candidate, cheapestFit, fits, type Load } from "./Sizing.js"

const load: Load = { vcpus: 8, memoryGiB: 32, p95Percent: 10, peakPercent: 15, memoryPercent: 20 }
const candidate = (name: string, vcpus: number, memoryGiB: number, monthlyCost: number): Candidate => ({ name, vcpus, memoryGiB, monthlyCost })

describe("Sizing", () => {
  it("breaks a price tie toward more vCPUs, then by name", () => {
    // Both fit (p95 10 % of 8 vCPUs is 40 % on 2, 20 % on 4) and cost the same: the 4-vCPU one has more room.
    expect(cheapestFit(load, 1_000, [candidate("two", 2, 8, 500), candidate("four", 4, 16, 500)], defaultConfig)?.name).toBe("four")
    expect(cheapestFit(load, 1_000, [candidate("b", 4, 16, 500), candidate("a", 4, 16, 500)], defaultConfig)?.name).toBe("a")
  })

  it("keeps memory at exactly the floor, with the headroom applied", () => {
    // 20 % of 32 GiB = 6.4 GiB in use, at most 80 % full -> 8 GiB: a size with exactly 8 GiB fits, 7.9 does not.
    expect(fits(load, { vcpus: 2, memoryGiB: 8 }, defaultConfig)).toBe(true)
    expect(fits(load, { vcpus: 2, memoryGiB: 7.9 }, defaultConfig)).toBe(false)
    // Without a memory metric, at least half of now: 16 GiB.
    const { memoryPercent: _unknown, ...unmeasured } = load
    expect([fits(unmeasured, { vcpus: 4, memoryGiB: 16 }, defaultConfig), fits(unmeasured, { vcpus: 4, memoryGiB: 15.9 }, defaultConfig)]).toEqual([true, false])
  })
})
