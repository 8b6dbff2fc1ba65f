/**
 * The body of a task's SQS message. It carries the whole task as enqueued
 * (not only its id) and the record generation it was sent for, so that the
 * message is the intent and the record its state: a worker that receives a
 * message whose record is missing (the enqueuer crashed between send and
 * put) or older (a retry crashed between send and update) writes the record
 * from the message instead of losing the task.
 */
import { Either, Schema } from "effect"
import type { TaskRecord } from "./TaskRecord.js"

export const TaskMessage = Schema.Struct({
  v: Schema.Literal(1),
  id: Schema.String,
  kind: Schema.String,
  payload: Schema.String,
  priority: Schema.Literal("high", "standard"),
  tenant: Schema.optional(Schema.String),
  idempotencyKey: Schema.optional(Schema.String),
  maxAttempts: Schema.Int,
  createdAt: Schema.Number,
  generation: Schema.Int
})
export type TaskMessage = typeof TaskMessage.Type

const codec = Schema.parseJson(TaskMessage)

export const messageOf = (record: TaskRecord, generation: number = record.generation): TaskMessage => ({
  v: 1,
  id: record.id,
  kind: record.kind,
  payload: record.payload,
  priority: record.priority,
  ...(record.tenant === undefined ? {} : { tenant: record.tenant }),
  ...(record.idempotencyKey === undefined ? {} : { idempotencyKey: record.idempotencyKey }),
  maxAttempts: record.maxAttempts,
  createdAt: record.createdAt,
  generation
})

export const encodeMessage = (message: TaskMessage): string => JSON.stringify(message)

/** None for a body that is not a task message (a poison message: left to the SQS dead-letter queue). */
export const decodeMessage = (body: string): Either.Either<TaskMessage, string> =>
  Either.mapLeft(Schema.decodeUnknownEither(codec)(body), (error) => error.message)

/** Message attributes, readable without parsing the body (and by consoles). */
export const messageAttributes = (message: TaskMessage): Record<string, string> => ({ taskId: message.id, kind: message.kind })

/** The record a message stands for, when the record itself was never written. */
export const recordFromMessage = (message: TaskMessage, now: number): TaskRecord => ({
  id: message.id,
  kind: message.kind,
  payload: message.payload,
  priority: message.priority,
  ...(message.tenant === undefined ? {} : { tenant: message.tenant }),
  ...(message.idempotencyKey === undefined ? {} : { idempotencyKey: message.idempotencyKey }),
  status: "Pending",
  attempts: 0,
  maxAttempts: message.maxAttempts,
  version: 0,
  generation: message.generation,
  createdAt: message.createdAt,
  updatedAt: now,
  availableAt: message.createdAt
})
