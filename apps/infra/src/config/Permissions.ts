/**
 * The AWS actions each runtime role is granted on its own resources, as
 * data (no aws-cdk-lib here): the constructs grant exactly these, and the
 * webhook bundle's test checks that what it really calls is among them.
 */

/** The webhook only enqueues: an idempotency item and the task record, then one message. */
export const webhookTableActions: ReadonlyArray<string> = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"]
/** Beyond enqueue: dropping its own replay-guard item (DELIVERY#<id>) when the queue refused the delivery, so GitHub may redeliver. */
export const webhookReplayActions: ReadonlyArray<string> = ["dynamodb:DeleteItem"]
/** The only partition keys `webhookReplayActions` may touch (IAM's dynamodb:LeadingKeys). */
export const webhookReplayKeys: ReadonlyArray<string> = ["DELIVERY#*"]
export const webhookQueueActions: ReadonlyArray<string> = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]

/** The worker claims, heartbeats, completes, retries and dead-letters. */
export const workerLaneActions: ReadonlyArray<string> = [
  "sqs:ReceiveMessage",
  "sqs:DeleteMessage",
  "sqs:ChangeMessageVisibility",
  "sqs:SendMessage",
  "sqs:GetQueueAttributes",
  "sqs:GetQueueUrl"
]
export const workerDeadLetterActions: ReadonlyArray<string> = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
export const workerTableActions: ReadonlyArray<string> = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:Query", "dynamodb:DescribeTable"]
/** The aws-cycle task's store: conditional puts, reads, chunk deletes and the History index query; no Scan. */
export const workerCycleTableActions: ReadonlyArray<string> = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"]
export const workerTaskProtectionActions: ReadonlyArray<string> = ["ecs:UpdateTaskProtection", "ecs:GetTaskProtection"]

/** What only `provision` (sandbox, tests) calls; a deployed stack hands the runtimes existing resources. */
export const provisionOnlyActions: ReadonlyArray<string> = ["sqs:CreateQueue", "dynamodb:CreateTable", "dynamodb:DescribeTable"]

/** The collector sidecar sends the worker's traces to X-Ray; these two actions have no resource-level permissions. */
export const workerTraceActions: ReadonlyArray<string> = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
