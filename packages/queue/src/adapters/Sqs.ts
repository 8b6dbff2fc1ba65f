/**
 * Amazon SQS, domain-shaped: the few calls the task queue makes, through
 * `AwsClients` (request budget, transient retries, AwsError mapping, abort on
 * interruption). The only module of the queue that names SQS commands.
 */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient
} from "@aws-sdk/client-sqs"
import { AwsClients, type AwsError, type AwsTarget, ServiceDescriptor } from "@miyabi/aws-runtime"
import { Context, Effect, Layer } from "effect"

export const SqsService = ServiceDescriptor.make("sqs", (config) => new SQSClient(config))

/** A received message: its body, the handle of this receive, and how often SQS has handed it out. */
export interface ReceivedMessage {
  readonly messageId: string
  readonly body: string
  readonly receiptHandle: string
  /** ApproximateReceiveCount, this receive included. */
  readonly receiveCount: number
  readonly attributes: Readonly<Record<string, string>>
}

export interface QueueCounts {
  /** ApproximateNumberOfMessages: visible, waiting for a consumer. */
  readonly visible: number
  /** ApproximateNumberOfMessagesNotVisible: received and not yet deleted (in flight or backing off). */
  readonly inFlight: number
  /** ApproximateNumberOfMessagesDelayed. */
  readonly delayed: number
}

export interface SqsShape {
  /** Creates the queue if absent (same attributes: AWS answers with the existing URL); returns its URL. */
  readonly createQueue: (name: string, attributes: Readonly<Record<string, string>>) => Effect.Effect<string, AwsError>
  readonly queueUrl: (name: string) => Effect.Effect<string, AwsError>
  readonly queueArn: (url: string) => Effect.Effect<string, AwsError>
  /** Sends one message with string attributes; `delaySeconds` is 0..900. Returns the message id. */
  readonly send: (
    url: string,
    body: string,
    attributes?: Readonly<Record<string, string>>,
    delaySeconds?: number
  ) => Effect.Effect<string, AwsError>
  /** Receives up to `max` (1..10) messages, hidden for `visibilitySeconds`, long-polling up to `waitSeconds` (0..20). */
  readonly receive: (url: string, max: number, visibilitySeconds: number, waitSeconds: number) => Effect.Effect<ReadonlyArray<ReceivedMessage>, AwsError>
  readonly changeVisibility: (url: string, receiptHandle: string, seconds: number) => Effect.Effect<void, AwsError>
  readonly delete: (url: string, receiptHandle: string) => Effect.Effect<void, AwsError>
  readonly approximateStats: (url: string) => Effect.Effect<QueueCounts, AwsError>
}

export class Sqs extends Context.Tag("@miyabi/queue/Sqs")<Sqs, SqsShape>() {}

const toInt = (text: string | undefined): number => {
  const n = Number(text ?? "0")
  return Number.isFinite(n) ? Math.trunc(n) : 0
}

/** SQS bounds: visibility 0..43,200 s, delay 0..900 s, wait 0..20 s. */
const clamp = (value: number, low: number, high: number): number => Math.min(high, Math.max(low, Math.round(value)))

export const make = (target: AwsTarget = {}): Effect.Effect<SqsShape, never, AwsClients.AwsClients> =>
  Effect.gen(function* () {
    const aws = yield* AwsClients.AwsClients
    const call = aws.call
    return {
      createQueue: (name, attributes) =>
        call(SqsService, target, new CreateQueueCommand({ QueueName: name, Attributes: { ...attributes } })).pipe(
          Effect.map((out) => out.QueueUrl ?? ""),
          Effect.withSpan("Sqs.createQueue", { attributes: { queue: name }, captureStackTrace: false })
        ),
      queueUrl: (name) =>
        call(SqsService, target, new GetQueueUrlCommand({ QueueName: name })).pipe(
          Effect.map((out) => out.QueueUrl ?? ""),
          Effect.withSpan("Sqs.queueUrl", { attributes: { queue: name }, captureStackTrace: false })
        ),
      queueArn: (url) =>
        call(SqsService, target, new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] })).pipe(
          Effect.map((out) => out.Attributes?.QueueArn ?? ""),
          Effect.withSpan("Sqs.queueArn", { captureStackTrace: false })
        ),
      send: (url, body, attributes = {}, delaySeconds) =>
        call(
          SqsService,
          target,
          new SendMessageCommand({
            QueueUrl: url,
            MessageBody: body,
            ...(delaySeconds === undefined ? {} : { DelaySeconds: clamp(delaySeconds, 0, 900) }),
            MessageAttributes: Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k, { DataType: "String", StringValue: v }]))
          })
        ).pipe(
          Effect.map((out) => out.MessageId ?? ""),
          Effect.withSpan("Sqs.send", { captureStackTrace: false })
        ),
      receive: (url, max, visibilitySeconds, waitSeconds) =>
        call(
          SqsService,
          target,
          new ReceiveMessageCommand({
            QueueUrl: url,
            MaxNumberOfMessages: clamp(max, 1, 10),
            VisibilityTimeout: clamp(visibilitySeconds, 0, 43_200),
            WaitTimeSeconds: clamp(waitSeconds, 0, 20),
            MessageSystemAttributeNames: ["ApproximateReceiveCount", "SentTimestamp"],
            MessageAttributeNames: ["All"]
          })
        ).pipe(
          Effect.map((out) =>
            (out.Messages ?? []).flatMap((m): ReadonlyArray<ReceivedMessage> =>
              m.ReceiptHandle === undefined || m.Body === undefined
                ? []
                : [
                    {
                      messageId: m.MessageId ?? "",
                      body: m.Body,
                      receiptHandle: m.ReceiptHandle,
                      receiveCount: Math.max(1, toInt(m.Attributes?.ApproximateReceiveCount)),
                      attributes: Object.fromEntries(
                        Object.entries(m.MessageAttributes ?? {}).flatMap(([k, v]) => (v.StringValue === undefined ? [] : [[k, v.StringValue] as const]))
                      )
                    }
                  ]
            )
          ),
          Effect.withSpan("Sqs.receive", { captureStackTrace: false })
        ),
      changeVisibility: (url, receiptHandle, seconds) =>
        call(
          SqsService,
          target,
          new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: receiptHandle, VisibilityTimeout: clamp(seconds, 0, 43_200) })
        ).pipe(Effect.asVoid, Effect.withSpan("Sqs.changeVisibility", { captureStackTrace: false })),
      delete: (url, receiptHandle) =>
        call(SqsService, target, new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: receiptHandle })).pipe(
          Effect.asVoid,
          Effect.withSpan("Sqs.delete", { captureStackTrace: false })
        ),
      approximateStats: (url) =>
        call(
          SqsService,
          target,
          new GetQueueAttributesCommand({
            QueueUrl: url,
            AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]
          })
        ).pipe(
          Effect.map((out) => ({
            visible: toInt(out.Attributes?.ApproximateNumberOfMessages),
            inFlight: toInt(out.Attributes?.ApproximateNumberOfMessagesNotVisible),
            delayed: toInt(out.Attributes?.ApproximateNumberOfMessagesDelayed)
          })),
          Effect.withSpan("Sqs.approximateStats", { captureStackTrace: false })
        )
    } satisfies SqsShape
  })

/** The adapter over the AwsClients in context; `target` picks the region (default: the configured one). */
export const layer = (target: AwsTarget = {}): Layer.Layer<Sqs, never, AwsClients.AwsClients> => Layer.effect(Sqs, make(target))
