/**
 * The AWS resources of the queue: two SQS lanes, their dead-letter queue and
 * the task table. Real deployments get them from the CDK app and pass URLs
 * and the table name through the environment; the sandbox and tests create
 * them with `provision` (the same settings the CDK app declares).
 */
import type { AwsError } from "@miyabi/aws-runtime"
import type { Priority } from "@miyabi/types"
import { Effect } from "effect"
import { DynamoTaskTable } from "../adapters/DynamoTaskTable.js"
import { Sqs } from "../adapters/Sqs.js"

export interface AwsQueueResources {
  readonly tableName: string
  readonly highUrl: string
  readonly standardUrl: string
  readonly deadLetterUrl: string
}

/** Names from which resources are found or created. */
export interface AwsQueueNames {
  readonly tableName: string
  readonly highQueue: string
  readonly standardQueue: string
  readonly deadLetterQueue: string
}

/** The design's settings (SPEC.md section 4). */
export const HIGH_VISIBILITY_SECONDS = 3_600
export const STANDARD_VISIBILITY_SECONDS = 7_200
export const MAX_RECEIVE_COUNT = 3
export const DEAD_LETTER_RETENTION_SECONDS = 14 * 24 * 3_600

/** The task table's TTL attribute (epoch seconds), on LOG# and DELIVERY# items; the CDK app enables TTL on it. */
export { TTL_ATTRIBUTE } from "../adapters/DynamoItems.js"
/** How long task log items live by default (MIYABI_TASK_LOG_RETENTION overrides). */
export { DEFAULT_LOG_RETENTION } from "../adapters/DynamoTaskTable.js"

export const namesFor = (prefix: string): AwsQueueNames => ({
  tableName: `${prefix}-tasks`,
  highQueue: `${prefix}-high`,
  standardQueue: `${prefix}-standard`,
  deadLetterQueue: `${prefix}-dlq`
})

export const laneUrl = (resources: AwsQueueResources, lane: Priority): string => (lane === "high" ? resources.highUrl : resources.standardUrl)

/**
 * Creates what is absent (queues with their visibility, redrive after 3
 * receives to a dead-letter queue kept 14 days; the table with its status
 * index) and returns the resources. Idempotent.
 */
export const provision = (names: AwsQueueNames): Effect.Effect<AwsQueueResources, AwsError, Sqs | DynamoTaskTable> =>
  Effect.gen(function* () {
    const sqs = yield* Sqs
    const table = yield* DynamoTaskTable
    yield* table.provision
    const deadLetterUrl = yield* sqs.createQueue(names.deadLetterQueue, { MessageRetentionPeriod: String(DEAD_LETTER_RETENTION_SECONDS) })
    const deadLetterArn = yield* sqs.queueArn(deadLetterUrl)
    const redrive = JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: MAX_RECEIVE_COUNT })
    const [highUrl, standardUrl] = yield* Effect.all(
      [
        sqs.createQueue(names.highQueue, { VisibilityTimeout: String(HIGH_VISIBILITY_SECONDS), RedrivePolicy: redrive }),
        sqs.createQueue(names.standardQueue, { VisibilityTimeout: String(STANDARD_VISIBILITY_SECONDS), RedrivePolicy: redrive })
      ],
      { concurrency: 2 }
    )
    return { tableName: table.tableName, highUrl, standardUrl, deadLetterUrl }
  }).pipe(Effect.withSpan("AwsTaskQueue.provision"))

/** The URLs of existing queues by name. */
export const resolve = (names: AwsQueueNames): Effect.Effect<AwsQueueResources, AwsError, Sqs> =>
  Effect.gen(function* () {
    const sqs = yield* Sqs
    const [highUrl, standardUrl, deadLetterUrl] = yield* Effect.all(
      [sqs.queueUrl(names.highQueue), sqs.queueUrl(names.standardQueue), sqs.queueUrl(names.deadLetterQueue)],
      { concurrency: 3 }
    )
    return { tableName: names.tableName, highUrl, standardUrl, deadLetterUrl }
  })
