/**
 * Reconciling the SQS dead-letter queue with the records. SQS moves a
 * message there on its 4th receive whatever the record says; a worker that
 * is killed after receiving, or a heartbeat that comes late on a busy host,
 * spends receives the queue cannot refresh in time. Such a message still
 * stands for a task: if its record is not finished, a fresh copy goes back
 * to the task's lane (the record decides again there); if it is finished,
 * the copy is stale and deleted. What stays is what never reached a record:
 * poison messages, for people to inspect within the 14 days.
 */
import type { AwsError } from "@miyabi/aws-runtime"
import { Effect, Either, Option } from "effect"
import type { DynamoTaskTableShape } from "../adapters/DynamoTaskTable.js"
import type { ReceivedMessage, SqsShape } from "../adapters/Sqs.js"
import { laneUrl, type AwsQueueResources } from "./AwsQueueResources.js"
import { bestEffort } from "./Delivery.js"
import { decodeMessage, encodeMessage, messageAttributes } from "./TaskMessage.js"

/** Poison stays hidden this long between two looks. */
const POISON_HIDE_SECONDS = 3_600

export interface ReconcileReport {
  readonly requeued: number
  readonly dropped: number
  readonly poison: number
}

export const makeReconcile = ({ sqs, table, resources }: { readonly sqs: SqsShape; readonly table: DynamoTaskTableShape; readonly resources: AwsQueueResources }) => {
  const one = (received: ReceivedMessage): Effect.Effect<keyof ReconcileReport, AwsError> =>
    Either.match(decodeMessage(received.body), {
      onLeft: () => sqs.changeVisibility(resources.deadLetterUrl, received.receiptHandle, POISON_HIDE_SECONDS).pipe(Effect.as("poison" as const)),
      onRight: (message) =>
        Effect.gen(function* () {
          const found = yield* table.getTask(message.id)
          const finished = Option.match(found, {
            onNone: () => false,
            onSome: (record) => message.generation < record.generation || record.status === "Completed" || record.status === "Failed" || record.status === "Cancelled"
          })
          if (!finished) yield* sqs.send(laneUrl(resources, message.priority), encodeMessage(message), messageAttributes(message))
          yield* bestEffort("DeleteMessage")(sqs.delete(resources.deadLetterUrl, received.receiptHandle))
          return finished ? ("dropped" as const) : ("requeued" as const)
        })
    })

  /** Looks at up to 10 dead-lettered messages. */
  return sqs.receive(resources.deadLetterUrl, 10, 60, 0).pipe(
    Effect.flatMap((messages) => Effect.forEach(messages, one)),
    Effect.map((outcomes) => ({
      requeued: outcomes.filter((o) => o === "requeued").length,
      dropped: outcomes.filter((o) => o === "dropped").length,
      poison: outcomes.filter((o) => o === "poison").length
    })),
    Effect.tap((report) =>
      report.requeued + report.dropped > 0 ? Effect.logInfo(`dead-letter queue reconciled: ${JSON.stringify(report)}`) : Effect.void
    ),
    Effect.withSpan("TaskQueue.reconcileDeadLetters", { captureStackTrace: false })
  )
}
