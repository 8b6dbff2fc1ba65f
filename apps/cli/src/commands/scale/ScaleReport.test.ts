import { FleetModel } from "@miyabi/cost"
import { Scaling } from "@miyabi/queue"
import { describe, expect, it } from "vitest"
import { parseDelayRange } from "./ScaleHandlers.js"
import { renderSummary, specComparison, summarize, workerHourNanos } from "./ScaleReport.js"

const fifteenMinutes = { kind: "fixed", seconds: 900 } as const
const run = (perDay: number, policy: Scaling.ScalingPolicy = Scaling.specPolicy) =>
  Scaling.simulate({
    policy,
    arrivals: Scaling.generateArrivals({ kind: "uniform", perDay, days: 1 }, 1),
    service: fifteenMinutes,
    startDelaySeconds: { min: 60, max: 90 },
    seed: 1
  })

describe("ScaleReport", () => {
  it("prices the SPEC worker at $0.04048/hour on-demand and 30 % of it on Spot", () => {
    expect(workerHourNanos(Scaling.specPolicy.worker, "on-demand", FleetModel.SPEC_PRICING)).toBe(40_480_000)
    expect(workerHourNanos(Scaling.specPolicy.worker, "spot", FleetModel.SPEC_PRICING)).toBe(12_144_000)
  })

  it("reproduces the SPEC at 9,600/day: 100 workers, about 96 tasks/day per worker, about $0.23 per task", () => {
    const summary = summarize(run(9600), { capacity: "on-demand" })
    expect(summary.completed).toBe(9600)
    expect(summary.maxWorkers).toBe(100)
    expect(summary.tasksPerWorkerDay).toBeGreaterThan(90)
    expect(summary.tasksPerWorkerDay).toBeLessThanOrEqual(96)
    expect(summary.waitSeconds.p99).toBeLessThan(30 * 60)
    // Fleet cost is worker-hours x the hourly price, rounded once.
    expect(summary.cost.fleet).toBe(Math.round((summary.workerHours * 40_480_000) / 1000))
    expect(summary.cost.costPerTask).toBe(summary.cost.computePerTask + summary.cost.externalPerTask)
    // 9,600 x 30 = 288,000 tasks a month: the model's middle tier.
    expect(summary.cost.externalPerTask).toBe(220_000)
    expect(summary.cost.costPerTask).toBeGreaterThanOrEqual(225_000)
    expect(summary.cost.costPerTask).toBeLessThanOrEqual(235_000)
    expect(summary.scaleEvents.out).toBeGreaterThan(0)
    expect(summary.scaleEvents.first.length).toBeLessThanOrEqual(5)
    expect(specComparison(summary)).toMatch(/^workers reached 100 \(SPEC 100 for 9,600\/day\), 9\d\.\d tasks\/day per worker \(SPEC 96\), cost per task \$0\.23\d/)
    expect(renderSummary(summary).map(([label]) => label)).toEqual(["tasks", "queue wait", "workers", "worker-hours", "tasks/day/worker", "scale events", "cost", "pricing", "SPEC"])
  })

  it("one worker at 96/day never scales and costs its hour rate per four tasks", () => {
    const summary = summarize(run(96), { capacity: "spot" })
    expect(summary).toMatchObject({ completed: 96, maxWorkers: 1, secondsToMaxWorkers: null, scaleEvents: { total: 0 } })
    expect(summary.cost.workerHourly).toBe(12_144)
    expect(summary.cost.computePerTask).toBe(Math.round(Math.round((summary.workerHours * 12_144_000) / 1000) / 96))
  })

  it.each([
    ["60-90s", { min: 60, max: 90 }],
    ["60s-90s", { min: 60, max: 90 }],
    ["1-2m", { min: 60, max: 120 }],
    ["75s", { min: 75, max: 75 }],
    ["90-60s", undefined],
    ["soon", undefined],
    ["1-2-3s", undefined],
    ["-5s", undefined]
  ])("parses the start delay %s", (text, expected) => {
    expect(parseDelayRange(text)).toEqual(expected)
  })
})
