/**
 * The fleet cost model: workers x task size x Fargate price (+ fixed platform
 * cost + per-task cost outside AWS) -> monthly cost, tasks/day, cost per task.
 *
 * Two price books, because the SPEC and the AWS price list disagree:
 * - `FARGATE_US_EAST_1`: AWS Fargate on-demand list prices, Linux/x86,
 *   us-east-1 (https://aws.amazon.com/fargate/pricing/): $0.04048 per
 *   vCPU-hour and $0.004445 per GB-hour. The standard worker (0.5 vCPU, 1 GB)
 *   costs 0.5 x 0.04048 + 1 x 0.004445 = $0.024685/hour at list price.
 * - `SPEC_PRICING`: SPEC.md section 3 says the standard worker costs
 *   "$0.04048/hour", which is the per-vCPU-hour list price charged for the
 *   whole 0.5-vCPU worker (1.64 x its list price). The SPEC's monthly scale
 *   points reproduce only with that rate: 0.04048 x 720 h = $29.15 per worker
 *   month ("$29"), x 100 = $2,914.56 ("$2,915"). So this book charges
 *   $0.08096 per vCPU-hour and nothing per GB: every size costs its vCPUs
 *   times the SPEC's standard rate per half vCPU.
 *
 * Prices are held as integer nano-dollars per hour (1e-9 USD) so that a
 * quarter vCPU or half GB stays exact; results are rounded once to MicroUsd.
 */
import { MicroUsd } from "@miyabi/types"
import { Schema } from "effect"

export const TaskSize = Schema.Literal("light", "standard", "medium", "heavy", "xl")
export type TaskSize = typeof TaskSize.Type

export interface TaskSizeSpec {
  readonly vcpu: number
  readonly memoryGb: number
  /** Typical minutes per task of this size. */
  readonly minutes: number
}

/**
 * SPEC.md section 3: light 0.25/0.5 GB ~5 min, standard 0.5/1 GB ~15 min,
 * medium 1/2 GB, heavy 2/4 GB ~30 min, XL 4/8 GB. The SPEC gives no minutes
 * for medium and XL: 20 and 45 are our assumptions (between their neighbours).
 */
export const TASK_SIZES: Readonly<Record<TaskSize, TaskSizeSpec>> = {
  light: { vcpu: 0.25, memoryGb: 0.5, minutes: 5 },
  standard: { vcpu: 0.5, memoryGb: 1, minutes: 15 },
  medium: { vcpu: 1, memoryGb: 2, minutes: 20 },
  heavy: { vcpu: 2, memoryGb: 4, minutes: 30 },
  xl: { vcpu: 4, memoryGb: 8, minutes: 45 }
}

export interface FargatePricing {
  readonly name: string
  readonly vcpuHourNanos: number
  readonly gbHourNanos: number
  /** Spot price as a fraction of on-demand, in percent. */
  readonly spotPercent: number
}

/** Fargate Spot is "about 70 % cheaper" (SPEC); the real discount floats with demand. */
export const SPOT_PERCENT_OF_ON_DEMAND = 30

export const FARGATE_US_EAST_1: FargatePricing = {
  name: "AWS Fargate list price, Linux/x86, us-east-1",
  vcpuHourNanos: 40_480_000,
  gbHourNanos: 4_445_000,
  spotPercent: SPOT_PERCENT_OF_ON_DEMAND
}

export const SPEC_PRICING: FargatePricing = {
  name: "SPEC.md: $0.04048 per standard (0.5 vCPU) worker-hour",
  vcpuHourNanos: 80_960_000,
  gbHourNanos: 0,
  spotPercent: SPOT_PERCENT_OF_ON_DEMAND
}

/** The SPEC's month: 30 days of 24 hours (720 h reproduces $29 and $2,915). */
export const HOURS_PER_MONTH = 720
export const DAYS_PER_MONTH = 30

/** A worker is busy around the clock (SPEC: 4 tasks/hour -> 96/day). */
export const UTILIZATION_PERCENT = 100

/**
 * Fixed platform cost per month (queue, table, logs, NAT, dashboards). The
 * SPEC's monthly figures are the worker fleet alone, so the SPEC scenario
 * carries none; pass a real figure for a real estate.
 */
export const SPEC_FIXED_PLATFORM_MONTHLY = MicroUsd.make(0)

/** Per-task cost outside the fleet, by monthly task volume (the first tier whose limit is not exceeded applies to all tasks). */
export interface VolumeTier {
  readonly upToTasksPerMonth: number
  readonly perTask: MicroUsd
}

/**
 * Calibrated to the SPEC, not taken from any price list. Under the SPEC's own
 * rate, compute is $0.0101 per standard task at every scale (0.04048 / 4), so
 * the SPEC's cost per task ($0.30, $0.23, $0.20) is almost all cost outside
 * Fargate (in the design: model API calls per issue, cheaper with volume).
 * These tiers are what that remainder must be: ~$0.29 up to 10k tasks/month,
 * $0.22 up to 1M, $0.19 beyond. Replace them with measured numbers.
 */
export const SPEC_EXTERNAL_COST_TIERS: ReadonlyArray<VolumeTier> = [
  { upToTasksPerMonth: 10_000, perTask: MicroUsd.make(290_000) },
  { upToTasksPerMonth: 1_000_000, perTask: MicroUsd.make(220_000) },
  { upToTasksPerMonth: Number.POSITIVE_INFINITY, perTask: MicroUsd.make(190_000) }
]

export interface FleetScenario {
  readonly workers: number
  /** The Fargate task size of each worker. */
  readonly size: TaskSize
  readonly capacity: "on-demand" | "spot"
  /** Minutes per task; the size's typical minutes by default. */
  readonly taskMinutes?: number
  /** Tasks a worker runs at once (1 by default). */
  readonly concurrency?: number
  readonly utilizationPercent?: number
  readonly pricing?: FargatePricing
  readonly fixedMonthly?: MicroUsd
  readonly externalTiers?: ReadonlyArray<VolumeTier>
}

export interface FleetEstimate {
  readonly workerHourly: MicroUsd
  readonly fleetMonthly: MicroUsd
  readonly fixedMonthly: MicroUsd
  readonly externalMonthly: MicroUsd
  readonly totalMonthly: MicroUsd
  readonly tasksPerDay: number
  readonly tasksPerMonth: number
  /** Fleet (Fargate) cost per task. */
  readonly computePerTask: MicroUsd
  /** Everything per task: fleet + fixed + external. */
  readonly costPerTask: MicroUsd
  readonly assumptions: ReadonlyArray<string>
}

/** Nano-dollars per hour for one worker of `size`. */
export const workerHourNanos = (size: TaskSize, capacity: "on-demand" | "spot", pricing: FargatePricing = SPEC_PRICING): number => {
  const spec = TASK_SIZES[size]
  const onDemand = Math.round(spec.vcpu * pricing.vcpuHourNanos + spec.memoryGb * pricing.gbHourNanos)
  return capacity === "spot" ? Math.round((onDemand * pricing.spotPercent) / 100) : onDemand
}

const perTaskFor = (tiers: ReadonlyArray<VolumeTier>, tasks: number): number =>
  tiers.find((tier) => tasks <= tier.upToTasksPerMonth)?.perTask ?? 0

/** Estimates a month of `scenario`. Defaults reproduce the SPEC's assumptions. */
export const estimate = (scenario: FleetScenario): FleetEstimate => {
  const pricing = scenario.pricing ?? SPEC_PRICING
  const size = TASK_SIZES[scenario.size]
  const minutes = scenario.taskMinutes ?? size.minutes
  const concurrency = scenario.concurrency ?? 1
  const utilization = scenario.utilizationPercent ?? UTILIZATION_PERCENT
  const fixed = scenario.fixedMonthly ?? SPEC_FIXED_PLATFORM_MONTHLY
  const tiers = scenario.externalTiers ?? SPEC_EXTERNAL_COST_TIERS
  const hourNanos = workerHourNanos(scenario.size, scenario.capacity, pricing)
  const fleetMonthly = Math.round((scenario.workers * hourNanos * HOURS_PER_MONTH) / 1000)
  const tasksPerDay = Math.floor((scenario.workers * concurrency * ((24 * 60) / minutes) * utilization) / 100)
  const tasksPerMonth = tasksPerDay * DAYS_PER_MONTH
  const externalMonthly = tasksPerMonth * perTaskFor(tiers, tasksPerMonth)
  const totalMonthly = fleetMonthly + fixed + externalMonthly
  const per = (amount: number) => MicroUsd.make(tasksPerMonth === 0 ? 0 : Math.round(amount / tasksPerMonth))
  return {
    workerHourly: MicroUsd.make(Math.round(hourNanos / 1000)),
    fleetMonthly: MicroUsd.make(fleetMonthly),
    fixedMonthly: fixed,
    externalMonthly: MicroUsd.make(externalMonthly),
    totalMonthly: MicroUsd.make(totalMonthly),
    tasksPerDay,
    tasksPerMonth,
    computePerTask: per(fleetMonthly),
    costPerTask: per(totalMonthly),
    assumptions: [
      `pricing: ${pricing.name}${scenario.capacity === "spot" ? `, Spot at ${pricing.spotPercent}% of on-demand` : ""}`,
      `worker: ${scenario.size} (${size.vcpu} vCPU, ${size.memoryGb} GB), ${concurrency} task(s) at a time, ${minutes} min per task, ${utilization}% busy`,
      `month: ${HOURS_PER_MONTH} hours, ${DAYS_PER_MONTH} days`,
      `fixed platform cost: ${fixed / 1_000_000} USD/month`,
      `cost outside the fleet: ${perTaskFor(tiers, tasksPerMonth) / 1_000_000} USD per task at ${tasksPerMonth} tasks/month`
    ]
  }
}
