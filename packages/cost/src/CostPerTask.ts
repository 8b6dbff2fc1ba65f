/**
 * Cost per task from task records: each task's modelled cost (duration x its
 * size's Fargate rate) is only a weight; the fleet's real cost for the period
 * is split across tasks in proportion to it, so the per-task costs sum to the
 * fleet cost exactly (largest remainder, see Apportion.ts). Idle capacity is
 * thereby charged to the tasks that ran; with no tasks the fleet cost is
 * reported as unattributed rather than dropped.
 */
import { MicroUsd } from "@miyabi/types"
import { apportion, compareIds } from "./Apportion.js"
import { type FargatePricing, FARGATE_US_EAST_1, type TaskSize, workerHourNanos } from "./FleetModel.js"

export interface TaskRecord {
  readonly taskId: string
  /** The customer (tenant) the task was done for; "(none)" when absent. */
  readonly customer?: string
  readonly size: TaskSize
  readonly capacity?: "on-demand" | "spot"
  readonly durationMs: number
}

export interface TaskCost {
  readonly taskId: string
  readonly customer: string
  /** Duration x size x price, in nano-dollars (the weight). */
  readonly modelledNanos: bigint
  /** This task's share of the fleet's real cost. */
  readonly cost: MicroUsd
}

export interface CustomerTaskCost {
  readonly customer: string
  readonly tasks: number
  readonly cost: MicroUsd
  readonly perTask: MicroUsd
}

export interface PerTaskCosts {
  readonly fleetCost: MicroUsd
  readonly tasks: ReadonlyArray<TaskCost>
  readonly customers: ReadonlyArray<CustomerTaskCost>
  /** Fleet cost / tasks, rounded; the SPEC's "cost per issue". */
  readonly averagePerTask: MicroUsd
  /** Sum of modelled costs: what the tasks would cost at list price with no idle time. */
  readonly modelled: MicroUsd
  /** Fleet cost not charged to any task (only when no task has a positive duration). */
  readonly unattributed: MicroUsd
}

export const NO_CUSTOMER = "(none)"

/** Apportion ids by position, so equal remainders go to earlier records and duplicate task ids are harmless. */
const slot = (index: number): string => String(index).padStart(12, "0")

/** Modelled cost of one task in nano-dollars. */
export const modelledNanos = (task: TaskRecord, pricing: FargatePricing): bigint =>
  (BigInt(Math.max(0, Math.round(task.durationMs))) * BigInt(workerHourNanos(task.size, task.capacity ?? "on-demand", pricing))) / 3_600_000n

/** Reconciles task records to the fleet's real cost for the same period. */
export const perTaskCosts = (
  records: ReadonlyArray<TaskRecord>,
  fleetCost: MicroUsd,
  pricing: FargatePricing = FARGATE_US_EAST_1
): PerTaskCosts => {
  const weighted = records.map((task) => ({ task, weight: modelledNanos(task, pricing) }))
  const totalWeight = weighted.reduce((sum, w) => sum + w.weight, 0n)
  const shares = totalWeight > 0n ? apportion(fleetCost, weighted.map(({ weight }, i) => ({ id: slot(i), weight }))) : undefined
  const tasks: Array<TaskCost> = weighted.map(({ task, weight }, i) => ({
    taskId: task.taskId,
    customer: task.customer ?? NO_CUSTOMER,
    modelledNanos: weight,
    cost: MicroUsd.make(shares?.get(slot(i)) ?? 0)
  }))
  const byCustomer = new Map<string, { tasks: number; cost: number }>()
  for (const task of tasks) {
    const entry = byCustomer.get(task.customer) ?? { tasks: 0, cost: 0 }
    entry.tasks += 1
    entry.cost += task.cost
    byCustomer.set(task.customer, entry)
  }
  return {
    fleetCost,
    tasks,
    customers: [...byCustomer.entries()]
      .sort(([a], [b]) => compareIds(a, b))
      .map(([customer, { tasks: n, cost }]) => ({ customer, tasks: n, cost: MicroUsd.make(cost), perTask: MicroUsd.make(Math.round(cost / n)) })),
    averagePerTask: MicroUsd.make(records.length === 0 ? 0 : Math.round(fleetCost / records.length)),
    modelled: MicroUsd.make(Number(totalWeight / 1000n)),
    unattributed: MicroUsd.make(shares === undefined ? fleetCost : 0)
  }
}
