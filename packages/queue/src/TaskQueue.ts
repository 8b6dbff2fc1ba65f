/**
 * The task queue: the one interface the worker runtime, the CLI and other
 * services program against. Adapters: SQLite (embedded default) and
 * SQS + DynamoDB (on AWS).
 */
import type { EnqueueRequest, Lease, NotFound, Priority, QueueStats, Task, TaskExecution, TaskId, TaskKind, TaskLog, TaskStatus, WorkerId } from "@miyabi/types"
import { Context, Schema, type Effect, type Option } from "effect"

/** A failure of the queue's store itself (I/O, corruption, the backend is down). */
export class QueueError extends Schema.TaggedError<QueueError>()("QueueError", {
  operation: Schema.String,
  reason: Schema.Literal("StoreUnavailable", "LeaseLost", "InvalidTransition", "Conflict"),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.operation}: ${this.reason}: ${this.detail}`
  }
}

export interface EnqueueResult {
  readonly task: Task
  /** false when a task with the same idempotency key already existed. */
  readonly created: boolean
}

export interface ClaimOptions {
  readonly workerId: WorkerId
  readonly leaseMs: number
  /** Only claim these kinds (the kinds the worker has handlers for). */
  readonly kinds?: ReadonlyArray<TaskKind>
}

/** What became of a failed attempt. */
export type FailOutcome =
  | { readonly _tag: "Retrying"; readonly availableAt: Date; readonly attempt: number }
  | { readonly _tag: "DeadLettered"; readonly attempt: number }

export interface ListFilter {
  readonly status?: TaskStatus
  readonly kind?: TaskKind
  readonly priority?: Priority
  readonly limit?: number
}

export interface TaskQueueShape {
  /** Adds a task; with an idempotency key, a second enqueue returns the first task. */
  readonly enqueue: (request: EnqueueRequest) => Effect.Effect<EnqueueResult, QueueError>
  /**
   * Atomically claims the next available task (high before standard, oldest
   * first) with a lease; tasks whose lease expired are claimable again.
   */
  readonly claim: (options: ClaimOptions) => Effect.Effect<Option.Option<readonly [Task, Lease]>, QueueError>
  /** Extends a lease; fails with LeaseLost when the lease was taken over or the task finished. */
  readonly heartbeat: (lease: Lease, leaseMs: number) => Effect.Effect<Lease, QueueError>
  readonly complete: (lease: Lease, result?: unknown) => Effect.Effect<Task, QueueError>
  /** Records a failed attempt: back off and retry, or dead-letter after maxAttempts (or when not retryable). */
  readonly fail: (lease: Lease, error: { readonly message: string; readonly retryable: boolean }) => Effect.Effect<FailOutcome, QueueError>
  /** Gives a claimed task back without counting the attempt (graceful drain). */
  readonly release: (lease: Lease) => Effect.Effect<void, QueueError>
  readonly cancel: (id: TaskId) => Effect.Effect<Task, QueueError | NotFound>
  /** Puts a Failed or Cancelled task back to Pending with a fresh attempt budget. */
  readonly retry: (id: TaskId) => Effect.Effect<Task, QueueError | NotFound>
  readonly get: (id: TaskId) => Effect.Effect<Task, QueueError | NotFound>
  readonly list: (filter: ListFilter) => Effect.Effect<ReadonlyArray<Task>, QueueError>
  readonly stats: () => Effect.Effect<QueueStats, QueueError>
  readonly recordExecution: (execution: TaskExecution) => Effect.Effect<void, QueueError>
  readonly executions: (id: TaskId) => Effect.Effect<ReadonlyArray<TaskExecution>, QueueError>
  readonly appendLog: (log: TaskLog) => Effect.Effect<void, QueueError>
  readonly logs: (id: TaskId) => Effect.Effect<ReadonlyArray<TaskLog>, QueueError>
}

export class TaskQueue extends Context.Tag("@miyabi/queue/TaskQueue")<TaskQueue, TaskQueueShape>() {}
