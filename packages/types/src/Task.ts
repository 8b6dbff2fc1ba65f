/**
 * Tasks: what the queue holds and the worker runs (SPEC.md section 4).
 * DynamoDB keys on AWS: PK = TASK#<id>, SK = METADATA | EXECUTION#<phase> | LOG#<timestamp>.
 */
import { Schema } from "effect"
import { IdempotencyKey, TaskId, TaskKind, WorkerId } from "./Ids.js"

export const TaskStatus = Schema.Literal("Pending", "InProgress", "Completed", "Failed", "Cancelled", "Blocked")
export type TaskStatus = typeof TaskStatus.Type

/** High-priority tasks are always claimed before standard ones. */
export const Priority = Schema.Literal("high", "standard")
export type Priority = typeof Priority.Type

/** Free-form JSON payload; each task kind decodes it with its own schema. */
export const Payload = Schema.Unknown

/** The tenant (customer) a task is done for, when there is one. */
export const Tenant = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(128))

/** A claim on a task: only the holder of the token may heartbeat, complete or fail it. */
export class Lease extends Schema.Class<Lease>("Lease")({
  taskId: TaskId,
  workerId: WorkerId,
  token: Schema.String,
  expiresAt: Schema.Date,
  attempt: Schema.Int.pipe(Schema.positive())
}) {}

export class TaskError extends Schema.Class<TaskError>("TaskError")({
  message: Schema.String,
  attempt: Schema.Int,
  at: Schema.Date,
  retryable: Schema.Boolean
}) {}

export class Task extends Schema.Class<Task>("Task")({
  id: TaskId,
  kind: TaskKind,
  payload: Payload,
  priority: Priority,
  tenant: Schema.optional(Tenant),
  idempotencyKey: Schema.optional(IdempotencyKey),
  status: TaskStatus,
  attempts: Schema.Int.pipe(Schema.nonNegative()),
  maxAttempts: Schema.Int.pipe(Schema.positive()),
  createdAt: Schema.Date,
  updatedAt: Schema.Date,
  /** The earliest time the task may be claimed (later than createdAt while backing off). */
  availableAt: Schema.Date,
  startedAt: Schema.optional(Schema.Date),
  finishedAt: Schema.optional(Schema.Date),
  lease: Schema.optional(Lease),
  lastError: Schema.optional(TaskError),
  result: Schema.optional(Schema.Unknown)
}) {}

/** What a producer sends to enqueue a task. */
export class EnqueueRequest extends Schema.Class<EnqueueRequest>("EnqueueRequest")({
  kind: TaskKind,
  payload: Payload,
  priority: Schema.optionalWith(Priority, { default: () => "standard" as const }),
  tenant: Schema.optional(Tenant),
  idempotencyKey: Schema.optional(IdempotencyKey),
  maxAttempts: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 100)), { default: () => 3 })
}) {}

/** One phase of a task's run (e.g. an agent cycle's θ1..θ6). */
export class TaskExecution extends Schema.Class<TaskExecution>("TaskExecution")({
  taskId: TaskId,
  phase: Schema.String,
  attempt: Schema.Int,
  status: Schema.Literal("Running", "Succeeded", "Failed"),
  startedAt: Schema.Date,
  finishedAt: Schema.optional(Schema.Date),
  output: Schema.optional(Schema.Unknown)
}) {}

export class TaskLog extends Schema.Class<TaskLog>("TaskLog")({
  taskId: TaskId,
  at: Schema.Date,
  level: Schema.Literal("debug", "info", "warn", "error"),
  message: Schema.String
}) {}

/** Depth and oldest waiting age of one priority lane. */
export class LaneStats extends Schema.Class<LaneStats>("LaneStats")({
  priority: Priority,
  depth: Schema.Int,
  inFlight: Schema.Int,
  oldestAgeMs: Schema.Number
}) {}

export class QueueStats extends Schema.Class<QueueStats>("QueueStats")({
  lanes: Schema.Array(LaneStats),
  completed: Schema.Int,
  failed: Schema.Int,
  cancelled: Schema.Int,
  at: Schema.Date
}) {}
