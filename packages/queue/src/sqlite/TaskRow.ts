/**
 * Rows of the SQLite store and their mapping to the domain's schemas.
 */
import { IdempotencyKey, Lease, Task, TaskError, TaskExecution, TaskId, TaskKind, TaskLog, WorkerId, type Priority, type TaskStatus } from "@miyabi/types"

export interface TaskRow {
  readonly seq: number
  readonly id: string
  readonly kind: string
  readonly payload: string
  readonly priority: number
  readonly tenant: string | null
  readonly idempotency_key: string | null
  readonly status: TaskStatus
  readonly attempts: number
  readonly max_attempts: number
  readonly created_at: number
  readonly updated_at: number
  readonly available_at: number
  readonly started_at: number | null
  readonly finished_at: number | null
  readonly lease_worker: string | null
  readonly lease_token: string | null
  readonly lease_expires_at: number | null
  readonly last_error: string | null
  readonly result: string | null
}

export interface ExecutionRow {
  readonly task_id: string
  readonly phase: string
  readonly attempt: number
  readonly status: "Running" | "Succeeded" | "Failed"
  readonly started_at: number
  readonly finished_at: number | null
  readonly output: string | null
}

export interface LogRow {
  readonly task_id: string
  readonly at: number
  readonly level: "debug" | "info" | "warn" | "error"
  readonly message: string
}

/** Lower sorts first: high-priority tasks are claimed before standard ones. */
export const priorityRank = (priority: Priority): number => (priority === "high" ? 0 : 1)
export const priorityOf = (rank: number): Priority => (rank === 0 ? "high" : "standard")

/** JSON text for a column; `undefined` is stored as SQL NULL. */
export const toJson = (value: unknown): string | null => {
  const text = JSON.stringify(value)
  return text === undefined ? null : text
}

interface StoredError {
  readonly message: string
  readonly attempt: number
  readonly at: number
  readonly retryable: boolean
}

export const errorJson = (error: StoredError): string => JSON.stringify(error)

const parseError = (text: string): TaskError => {
  const stored = JSON.parse(text) as StoredError
  return new TaskError({ message: stored.message, attempt: stored.attempt, at: new Date(stored.at), retryable: stored.retryable }, TRUSTED)
}

/** Rows were validated when they were written; decoding them again on every read only costs time. */
const TRUSTED = { disableValidation: true } as const

export const leaseOf = (row: TaskRow): Lease | undefined =>
  row.status === "InProgress" && row.lease_token !== null && row.lease_worker !== null && row.lease_expires_at !== null
    ? new Lease({
        taskId: TaskId.make(row.id, TRUSTED),
        workerId: WorkerId.make(row.lease_worker, TRUSTED),
        token: row.lease_token,
        expiresAt: new Date(row.lease_expires_at),
        attempt: Math.max(1, row.attempts)
      }, TRUSTED)
    : undefined

export const toTask = (row: TaskRow): Task => {
  const lease = leaseOf(row)
  return new Task({
    id: TaskId.make(row.id, TRUSTED),
    kind: TaskKind.make(row.kind, TRUSTED),
    payload: JSON.parse(row.payload) as unknown,
    priority: priorityOf(row.priority),
    ...(row.tenant === null ? {} : { tenant: row.tenant }),
    ...(row.idempotency_key === null ? {} : { idempotencyKey: IdempotencyKey.make(row.idempotency_key, TRUSTED) }),
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    availableAt: new Date(row.available_at),
    ...(row.started_at === null ? {} : { startedAt: new Date(row.started_at) }),
    ...(row.finished_at === null ? {} : { finishedAt: new Date(row.finished_at) }),
    ...(lease === undefined ? {} : { lease }),
    ...(row.last_error === null ? {} : { lastError: parseError(row.last_error) }),
    ...(row.result === null ? {} : { result: JSON.parse(row.result) as unknown })
  }, TRUSTED)
}

export const toExecution = (row: ExecutionRow): TaskExecution =>
  new TaskExecution({
    taskId: TaskId.make(row.task_id, TRUSTED),
    phase: row.phase,
    attempt: row.attempt,
    status: row.status,
    startedAt: new Date(row.started_at),
    ...(row.finished_at === null ? {} : { finishedAt: new Date(row.finished_at) }),
    ...(row.output === null ? {} : { output: JSON.parse(row.output) as unknown })
  }, TRUSTED)

export const toLog = (row: LogRow): TaskLog =>
  new TaskLog({ taskId: TaskId.make(row.task_id, TRUSTED), at: new Date(row.at), level: row.level, message: row.message }, TRUSTED)
