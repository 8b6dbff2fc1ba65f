/**
 * Human views of tasks, executions, logs and queue stats.
 */
import type { QueueStats, Task, TaskExecution, TaskLog } from "@miyabi/types"
import { renderFields, renderTable } from "./Table.js"

const time = (date: Date | undefined): string | undefined => (date === undefined ? undefined : date.toISOString())

const compact = (value: unknown, max = 60): string => {
  const text = JSON.stringify(value) ?? "undefined"
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}

export const taskTable = (tasks: ReadonlyArray<Task>, colour: boolean): string =>
  tasks.length === 0
    ? "no tasks"
    : renderTable(
        ["id", "kind", "priority", "status", "attempts", "tenant", "created"],
        tasks.map((task) => [task.id, task.kind, task.priority, task.status, task.attempts, task.tenant, time(task.createdAt)]),
        { colour }
      )

export const taskFields = (task: Task): string =>
  renderFields([
    ["id", task.id],
    ["kind", task.kind],
    ["status", task.status],
    ["priority", task.priority],
    ["tenant", task.tenant],
    ["idempotency key", task.idempotencyKey],
    ["attempts", `${task.attempts} of ${task.maxAttempts}`],
    ["created", time(task.createdAt)],
    ["available", time(task.availableAt)],
    ["started", time(task.startedAt)],
    ["finished", time(task.finishedAt)],
    ["lease", task.lease === undefined ? undefined : `${task.lease.workerId} until ${time(task.lease.expiresAt)}`],
    ["last error", task.lastError === undefined ? undefined : `attempt ${task.lastError.attempt}: ${task.lastError.message}`],
    ["payload", compact(task.payload, 200)],
    ["result", task.result === undefined ? undefined : compact(task.result, 200)]
  ])

export const executionTable = (executions: ReadonlyArray<TaskExecution>, colour: boolean): string =>
  renderTable(
    ["phase", "attempt", "status", "started", "finished", "output"],
    executions.map((e) => [e.phase, e.attempt, e.status, time(e.startedAt), time(e.finishedAt), e.output === undefined ? undefined : compact(e.output)]),
    { colour }
  )

export const logLines = (logs: ReadonlyArray<TaskLog>): string =>
  logs.map((log) => `${log.at.toISOString()} ${log.level.padEnd(5)} ${log.message}`).join("\n")

export const statsTable = (stats: QueueStats, colour: boolean): string =>
  [
    renderTable(
      ["lane", "depth", "in flight", "oldest waiting"],
      stats.lanes.map((lane) => [lane.priority, lane.depth, lane.inFlight, lane.depth === 0 ? undefined : duration(lane.oldestAgeMs)]),
      { colour }
    ),
    "",
    renderFields([
      ["completed", stats.completed],
      ["failed (dead-lettered)", stats.failed],
      ["cancelled", stats.cancelled]
    ])
  ].join("\n")

/** 950 ms, 12.3 s, 4 min 05 s, 2 h 03 min. */
export const duration = (ms: number): string => {
  if (ms < 1_000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`
  const seconds = Math.floor(ms / 1_000)
  if (seconds < 3_600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`
  return `${Math.floor(seconds / 3_600)} h ${String(Math.floor((seconds % 3_600) / 60)).padStart(2, "0")} min`
}
