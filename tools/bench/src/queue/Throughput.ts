/**
 * The arithmetic and the table of the queue benchmark, kept pure so it can
 * be tested without starting anything.
 */
export type Backend = "sqlite" | "bullmq"

export interface RunResult {
  readonly backend: Backend
  readonly workers: number
  readonly tasks: number
  /** Time to enqueue every task, one at a time, from one producer. */
  readonly enqueueMs: number
  /** Time from releasing the workers to the last completion. */
  readonly drainMs: number
  /**
   * CPU time spent on claim + complete: every worker process, plus the
   * server's (redis) for BullMQ. Unlike wall time it hardly depends on what
   * else the machine is doing.
   */
  readonly drainCpuMs: number
}

/** Tasks per second over `ms` milliseconds (0 when nothing was measured). */
export const perSecond = (tasks: number, ms: number): number => (ms > 0 ? (tasks * 1_000) / ms : 0)

/** enqueue + claim + complete: every task's whole trip through the queue. */
export const overall = (result: RunResult): number => perSecond(result.tasks, result.enqueueMs + result.drainMs)

const cell = (value: string, width: number) => value.padStart(width)
const rate = (value: number) => `${Math.round(value).toLocaleString("en-US")}/s`

/** CPU milliseconds per task for claim + complete. */
export const cpuPerTask = (result: RunResult): number => (result.tasks > 0 ? result.drainCpuMs / result.tasks : 0)

/** One line per backend and worker count, then the SQLite / BullMQ ratios per worker count. */
export const table = (results: ReadonlyArray<RunResult>): string => {
  const lines = [
    `${"backend".padEnd(8)}${cell("workers", 9)}${cell("tasks", 8)}${cell("enqueue", 12)}${cell("claim+complete", 16)}${cell("overall", 12)}${cell("CPU ms/task", 13)}`
  ]
  for (const r of results) {
    lines.push(
      `${r.backend.padEnd(8)}${cell(String(r.workers), 9)}${cell(String(r.tasks), 8)}${cell(rate(perSecond(r.tasks, r.enqueueMs)), 12)}${cell(rate(perSecond(r.tasks, r.drainMs)), 16)}${cell(rate(overall(r)), 12)}${cell(cpuPerTask(r).toFixed(3), 13)}`
    )
  }
  lines.push("", "SQLite / BullMQ: overall tasks/s (above 1: SQLite is faster); CPU per claim+complete, workers and server (below 1: SQLite is cheaper):")
  const workerCounts = [...new Set(results.map((r) => r.workers))].sort((a, b) => a - b)
  for (const workers of workerCounts) {
    const sqlite = results.find((r) => r.backend === "sqlite" && r.workers === workers)
    const bullmq = results.find((r) => r.backend === "bullmq" && r.workers === workers)
    const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}x` : "n/a")
    const speed = sqlite !== undefined && bullmq !== undefined ? ratio(overall(sqlite), overall(bullmq)) : "n/a"
    const cost = sqlite !== undefined && bullmq !== undefined ? ratio(cpuPerTask(sqlite), cpuPerTask(bullmq)) : "n/a"
    lines.push(`  ${String(workers).padStart(2)} worker(s): ${speed} tasks/s, ${cost} CPU per task`)
  }
  return lines.join("\n")
}
