/**
 * A task as the DynamoDB table holds it (the METADATA item of `TASK#<id>`),
 * and its mapping to the domain's `Task`. Times are epoch milliseconds;
 * payload, result and last error are JSON text.
 *
 * `version` goes up by one on every transition: claims and other decisions
 * taken on a read of the record are written with `version = <read>` as their
 * condition, so two workers can never both act on the same state.
 * `generation` goes up when a finished task is put back (retry): a message
 * carries the generation it was sent for, and a message older than the
 * record's generation is stale.
 */
import { IdempotencyKey, Lease, Task, TaskError, TaskExecution, TaskId, TaskKind, TaskLog, WorkerId, type Priority, type TaskStatus } from "@miyabi/types"
import type { ExecutionItem, LogItem } from "../adapters/DynamoTaskTable.js"

export interface TaskRecord {
  readonly id: string
  readonly kind: string
  readonly payload: string
  readonly priority: Priority
  readonly tenant?: string | undefined
  readonly idempotencyKey?: string | undefined
  readonly status: TaskStatus
  readonly attempts: number
  readonly maxAttempts: number
  readonly version: number
  readonly generation: number
  readonly createdAt: number
  readonly updatedAt: number
  readonly availableAt: number
  readonly startedAt?: number | undefined
  readonly finishedAt?: number | undefined
  readonly leaseToken?: string | undefined
  readonly leaseWorker?: string | undefined
  readonly leaseExpiresAt?: number | undefined
  /** The receipt handle and lane of the message the current lease was claimed through. */
  readonly receipt?: string | undefined
  readonly lane?: Priority | undefined
  /** The message's ApproximateReceiveCount at the claim. */
  readonly receives?: number | undefined
  readonly lastError?: string | undefined
  readonly result?: string | undefined
}

/** The attributes a transition may set or remove (everything but the identity and `version`). */
export type RecordChange = Partial<Omit<TaskRecord, "id" | "version">>
export type RemovableField = "startedAt" | "finishedAt" | "leaseToken" | "leaseWorker" | "leaseExpiresAt" | "receipt" | "lane" | "receives" | "lastError" | "result"

/** Cleared when a lease ends; receipt, lane and receives stay (the message to delete or hand back after the record has changed). */
export const LEASE_FIELDS: ReadonlyArray<RemovableField> = ["leaseToken", "leaseWorker", "leaseExpiresAt"]

export interface StoredError {
  readonly message: string
  readonly attempt: number
  readonly at: number
  readonly retryable: boolean
}

export const errorJson = (error: StoredError): string => JSON.stringify(error)

/** JSON text for a stored value; `undefined` stays absent. */
export const toJson = (value: unknown): string | undefined => JSON.stringify(value)

/** Records were validated when they were written; decoding them again on every read only costs time. */
const TRUSTED = { disableValidation: true } as const

export const leaseOf = (record: TaskRecord): Lease | undefined =>
  record.status === "InProgress" && record.leaseToken !== undefined && record.leaseWorker !== undefined && record.leaseExpiresAt !== undefined
    ? new Lease(
        {
          taskId: TaskId.make(record.id, TRUSTED),
          workerId: WorkerId.make(record.leaseWorker, TRUSTED),
          token: record.leaseToken,
          expiresAt: new Date(record.leaseExpiresAt),
          attempt: Math.max(1, record.attempts)
        },
        TRUSTED
      )
    : undefined

const parseError = (text: string): TaskError => {
  const stored = JSON.parse(text) as StoredError
  return new TaskError({ message: stored.message, attempt: stored.attempt, at: new Date(stored.at), retryable: stored.retryable }, TRUSTED)
}

export const toTask = (record: TaskRecord): Task => {
  const lease = leaseOf(record)
  return new Task(
    {
      id: TaskId.make(record.id, TRUSTED),
      kind: TaskKind.make(record.kind, TRUSTED),
      payload: JSON.parse(record.payload) as unknown,
      priority: record.priority,
      ...(record.tenant === undefined ? {} : { tenant: record.tenant }),
      ...(record.idempotencyKey === undefined ? {} : { idempotencyKey: IdempotencyKey.make(record.idempotencyKey, TRUSTED) }),
      status: record.status,
      attempts: record.attempts,
      maxAttempts: record.maxAttempts,
      createdAt: new Date(record.createdAt),
      updatedAt: new Date(record.updatedAt),
      availableAt: new Date(record.availableAt),
      ...(record.startedAt === undefined ? {} : { startedAt: new Date(record.startedAt) }),
      ...(record.finishedAt === undefined ? {} : { finishedAt: new Date(record.finishedAt) }),
      ...(lease === undefined ? {} : { lease }),
      ...(record.lastError === undefined ? {} : { lastError: parseError(record.lastError) }),
      ...(record.result === undefined ? {} : { result: JSON.parse(record.result) as unknown })
    },
    TRUSTED
  )
}


export const executionOf = (item: ExecutionItem): TaskExecution =>
  new TaskExecution(
    {
      taskId: TaskId.make(item.taskId, TRUSTED),
      phase: item.phase,
      attempt: item.attempt,
      status: item.status,
      startedAt: new Date(item.startedAt),
      ...(item.finishedAt === undefined ? {} : { finishedAt: new Date(item.finishedAt) }),
      ...(item.output === undefined ? {} : { output: JSON.parse(item.output) as unknown })
    },
    TRUSTED
  )

export const logOf = (item: LogItem): TaskLog =>
  new TaskLog({ taskId: TaskId.make(item.taskId, TRUSTED), at: new Date(item.at), level: item.level, message: item.message }, TRUSTED)
