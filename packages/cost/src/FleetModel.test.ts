import { describe, expect, it } from "@effect/vitest"
import { MicroUsd } from "@miyabi/types"
import { estimate, FARGATE_US_EAST_1, type FargatePricing, type FleetScenario, workerHourNanos } from "./FleetModel.js"

/**
 * The SPEC's scale points (SPEC.md section 3) and the scenario that
 * reproduces each. The 500-worker point is not 500 standard workers: those
 * would do 48,000 tasks/day for $14,573/month. Its own figures (100,000+
 * tasks/day, ~$30,000/month) match ~1,000 standard-worker equivalents, so we
 * read it as 500 medium workers (1 vCPU / 2 GB) each running two standard
 * (15-minute) tasks at once: 96,000/day, $29,145.60/month, within 5 %.
 */
const SCALE_POINTS: ReadonlyArray<{
  readonly label: string
  readonly scenario: FleetScenario
  readonly spec: { tasksPerDay: number; monthlyUsd: number; perTaskUsd: number }
  /** Relative tolerance of tasks/day and monthly cost; cost per task within 2 %. */
  readonly tolerance: number
}> = [
  { label: "1 worker", scenario: { workers: 1, size: "standard", capacity: "on-demand" }, spec: { tasksPerDay: 96, monthlyUsd: 29, perTaskUsd: 0.3 }, tolerance: 0.01 },
  { label: "100 workers", scenario: { workers: 100, size: "standard", capacity: "on-demand" }, spec: { tasksPerDay: 9_600, monthlyUsd: 2_915, perTaskUsd: 0.23 }, tolerance: 0.01 },
  {
    label: "500 workers",
    scenario: { workers: 500, size: "medium", capacity: "on-demand", taskMinutes: 15, concurrency: 2 },
    spec: { tasksPerDay: 100_000, monthlyUsd: 30_000, perTaskUsd: 0.2 },
    tolerance: 0.05
  }
]

const within = (actual: number, expected: number, tolerance: number) => Math.abs(actual - expected) / expected <= tolerance

describe("FleetModel", () => {
  it("reproduces the SPEC's scale points within the stated tolerances", () => {
    const rows = SCALE_POINTS.map(({ label, scenario, spec, tolerance }) => {
      const model = estimate(scenario)
      expect(within(model.tasksPerDay, spec.tasksPerDay, tolerance)).toBe(true)
      expect(within(model.fleetMonthly / 1e6, spec.monthlyUsd, tolerance)).toBe(true)
      expect(within(model.costPerTask / 1e6, spec.perTaskUsd, 0.02)).toBe(true)
      return {
        point: label,
        "tasks/day model": model.tasksPerDay,
        "tasks/day SPEC": spec.tasksPerDay,
        "fleet $/month model": (model.fleetMonthly / 1e6).toFixed(2),
        "$/month SPEC": spec.monthlyUsd,
        "$/task model": (model.costPerTask / 1e6).toFixed(4),
        "compute $/task": (model.computePerTask / 1e6).toFixed(4),
        "$/task SPEC": spec.perTaskUsd
      }
    })
    console.table(rows)
  })

  it("gives the standard worker 96 tasks a day and $0.04048 an hour under the SPEC's rate", () => {
    const one = estimate({ workers: 1, size: "standard", capacity: "on-demand" })
    expect(one.tasksPerDay).toBe(96)
    expect(one.workerHourly).toBe(40_480)
    expect(one.fleetMonthly).toBe(29_145_600)
  })

  it("prices the standard worker at $0.024685/hour at the us-east-1 list price", () => {
    expect(workerHourNanos("standard", "on-demand", FARGATE_US_EAST_1)).toBe(24_685_000)
    expect(workerHourNanos("light", "on-demand", FARGATE_US_EAST_1)).toBe(12_342_500)
    expect(workerHourNanos("xl", "on-demand", FARGATE_US_EAST_1)).toBe(197_480_000)
  })

  it("makes Spot 70 % cheaper and leaves tasks/day alone", () => {
    const onDemand = estimate({ workers: 100, size: "standard", capacity: "on-demand" })
    const spot = estimate({ workers: 100, size: "standard", capacity: "spot" })
    expect(spot.tasksPerDay).toBe(onDemand.tasksPerDay)
    expect(spot.fleetMonthly).toBe(Math.round(onDemand.fleetMonthly * 0.3))
  })

  it("scales tasks with size, utilization and concurrency, and adds fixed cost per task", () => {
    expect(estimate({ workers: 2, size: "light", capacity: "on-demand" }).tasksPerDay).toBe(576)
    expect(estimate({ workers: 2, size: "heavy", capacity: "on-demand", utilizationPercent: 50 }).tasksPerDay).toBe(48)
    const withFixed = estimate({ workers: 1, size: "standard", capacity: "on-demand", fixedMonthly: MicroUsd.make(288_000_000), externalTiers: [] })
    expect(withFixed.totalMonthly).toBe(29_145_600 + 288_000_000)
    expect(withFixed.costPerTask).toBe(Math.round((29_145_600 + 288_000_000) / 2880))
  })

  it("costs nothing per task when no task is done", () => {
    const idle = estimate({ workers: 0, size: "standard", capacity: "on-demand" })
    expect(idle.tasksPerMonth).toBe(0)
    expect(idle.costPerTask).toBe(0)
  })
  it("rounds a worker's hourly price half up at each step, on-demand then Spot", () => {
    // 10 nano-dollars per vCPU-hour: light (0.25 vCPU) is 2.5 -> 3; standard (0.5 vCPU) is 5, Spot 30 % of 5 = 1.5 -> 2.
    const tiny: FargatePricing = { name: "tiny", vcpuHourNanos: 10, gbHourNanos: 0, spotPercent: 30 }
    expect(workerHourNanos("light", "on-demand", tiny)).toBe(3)
    expect(workerHourNanos("standard", "spot", tiny)).toBe(2)
    // 4 nano-dollars per vCPU-hour: light is 1 nano/hour, 720 hours = 0.72 micro-dollars -> 1 (floor would bill nothing).
    expect(estimate({ workers: 1, size: "light", capacity: "on-demand", pricing: { ...tiny, vcpuHourNanos: 4 } }).fleetMonthly).toBe(1)
    // Light at list price: 12,342,500 nano-dollars = 12,342.5 micro-dollars an hour -> 12,343.
    expect(estimate({ workers: 1, size: "light", capacity: "on-demand", pricing: FARGATE_US_EAST_1 }).workerHourly).toBe(12_343)
  })

  it("counts only whole tasks a day", () => {
    // 7-minute tasks: 1,440 / 7 = 205.7 a day -> 205 whole tasks (rounding would promise 206).
    expect(estimate({ workers: 1, size: "standard", capacity: "on-demand", taskMinutes: 7 }).tasksPerDay).toBe(205)
  })

  it("applies a volume tier up to and including its limit", () => {
    // One standard worker does 96 x 30 = 2,880 tasks a month: exactly the first tier's limit, so 100 micro-dollars each.
    const tiers = [
      { upToTasksPerMonth: 2_880, perTask: MicroUsd.make(100) },
      { upToTasksPerMonth: Number.POSITIVE_INFINITY, perTask: MicroUsd.make(50) }
    ]
    expect(estimate({ workers: 1, size: "standard", capacity: "on-demand", externalTiers: tiers }).externalMonthly).toBe(2_880 * 100)
  })

  it("rounds cost per task to the nearest micro-dollar and keeps compute per task to the fleet alone", () => {
    // Fleet 29,145,600 + fixed 1,440 = 29,147,040 over 2,880 tasks = 10,120.5 -> 10,121; fleet alone 29,145,600 / 2,880 = 10,120.
    const e = estimate({ workers: 1, size: "standard", capacity: "on-demand", fixedMonthly: MicroUsd.make(1_440), externalTiers: [] })
    expect(e.costPerTask).toBe(10_121)
    expect(e.computePerTask).toBe(10_120)
  })
})
