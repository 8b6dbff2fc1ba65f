/**
 * The fleet's KPIs from task records, against SPEC.md section 5: tasks/day
 * per worker (>= 96), p99 task latency (< 30 min), success rate (>= 95 %),
 * error rate (<= 0.5 %), and the dead-lettered count. Pure: the records and
 * the window in, the report out.
 *
 * Definitions (the records keep no worker id once a lease ends, so workers
 * are counted by busy time unless the fleet size is given):
 * - window: tasks that finished (Completed or Failed) in [now - since, now]
 * - latency: createdAt -> finishedAt of completed tasks (queue wait included)
 * - success rate: completed / (completed + dead-lettered)
 * - error rate: failed attempts / all attempts (a retried task's earlier attempts failed)
 * - tasks/day per worker: with `workers`, completed per day of the window / workers;
 *   else completed / worker-days busy (sum of startedAt -> finishedAt), i.e. per fully busy worker
 */
import type { Task } from "@miyabi/types"

export type KpiName = "tasksPerWorkerDay" | "p50LatencySeconds" | "p99LatencySeconds" | "successRate" | "errorRate" | "deadLettered"

export interface KpiTarget {
  readonly op: ">=" | "<" | "<="
  readonly value: number
  readonly text: string
}

export interface KpiRow {
  readonly name: KpiName
  readonly label: string
  /** null when the window has no data for it. */
  readonly value: number | null
  readonly target: KpiTarget | null
  /** null without a target or without data. */
  readonly pass: boolean | null
}

export interface KpiReport {
  readonly from: Date
  readonly to: Date
  readonly completed: number
  readonly deadLettered: number
  readonly attempts: number
  readonly busyHours: number
  readonly workersBasis: string
  readonly rows: ReadonlyArray<KpiRow>
}

export interface KpiOptions {
  readonly now: Date
  readonly sinceMs: number
  /** The fleet size over the window, when known; else workers are counted by busy time. */
  readonly workers?: number
}

/** SPEC.md section 5. */
export const TARGETS: Readonly<Partial<Record<KpiName, KpiTarget>>> = {
  tasksPerWorkerDay: { op: ">=", value: 96, text: ">= 96" },
  p99LatencySeconds: { op: "<", value: 30 * 60, text: "< 30 min" },
  successRate: { op: ">=", value: 0.95, text: ">= 95 %" },
  errorRate: { op: "<=", value: 0.005, text: "<= 0.5 %" }
}

const DAY_MS = 86_400_000

/** Nearest-rank percentile of ascending `sorted`; undefined when empty. */
export const percentile = (sorted: ReadonlyArray<number>, p: number): number | undefined =>
  sorted.length === 0 ? undefined : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]

const meets = (target: KpiTarget, value: number): boolean =>
  target.op === ">=" ? value >= target.value : target.op === "<" ? value < target.value : value <= target.value

const row = (name: KpiName, label: string, value: number | undefined): KpiRow => {
  const target = TARGETS[name] ?? null
  const known = value === undefined || !Number.isFinite(value) ? null : value
  return { name, label, value: known, target, pass: target === null || known === null ? null : meets(target, known) }
}

export const computeKpis = (tasks: ReadonlyArray<Task>, options: KpiOptions): KpiReport => {
  const to = options.now
  const from = new Date(to.getTime() - options.sinceMs)
  const inWindow = tasks.filter(
    (task) =>
      (task.status === "Completed" || task.status === "Failed") &&
      task.finishedAt !== undefined &&
      task.finishedAt.getTime() >= from.getTime() &&
      task.finishedAt.getTime() <= to.getTime()
  )
  const completed = inWindow.filter((task) => task.status === "Completed")
  const deadLettered = inWindow.length - completed.length
  const attempts = inWindow.reduce((sum, task) => sum + Math.max(task.attempts, 1), 0)
  const failedAttempts = attempts - completed.length
  const busyMs = inWindow.reduce(
    (sum, task) => sum + (task.startedAt === undefined || task.finishedAt === undefined ? 0 : Math.max(0, task.finishedAt.getTime() - task.startedAt.getTime())),
    0
  )
  const latencies = completed.map((task) => (task.finishedAt!.getTime() - task.createdAt.getTime()) / 1000).sort((a, b) => a - b)
  const perWorkerDay =
    options.workers !== undefined
      ? options.sinceMs > 0 && options.workers > 0
        ? completed.length / (options.sinceMs / DAY_MS) / options.workers
        : undefined
      : busyMs > 0
        ? completed.length / (busyMs / DAY_MS)
        : undefined
  return {
    from,
    to,
    completed: completed.length,
    deadLettered,
    attempts,
    busyHours: busyMs / 3_600_000,
    workersBasis:
      options.workers !== undefined
        ? `${options.workers} workers over the whole window (--workers)`
        : "workers counted by busy time (sum of startedAt -> finishedAt; records keep no worker id after a lease ends)",
    rows: [
      row("tasksPerWorkerDay", "tasks/day per worker", perWorkerDay),
      row("p50LatencySeconds", "p50 task latency", percentile(latencies, 50)),
      row("p99LatencySeconds", "p99 task latency", percentile(latencies, 99)),
      row("successRate", "success rate", inWindow.length === 0 ? undefined : completed.length / inWindow.length),
      row("errorRate", "error rate (failed attempts)", attempts === 0 ? undefined : failedAttempts / attempts),
      row("deadLettered", "dead-lettered", deadLettered)
    ]
  }
}

/** "7d", "24h", "90m", "2w" -> milliseconds. */
export const parseSince = (text: string): number | undefined => {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d|w)\s*$/i.exec(text)
  if (match === null) return undefined
  const value = Number(match[1])
  const unit = match[2]!.toLowerCase()
  const ms = value * (unit === "w" ? 7 * DAY_MS : unit === "d" ? DAY_MS : unit === "h" ? 3_600_000 : 60_000)
  return ms > 0 ? ms : undefined
}

/** A value as people read it. */
export const formatValue = (row: KpiRow): string => {
  if (row.value === null) return "n/a"
  switch (row.name) {
    case "p50LatencySeconds":
    case "p99LatencySeconds":
      return `${(row.value / 60).toFixed(1)} min`
    case "successRate":
    case "errorRate":
      return `${(row.value * 100).toFixed(2)} %`
    case "tasksPerWorkerDay":
      return row.value.toFixed(1)
    case "deadLettered":
      return String(row.value)
  }
}
