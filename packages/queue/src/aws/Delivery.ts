/**
 * Message handling shared by the queue's operations: errors mapped to
 * QueueError, and handing a message back to its lane after a delay.
 *
 * SQS dead-letters a message on the receive after its `maxReceiveCount`-th
 * (3). Workers that receive a message without running it (a backoff not yet
 * over, a live lease, a release, a kind it cannot run) would spend that
 * budget and send tasks the record still wants to run to the dead-letter
 * queue. So once a message has been received that many times, handing it
 * back sends a fresh copy (receive count 0) and deletes the old one instead
 * of changing its visibility. Copy first, then delete: a crash in between
 * leaves a duplicate, which the record turns away; never a lost task.
 */
import type { AwsError } from "@miyabi/aws-runtime"
import type { Priority } from "@miyabi/types"
import { Effect } from "effect"
import type { ReceivedMessage, SqsShape } from "../adapters/Sqs.js"
import { QueueError } from "../TaskQueue.js"
import { laneUrl, MAX_RECEIVE_COUNT, type AwsQueueResources } from "./AwsQueueResources.js"
import { encodeMessage, messageAttributes, messageOf } from "./TaskMessage.js"
import type { TaskRecord } from "./TaskRecord.js"

export const storeError =
  (operation: string) =>
  (error: AwsError): QueueError =>
    new QueueError({ operation: `TaskQueue.${operation}`, reason: "StoreUnavailable", detail: error.message })

/** The message a lease was claimed through, as the record remembers it. */
export interface HeldMessage {
  readonly lane: Priority
  readonly receiptHandle: string
  readonly receiveCount: number
  /** The body to send when the message must be replaced. */
  readonly body: string
  readonly attributes: Readonly<Record<string, string>>
}

export const heldFromReceived = (lane: Priority, message: ReceivedMessage): HeldMessage => ({
  lane,
  receiptHandle: message.receiptHandle,
  receiveCount: message.receiveCount,
  body: message.body,
  attributes: message.attributes
})

/** The held message of a record's lease (None when the record has no receipt). */
export const heldFromRecord = (record: TaskRecord): HeldMessage | undefined => {
  if (record.receipt === undefined || record.lane === undefined) return undefined
  const message = messageOf(record)
  return {
    lane: record.lane,
    receiptHandle: record.receipt,
    receiveCount: record.receives ?? MAX_RECEIVE_COUNT,
    body: encodeMessage(message),
    attributes: messageAttributes(message)
  }
}

const seconds = (ms: number): number => Math.max(0, Math.ceil(ms / 1_000))

/** Makes the message visible again after `delayMs` (see the module comment for the fresh-copy case). */
export const handBack = (sqs: SqsShape, resources: AwsQueueResources, held: HeldMessage, delayMs: number): Effect.Effect<void, AwsError> => {
  const url = laneUrl(resources, held.lane)
  return held.receiveCount >= MAX_RECEIVE_COUNT
    ? sqs.send(url, held.body, held.attributes, Math.min(900, seconds(delayMs))).pipe(Effect.zipRight(sqs.delete(url, held.receiptHandle)))
    : sqs.changeVisibility(url, held.receiptHandle, seconds(delayMs))
}

/**
 * Message operations after the record has decided are best effort: the
 * record is the arbiter, and a message that was not deleted or hidden comes
 * back and is dealt with by the next worker that receives it.
 */
export const bestEffort = (what: string) => (effect: Effect.Effect<void, AwsError>): Effect.Effect<void> =>
  effect.pipe(Effect.catchAll((error) => Effect.logWarning(`${what} failed (the record decides; the message will come back): ${error.message}`)))
