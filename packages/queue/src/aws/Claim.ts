/**
 * Claiming on AWS: receive a message (high lane first, then standard), then
 * let the task record decide. The record is the arbiter; a message is only a
 * reason to look at it:
 *
 *   record missing / older generation  -> write it from the message, go on
 *   message older than the record      -> stale copy: delete it
 *   Completed, Failed, Cancelled       -> delete the message (a redelivery after a crash)
 *   Pending, not yet available         -> hand the message back until it is
 *   InProgress with a live lease       -> hand it back until the lease ends
 *   InProgress, lease expired          -> reclaim (or dead-letter on the last attempt)
 *   Pending and available              -> conditional update to InProgress
 *
 * Every decision that writes is conditional on the record's `version`, so of
 * two workers holding copies of one task only one wins; the other looks again.
 */
import { randomBytes } from "node:crypto"
import type { Lease, Priority, Task } from "@miyabi/types"
import type { AwsError } from "@miyabi/aws-runtime"
import { Clock, Effect, Either, Option } from "effect"
import type { DynamoTaskTableShape } from "../adapters/DynamoTaskTable.js"
import type { ReceivedMessage, SqsShape } from "../adapters/Sqs.js"
import type { ClaimOptions } from "../TaskQueue.js"
import { laneUrl, type AwsQueueResources } from "./AwsQueueResources.js"
import { bestEffort, handBack, heldFromReceived } from "./Delivery.js"
import { decodeMessage, recordFromMessage, type TaskMessage } from "./TaskMessage.js"
import { errorJson, leaseOf, toTask, type TaskRecord } from "./TaskRecord.js"

export const newLeaseToken = (): string => randomBytes(12).toString("base64url")

/** Messages looked at per claim before it gives up (each turned away is handed back or deleted). */
const MESSAGES_PER_CLAIM = 5
/** Re-reads of one record when another worker changed it between read and write. */
const RACES = 3
/** A live lease's message is handed back until the lease ends plus this. */
const LEASE_SLACK_MS = 1_000

type Step =
  | { readonly _tag: "Claimed"; readonly task: Task; readonly lease: Lease }
  | { readonly _tag: "Skipped" }

const skipped: Step = { _tag: "Skipped" }

export interface ClaimDeps {
  readonly sqs: SqsShape
  readonly table: DynamoTaskTableShape
  readonly resources: AwsQueueResources
}

export const makeClaim = ({ sqs, table, resources }: ClaimDeps) => {
  /** The record for a message, written from it when missing or behind. */
  const recordFor = (message: TaskMessage, now: number): Effect.Effect<Option.Option<TaskRecord>, AwsError> =>
    Effect.gen(function* () {
      const found = yield* table.getTask(message.id)
      if (Option.isNone(found)) {
        yield* table.putTask(recordFromMessage(message, now))
        return yield* table.getTask(message.id)
      }
      const record = found.value
      const finished = record.status === "Completed" || record.status === "Failed" || record.status === "Cancelled"
      if (record.generation < message.generation && finished) {
        // A retry sent its message and stopped before updating the record: finish it.
        yield* table.transition(
          record.id,
          { version: record.version },
          { status: "Pending", attempts: 0, availableAt: now, updatedAt: now, generation: message.generation },
          ["startedAt", "finishedAt", "leaseToken", "leaseWorker", "leaseExpiresAt"]
        )
        return yield* table.getTask(message.id)
      }
      return found
    })

  const take = (record: TaskRecord, lane: Priority, received: ReceivedMessage, options: ClaimOptions, now: number, lastError: string | undefined) =>
    table
      .transition(
        record.id,
        { version: record.version },
        {
          status: "InProgress",
          attempts: record.attempts + 1,
          leaseToken: newLeaseToken(),
          leaseWorker: options.workerId,
          leaseExpiresAt: now + options.leaseMs,
          receipt: received.receiptHandle,
          lane,
          receives: received.receiveCount,
          startedAt: now,
          updatedAt: now,
          ...(lastError === undefined ? {} : { lastError })
        }
      )
      .pipe(
        Effect.map(
          Option.flatMap((updated): Option.Option<Step> => {
            const lease = leaseOf(updated)
            return lease === undefined ? Option.none() : Option.some({ _tag: "Claimed", task: toTask(updated), lease })
          })
        )
      )

  /** One decision on one record; None when another worker changed the record first (look again). */
  const decide = (message: TaskMessage, lane: Priority, received: ReceivedMessage, options: ClaimOptions): Effect.Effect<Option.Option<Step>, AwsError> =>
    Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const url = laneUrl(resources, lane)
      const held = heldFromReceived(lane, received)
      const found = yield* recordFor(message, now)
      if (Option.isNone(found)) return Option.some(skipped)
      const record = found.value
      const drop = bestEffort("DeleteMessage")(sqs.delete(url, received.receiptHandle)).pipe(Effect.as(Option.some(skipped)))
      const later = (delayMs: number) => bestEffort("hand back")(handBack(sqs, resources, held, delayMs)).pipe(Effect.as(Option.some(skipped)))
      if (message.generation < record.generation) return yield* drop
      const runnable = options.kinds === undefined || options.kinds.some((kind) => kind === record.kind)
      switch (record.status) {
        case "Completed":
        case "Failed":
        case "Cancelled":
        case "Blocked":
          return yield* drop
        case "Pending":
          if (record.availableAt > now) return yield* later(record.availableAt - now)
          // Not ours to run: back to the lane for a worker that can (after a pause, so we do not spin on it).
          if (!runnable) return yield* later(options.leaseMs)
          return yield* take(record, lane, received, options, now, undefined)
        case "InProgress": {
          const expiresAt = record.leaseExpiresAt ?? 0
          if (expiresAt > now) return yield* later(expiresAt - now + LEASE_SLACK_MS)
          if (record.attempts >= record.maxAttempts) {
            // The crashed attempt was the last one: dead-letter, as the embedded queue does.
            const failed = yield* table.transition(
              record.id,
              { version: record.version },
              {
                status: "Failed",
                finishedAt: now,
                updatedAt: now,
                lastError: errorJson({ message: `the lease of worker ${record.leaseWorker ?? "?"} expired on the last attempt`, attempt: record.attempts, at: now, retryable: false })
              },
              ["leaseToken", "leaseWorker", "leaseExpiresAt"]
            )
            return Option.isNone(failed) ? Option.none() : yield* drop
          }
          if (!runnable) return yield* later(options.leaseMs)
          const error = errorJson({ message: `the lease of worker ${record.leaseWorker ?? "?"} expired`, attempt: record.attempts, at: now, retryable: true })
          return yield* take(record, lane, received, options, now, error)
        }
      }
    })

  const consider = (lane: Priority, received: ReceivedMessage, options: ClaimOptions): Effect.Effect<Step, AwsError> =>
    Either.match(decodeMessage(received.body), {
      // Not a task message: leave it alone; after 3 receives SQS moves it to the dead-letter queue.
      onLeft: (reason) => Effect.logWarning(`ignoring a message that is not a task (${reason.split("\n")[0] ?? ""})`).pipe(Effect.as(skipped)),
      onRight: (message) =>
        decide(message, lane, received, options).pipe(
          Effect.repeat({ until: Option.isSome, times: RACES - 1 }),
          Effect.map(Option.getOrElse(() => skipped))
        )
    })

  const receiveFrom = (lane: Priority, options: ClaimOptions) =>
    sqs.receive(laneUrl(resources, lane), 1, Math.max(1, Math.ceil(options.leaseMs / 1_000)), 0)

  /** Up to MESSAGES_PER_CLAIM messages, high lane first; None when no message led to a claim. */
  return (options: ClaimOptions): Effect.Effect<Option.Option<readonly [Task, Lease]>, AwsError> =>
    Effect.gen(function* () {
      if (options.kinds !== undefined && options.kinds.length === 0) return Option.none()
      for (let looked = 0; looked < MESSAGES_PER_CLAIM; looked++) {
        const high = yield* receiveFrom("high", options)
        const [lane, messages] = high.length > 0 ? (["high", high] as const) : (["standard", yield* receiveFrom("standard", options)] as const)
        const received = messages[0]
        if (received === undefined) return Option.none()
        const step = yield* consider(lane, received, options)
        if (step._tag === "Claimed") return Option.some([step.task, step.lease] as const)
      }
      return Option.none()
    })
}
