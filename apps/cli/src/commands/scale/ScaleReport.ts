/**
 * What `miyabi scale simulate` reports: a simulation result from the queue's
 * Scaling simulator, priced with the fleet cost model of @miyabi/cost, and
 * compared with SPEC.md (96 tasks/day per worker; 100 workers for 9,600/day;
 * p99 under 30 min). Pure: no I/O.
 */
import { FleetModel } from "@miyabi/cost"
import type { Scaling } from "@miyabi/queue"
import { MicroUsd } from "@miyabi/types"

export type Capacity = "on-demand" | "spot"

export interface ScaleSummary {
  readonly arrived: number
  readonly completed: number
  readonly unfinished: number
  readonly days: number
  readonly maxWorkers: number
  readonly maxDesired: number
  /** Seconds from the start until the fleet first reached its highest size; null without scale-out. */
  readonly secondsToMaxWorkers: number | null
  readonly waitSeconds: { readonly p50: number; readonly p99: number; readonly max: number }
  readonly workerHours: number
  readonly utilization: number
  /** Completed tasks per billed worker-day (the SPEC's "tasks/day per worker"). */
  readonly tasksPerWorkerDay: number
  readonly scaleEvents: { readonly total: number; readonly out: number; readonly in: number; readonly first: ReadonlyArray<Scaling.ScaleEvent> }
  readonly cost: {
    readonly pricing: string
    readonly capacity: Capacity
    readonly workerHourly: MicroUsd
    /** Billed worker-hours x the worker's hourly price. */
    readonly fleet: MicroUsd
    readonly computePerTask: MicroUsd
    /** Cost outside the fleet per task (the model's volume tier for this run's monthly rate). */
    readonly externalPerTask: MicroUsd
    readonly costPerTask: MicroUsd
  }
}

/** The SPEC's numbers for the comparison line. */
export const SPEC_TARGETS = { tasksPerWorkerDay: 96, workersFor9600: 100, p99WaitSeconds: 30 * 60, costPerTaskAt100: MicroUsd.make(230_000) } as const

const FIRST_EVENTS = 5

/** Hourly price of one worker of the policy's size, in nano-dollars. */
export const workerHourNanos = (worker: { readonly vcpu: number; readonly memoryGiB: number }, capacity: Capacity, pricing: FleetModel.FargatePricing): number => {
  const onDemand = Math.round(worker.vcpu * pricing.vcpuHourNanos + worker.memoryGiB * pricing.gbHourNanos)
  return capacity === "spot" ? Math.round((onDemand * pricing.spotPercent) / 100) : onDemand
}

export const summarize = (
  result: Scaling.SimulationResult,
  options: { readonly capacity: Capacity; readonly pricing?: FleetModel.FargatePricing }
): ScaleSummary => {
  const pricing = options.pricing ?? FleetModel.SPEC_PRICING
  const hourNanos = workerHourNanos(result.worker, options.capacity, pricing)
  const fleet = Math.round((result.workerHours * hourNanos) / 1000)
  const days = result.durationSeconds / 86_400
  const perMonth = days === 0 ? 0 : Math.round((result.completed / days) * FleetModel.DAYS_PER_MONTH)
  const external = FleetModel.SPEC_EXTERNAL_COST_TIERS.find((tier) => perMonth <= tier.upToTasksPerMonth)?.perTask ?? 0
  const computePerTask = result.completed === 0 ? 0 : Math.round(fleet / result.completed)
  const atMax = result.scaleEvents.find((event) => event.to >= result.maxDesired && event.adjustment > 0)
  return {
    arrived: result.arrived,
    completed: result.completed,
    unfinished: result.unfinished,
    days,
    maxWorkers: result.maxWorkers,
    maxDesired: result.maxDesired,
    secondsToMaxWorkers: atMax === undefined ? null : atMax.at,
    waitSeconds: { p50: result.waitSeconds.p50, p99: result.waitSeconds.p99, max: result.waitSeconds.max },
    workerHours: result.workerHours,
    utilization: result.utilization,
    tasksPerWorkerDay: result.tasksPerWorkerDay,
    scaleEvents: {
      total: result.scaleEvents.length,
      out: result.scaleEvents.filter((event) => event.adjustment > 0).length,
      in: result.scaleEvents.filter((event) => event.adjustment < 0).length,
      first: result.scaleEvents.slice(0, FIRST_EVENTS)
    },
    cost: {
      pricing: pricing.name,
      capacity: options.capacity,
      workerHourly: MicroUsd.make(Math.round(hourNanos / 1000)),
      fleet: MicroUsd.make(fleet),
      computePerTask: MicroUsd.make(computePerTask),
      externalPerTask: MicroUsd.make(external),
      costPerTask: MicroUsd.make(computePerTask + external)
    }
  }
}

const usd = (micros: number, digits = 4): string => `$${(micros / 1_000_000).toFixed(digits)}`
const minutes = (seconds: number): string => `${(seconds / 60).toFixed(1)} min`

/** One line setting the run beside the SPEC's figures. */
export const specComparison = (summary: ScaleSummary): string =>
  `workers reached ${summary.maxWorkers} (SPEC ${SPEC_TARGETS.workersFor9600} for 9,600/day), ` +
  `${summary.tasksPerWorkerDay.toFixed(1)} tasks/day per worker (SPEC ${SPEC_TARGETS.tasksPerWorkerDay}), ` +
  `cost per task ${usd(summary.cost.costPerTask, 3)} (SPEC ${usd(SPEC_TARGETS.costPerTaskAt100, 2)} at 100 workers), ` +
  `p99 wait ${minutes(summary.waitSeconds.p99)} (SPEC < 30 min latency)`

const clock = (seconds: number): string => {
  const s = Math.round(seconds)
  const d = Math.floor(s / 86_400)
  const hms = new Date((s % 86_400) * 1000).toISOString().slice(11, 19)
  return d === 0 ? hms : `${d}d ${hms}`
}

/** The text block for people: fields, the first scale events, the SPEC line. */
export const renderSummary = (summary: ScaleSummary): ReadonlyArray<readonly [string, string]> => [
  ["tasks", `${summary.completed} of ${summary.arrived} completed${summary.unfinished > 0 ? `, ${summary.unfinished} unfinished` : ""} over ${summary.days.toFixed(2)} days`],
  ["queue wait", `p50 ${minutes(summary.waitSeconds.p50)}, p99 ${minutes(summary.waitSeconds.p99)}, max ${minutes(summary.waitSeconds.max)}`],
  ["workers", `max ${summary.maxWorkers} (desired ${summary.maxDesired})${summary.secondsToMaxWorkers === null ? "" : `, reached at ${clock(summary.secondsToMaxWorkers)}`}`],
  ["worker-hours", `${summary.workerHours.toFixed(1)} (utilization ${(summary.utilization * 100).toFixed(1)} %)`],
  ["tasks/day/worker", summary.tasksPerWorkerDay.toFixed(1)],
  [
    "scale events",
    `${summary.scaleEvents.total} (${summary.scaleEvents.out} out, ${summary.scaleEvents.in} in)` +
      summary.scaleEvents.first.map((e) => `; ${clock(e.at)} ${e.rule} ${e.adjustment > 0 ? "+" : ""}${e.adjustment} -> ${e.to}`).join("") +
      (summary.scaleEvents.total > summary.scaleEvents.first.length ? "; ..." : "")
  ],
  [
    "cost",
    `fleet ${usd(summary.cost.fleet, 2)} (${usd(summary.cost.workerHourly, 5)}/worker-hour, ${summary.cost.capacity}); per task ${usd(summary.cost.costPerTask)} = compute ${usd(summary.cost.computePerTask)} + outside the fleet ${usd(summary.cost.externalPerTask)}`
  ],
  ["pricing", summary.cost.pricing],
  ["SPEC", specComparison(summary)]
]
