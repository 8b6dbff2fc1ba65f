import { describe, expect, it } from "@effect/vitest"
import { MicroUsd } from "@miyabi/types"
import { baselineFrom } from "./Baseline.js"
import { compare, compareCost, defaultCpuThresholds, expectedCpuRise, type Subject } from "./Compare.js"
import { resize, series, T0 } from "./Monitor.testkit.js"

const change = resize("c-1")
const cpu: Subject = { changeId: change.id, resource: change.resource, namespace: "AWS/EC2", metric: "CPUUtilization" }
const halved = { ...defaultCpuThresholds, expectedRise: expectedCpuRise(8, 4) }

describe("baselineFrom", () => {
  it("summarizes only the points before the change, in time order", () => {
    const points = series([10, 30, 20, 40, 99, 99])
    const b = baselineFrom([...points].reverse(), points[4]?.timestamp)
    expect(b).toEqual({ count: 4, avg: 25, p50: 20, p95: 40, max: 40 })
  })
  it("is empty (count 0) for a window with no earlier point", () => {
    expect(baselineFrom(series([50]), T0).count).toBe(0)
  })
})

describe("compare (CPU)", () => {
  const baseline = baselineFrom(series([20, 25, 30, 30, 28, 22]))
  const cases: ReadonlyArray<{ name: string; observed: ReadonlyArray<number>; status: string; regressed: boolean; rise?: number }> = [
    { name: "doubling predicted by the resize is fine", observed: [45, 50, 55, 60, 58], status: "ok", regressed: false },
    { name: "above 80 for three points in a row regresses", observed: [50, 85, 86, 90, 40], status: "regressed", regressed: true },
    { name: "above 80 twice, not in a row, does not (16 -> 4 vCPU predicts x4)", observed: [82, 50, 85, 40, 60, 83], status: "ok", regressed: false, rise: 4 },
    { name: "p95 beyond x2 plus 25 % regresses without touching 80", observed: [76, 78, 79, 77, 78], status: "regressed", regressed: true },
    { name: "too few points is insufficient data", observed: [50, 55], status: "insufficient-data", regressed: false }
  ]
  for (const c of cases) {
    it(c.name, () => {
      const a = compare(cpu, baseline, series(c.observed), { ...halved, expectedRise: c.rise ?? halved.expectedRise })
      expect(a.status).toBe(c.status)
      expect(a.comparison.regressed).toBe(c.regressed)
      expect(a.comparison.baseline).toBe(30)
      expect(a.comparison.threshold).toBe(80)
      expect(a.reasons.length > 0).toBe(c.status !== "ok")
    })
  }
  it("without a resize the same rise is a regression", () => {
    expect(compare(cpu, baseline, series([45, 50, 55, 60, 58])).status).toBe("regressed")
  })
  it("a quiet instance rising a few points is not a regression (absolute slack)", () => {
    const quiet = baselineFrom(series([3, 4, 4, 5]))
    expect(compare(cpu, quiet, series([12, 14, 13, 14]), halved).status).toBe("ok")
  })
  it("sustained breach counts even with a short baseline", () => {
    const a = compare(cpu, baselineFrom([]), series([90, 91, 92]), halved)
    expect(a.status).toBe("regressed")
  })
})

describe("compareCost", () => {
  const subject: Subject = { ...cpu, namespace: "Miyabi/Cost", metric: "EstimatedMonthlyCost" }
  it("regresses only above the target", () => {
    expect(compareCost(subject, MicroUsd.make(280_000_000), MicroUsd.make(140_000_000), MicroUsd.make(140_000_000)).status).toBe("ok")
    const over = compareCost(subject, MicroUsd.make(280_000_000), MicroUsd.make(140_000_001), MicroUsd.make(140_000_000))
    expect(over.status).toBe("regressed")
    expect(over.comparison).toMatchObject({ baseline: 280_000_000, observed: 140_000_001, threshold: 140_000_000, regressed: true })
  })
})
