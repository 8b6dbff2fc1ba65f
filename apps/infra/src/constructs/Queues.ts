/**
 * The task queues (SPEC.md section 4): high priority with a 3,600 s
 * visibility timeout, standard with 7,200 s, both redriving to one
 * dead-letter queue after 3 receives; everything kept 14 days and encrypted
 * with SQS-managed keys (every queue gets the dead-letter queue's 14 days).
 * Names follow the AWS queue adapter's `namesFor`.
 */
import { AwsQueueResources } from "@miyabi/queue"
import { Duration, RemovalPolicy } from "aws-cdk-lib/core"
import * as sqs from "aws-cdk-lib/aws-sqs"
import { Construct } from "constructs"

// The adapter's own settings (what its `provision` creates in the sandbox), so both agree.
const { HIGH_VISIBILITY_SECONDS, STANDARD_VISIBILITY_SECONDS, MAX_RECEIVE_COUNT, DEAD_LETTER_RETENTION_SECONDS } = AwsQueueResources

export interface QueuesProps {
  readonly highQueueName: string
  readonly standardQueueName: string
  readonly deadLetterQueueName: string
  readonly removalPolicy: RemovalPolicy
}

export class Queues extends Construct {
  readonly high: sqs.Queue
  readonly standard: sqs.Queue
  readonly deadLetter: sqs.Queue

  constructor(scope: Construct, id: string, props: QueuesProps) {
    super(scope, id)
    const common = {
      retentionPeriod: Duration.seconds(DEAD_LETTER_RETENTION_SECONDS),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: props.removalPolicy
    }
    this.deadLetter = new sqs.Queue(this, "DeadLetter", { ...common, queueName: props.deadLetterQueueName })
    const deadLetterQueue = { queue: this.deadLetter, maxReceiveCount: MAX_RECEIVE_COUNT }
    this.high = new sqs.Queue(this, "High", {
      ...common,
      queueName: props.highQueueName,
      visibilityTimeout: Duration.seconds(HIGH_VISIBILITY_SECONDS),
      deadLetterQueue
    })
    this.standard = new sqs.Queue(this, "Standard", {
      ...common,
      queueName: props.standardQueueName,
      visibilityTimeout: Duration.seconds(STANDARD_VISIBILITY_SECONDS),
      deadLetterQueue
    })
  }
}
