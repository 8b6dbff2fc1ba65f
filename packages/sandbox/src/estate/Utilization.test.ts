import { describe, expect, it } from "@effect/vitest"
import { periodStart, periodWindow } from "../services/cloudwatch/PeriodWindow.js"
import { aggregatorFor, demandPercent, diurnal, invocationsPerSlot, memoryDemandPercent, SAMPLE_MS, timeGrid } from "./Utilization.js"

const HOUR = 3_600_000
const DAY = 24 * HOUR

/** The statistics as plainly written: what the range aggregators must agree with. */
const plain = (samples: ReadonlyArray<number>, stat: string, counter: boolean, slots: number): number => {
  const total = samples.reduce((a, b) => a + b, 0)
  switch (stat) {
    case "Average":
      return total / samples.length
    case "Sum":
      return counter ? Math.round((total / samples.length) * slots) : total
    case "SampleCount":
      return counter ? slots : samples.length
    case "Maximum":
      return Math.max(...samples)
    case "Minimum":
      return Math.min(...samples)
    default: {
      const sorted = [...samples].sort((a, b) => a - b)
      const rank = Number(stat.slice(1))
      return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((rank / 100) * sorted.length) - 1))] ?? 0
    }
  }
}

describe("timeGrid", () => {
  const start = Date.UTC(2026, 9, 1, 0, 17)

  it("samples every five minutes of an hourly period, from the window's start", () => {
    const grid = timeGrid(start, start + 2 * DAY, 3600)
    expect(grid.slots).toBe(12)
    expect(grid.periodStarts).toHaveLength(48)
    expect(grid.periodStarts[1]).toBe(start + HOUR)
    expect(grid.bounds).toHaveLength(49)
    expect(grid.times.slice(0, 13)).toEqual(Array.from({ length: 13 }, (_, i) => start + i * SAMPLE_MS))
    expect(grid.days.slice(0, 3)).toEqual(grid.times.slice(0, 3).map(diurnal))
    // CloudWatch's periods (PeriodWindow), as for put points: from the start, the last one begun before the end.
    const cut = periodWindow(start, start + 2 * HOUR + 30 * 60_000, HOUR)
    const cutGrid = timeGrid(cut.start, cut.end, 3600)
    expect(cutGrid.periodStarts).toEqual([0, 1, 2].map((k) => periodStart(cut, k)))
    // The end is exclusive: the last period has its six samples before it, not twelve.
    expect(cutGrid.bounds.slice(-2)).toEqual([24, 30])
    expect(cutGrid.times.at(-1)).toBe(cut.end - SAMPLE_MS)
  })

  it("takes every five-minute sample of a long period, one of a period shorter than five minutes, and at most 10,080 periods", () => {
    const daily = timeGrid(start, start + 3 * DAY, 86_400)
    expect(daily.slots).toBe(288)
    expect(daily.bounds).toEqual([0, 288, 576, 864])
    // The same sample times as the window's hourly grid: a period's statistics are over all of them.
    expect(daily.times).toEqual(timeGrid(start, start + 3 * DAY, 3600).times)
    const minute = timeGrid(start, start + HOUR, 60)
    expect(minute.slots).toBe(1)
    expect(minute.times).toHaveLength(60)
    expect(timeGrid(start, start + 30 * DAY, 60).periodStarts).toHaveLength(10_080)
    expect(timeGrid(start, start, 3600).periodStarts).toEqual([])
  })
})

describe("aggregatorFor", () => {
  it("agrees with the plain statistics over any range of samples, NaN and -0 included", () => {
    const values = [3.5, -0, 0, 7.25, 7.25, 1e-9, 99.999, 42, Number.NaN, 5, 5, 0.1, 0.2, 0.3]
    for (const stat of ["Average", "Sum", "SampleCount", "Maximum", "Minimum", "p50", "p90", "p99.9", "p0"]) {
      for (const counter of [false, true]) {
        const aggregate = aggregatorFor(stat, counter)
        if (aggregate === undefined) throw new Error(`no aggregator for ${stat}`)
        for (let from = 0; from < values.length; from++) {
          for (let to = from + 1; to <= values.length; to++) {
            for (const slots of [12, 5]) expect(Object.is(aggregate(values, from, to, slots), plain(values.slice(from, to), stat, counter, slots))).toBe(true)
          }
        }
      }
    }
  })

  it("serves no statistic it does not know", () => {
    expect(aggregatorFor("Median", false)).toBeUndefined()
    expect(aggregatorFor("tm90", false)).toBeUndefined()
  })
})

describe("the diurnal argument", () => {
  it("is the value each function computes for itself when not given", () => {
    for (const profile of ["idle", "steady", "spiky", "overProvisioned"] as const) {
      for (let t = Date.UTC(2026, 9, 1); t < Date.UTC(2026, 9, 2); t += 7 * SAMPLE_MS + 13_000) {
        expect(demandPercent(profile, 77, t, diurnal(t))).toBe(demandPercent(profile, 77, t))
        expect(memoryDemandPercent(profile, 77, t, diurnal(t))).toBe(memoryDemandPercent(profile, 77, t))
        expect(invocationsPerSlot(profile, 600, 77, t, diurnal(t))).toBe(invocationsPerSlot(profile, 600, 77, t))
      }
    }
  })
})
