import {
  ChangeMessageVisibilityCommand, CreateQueueCommand, DeleteMessageBatchCommand, DeleteMessageCommand, DeleteQueueCommand, GetQueueAttributesCommand,
  GetQueueUrlCommand, ListQueuesCommand, MessageNotInflight, paginateListQueues, PurgeQueueCommand, PurgeQueueInProgress, QueueDoesNotExist,
  QueueNameExists, ReceiptHandleIsInvalid, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SetQueueAttributesCommand,
  SQSClient, TooManyEntriesInBatchRequest, InvalidAttributeValue, TagQueueCommand, UntagQueueCommand, ListQueueTagsCommand,
  ChangeMessageVisibilityBatchCommand
} from "@aws-sdk/client-sqs"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { type SandboxHandle, start } from "../../Sandbox.js"
import { call } from "../../testing/SdkCalls.js"

const clientOf = (sandbox: SandboxHandle) =>
  new SQSClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, maxAttempts: 1 })
const failure = (f: () => Promise<unknown>) => Effect.promise(() => f().then(() => { throw new Error("expected a failure") }, (e: unknown) => e))

describe("SQS", () => {
  it.scoped("creates queues, answers attributes and lists with paging", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const sqs = clientOf(sandbox)
      const { QueueUrl } = yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "tasks", Attributes: { VisibilityTimeout: "10" } })))
      expect(QueueUrl).toBe(`${sandbox.endpoint}/${sandbox.accountId}/tasks`)
      const same = yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "tasks", Attributes: { VisibilityTimeout: "10" } })))
      expect(same.QueueUrl).toBe(QueueUrl)
      const clash = yield* failure(() => sqs.send(new CreateQueueCommand({ QueueName: "tasks", Attributes: { VisibilityTimeout: "11" } })))
      expect(clash).toBeInstanceOf(QueueNameExists)
      const byName = yield* call(() => sqs.send(new GetQueueUrlCommand({ QueueName: "tasks" })))
      expect(byName.QueueUrl).toBe(QueueUrl)
      const attrs = yield* call(() => sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] })))
      expect(attrs.Attributes).toMatchObject({ VisibilityTimeout: "10", ApproximateNumberOfMessages: "0", QueueArn: `arn:aws:sqs:us-east-1:${sandbox.accountId}:tasks` })
      const bad = yield* failure(() => sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { VisibilityTimeout: "99999" } })))
      expect(bad).toBeInstanceOf(InvalidAttributeValue)
      for (let i = 0; i < 5; i++) yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: `batch-${i}` })))
      const urls: Array<string> = []
      yield* call(async () => {
        for await (const page of paginateListQueues({ client: sqs, pageSize: 2 }, { QueueNamePrefix: "batch-" })) urls.push(...(page.QueueUrls ?? []))
      })
      expect(urls.length).toBe(5)
      const none = yield* call(() => sqs.send(new ListQueuesCommand({ QueueNamePrefix: "zzz" })))
      expect(none.QueueUrls).toBeUndefined()
      yield* call(() => sqs.send(new DeleteQueueCommand({ QueueUrl })))
      const gone = yield* failure(() => sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["All"] })))
      expect(gone).toBeInstanceOf(QueueDoesNotExist)
      expect((gone as QueueDoesNotExist).$metadata.httpStatusCode).toBe(400)
    }))

  it.scoped("sends and receives with MD5s the SDK verifies, visibility timeouts and receive counts", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const sqs = clientOf(sandbox)
      const { QueueUrl } = yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "work" })))
      const sent = yield* call(() =>
        sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "héllo ✓", MessageAttributes: { kind: { DataType: "String", StringValue: "agent" }, n: { DataType: "Number", StringValue: "3" } } }))
      )
      expect(sent.MD5OfMessageBody).toMatch(/^[0-9a-f]{32}$/)
      const first = yield* call(() =>
        sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30, MessageSystemAttributeNames: ["All"], MessageAttributeNames: ["All"] }))
      )
      const m = first.Messages?.[0]
      expect(m?.Body).toBe("héllo ✓")
      expect(m?.Attributes?.ApproximateReceiveCount).toBe("1")
      expect(m?.MessageAttributes?.kind?.StringValue).toBe("agent")
      expect(m?.MD5OfMessageAttributes).toBe(sent.MD5OfMessageAttributes)
      const hidden = yield* call(() => sqs.send(new ReceiveMessageCommand({ QueueUrl })))
      expect(hidden.Messages).toBeUndefined()
      const counts = yield* call(() => sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] })))
      expect(counts.Attributes).toEqual({ ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "1" })
      sandbox.clock.advance(31_000)
      const again = yield* call(() => sqs.send(new ReceiveMessageCommand({ QueueUrl, MessageSystemAttributeNames: ["ApproximateReceiveCount"] })))
      expect(again.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe("2")
      const handle = again.Messages?.[0]?.ReceiptHandle ?? ""
      yield* call(() => sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: handle, VisibilityTimeout: 0 })))
      const notInflight = yield* failure(() => sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: handle, VisibilityTimeout: 5 })))
      expect(notInflight).toBeInstanceOf(MessageNotInflight)
      const third = yield* call(() => sqs.send(new ReceiveMessageCommand({ QueueUrl })))
      yield* call(() => sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: third.Messages?.[0]?.ReceiptHandle ?? "" })))
      const invalid = yield* failure(() => sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: "garbage" })))
      expect(invalid).toBeInstanceOf(ReceiptHandleIsInvalid)
      sandbox.clock.advance(60_000)
      const empty = yield* call(() => sqs.send(new ReceiveMessageCommand({ QueueUrl })))
      expect(empty.Messages).toBeUndefined()
    }))

  it.scoped("redrives to the dead-letter queue after maxReceiveCount", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const sqs = clientOf(sandbox)
      const dlq = yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "work-dlq" })))
      const dlqArn = `arn:aws:sqs:us-east-1:${sandbox.accountId}:work-dlq`
      const { QueueUrl } = yield* call(() =>
        sqs.send(new CreateQueueCommand({ QueueName: "work", Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) } }))
      )
      yield* call(() => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "poison" })))
      for (let i = 1; i <= 2; i++) {
        const got = yield* call(() => sqs.send(new ReceiveMessageCommand({ QueueUrl, VisibilityTimeout: 1, MessageSystemAttributeNames: ["ApproximateReceiveCount"] })))
        expect(got.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe(String(i))
        sandbox.clock.advance(1_000)
      }
      const third = yield* call(() => sqs.send(new ReceiveMessageCommand({ QueueUrl })))
      expect(third.Messages).toBeUndefined()
      const dead = yield* call(() => sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, MessageSystemAttributeNames: ["ApproximateReceiveCount"] })))
      expect(dead.Messages?.[0]?.Body).toBe("poison")
      expect(dead.Messages?.[0]?.Attributes?.ApproximateReceiveCount).toBe("3")
      const noDlq = yield* failure(() =>
        sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:1:none", maxReceiveCount: 2 }) } }))
      )
      expect(noDlq).toBeInstanceOf(InvalidAttributeValue)
    }))

  it.scoped("batches sends and deletes, purges once a minute, expires after retention", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const sqs = clientOf(sandbox)
      const { QueueUrl } = yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "bulk", Attributes: { MessageRetentionPeriod: "60" } })))
      const sent = yield* call(() => sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `body ${i}` })) })))
      expect(sent.Successful?.length).toBe(10)
      const tooMany = yield* failure(() => sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `m${i}`, MessageBody: "x" })) })))
      expect(tooMany).toBeInstanceOf(TooManyEntriesInBatchRequest)
      const got = yield* call(() => sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 })))
      expect(got.Messages?.length).toBe(10)
      const deleted = yield* call(() =>
        sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries: [...(got.Messages ?? []).slice(0, 3).map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle ?? "" })), { Id: "bad", ReceiptHandle: "nope" }] }))
      )
      expect(deleted.Successful?.length).toBe(3)
      expect(deleted.Failed?.[0]).toMatchObject({ Id: "bad", Code: "ReceiptHandleIsInvalid", SenderFault: true })
      yield* call(() => sqs.send(new PurgeQueueCommand({ QueueUrl })))
      const purgeAgain = yield* failure(() => sqs.send(new PurgeQueueCommand({ QueueUrl })))
      expect(purgeAgain).toBeInstanceOf(PurgeQueueInProgress)
      yield* call(() => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "old" })))
      sandbox.clock.advance(61_000)
      const attrs = yield* call(() => sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] })))
      expect(attrs.Attributes?.ApproximateNumberOfMessages).toBe("0")
    }))

  it.scopedLive("long-polls until a message arrives", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const sqs = clientOf(sandbox)
      const { QueueUrl } = yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "poll" })))
      const waiting = yield* Effect.fork(call(() => sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 5 }))))
      yield* Effect.sleep("100 millis")
      yield* call(() => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "late" })))
      const got = yield* Fiber.join(waiting)
      expect(got.Messages?.[0]?.Body).toBe("late")
    }))

  it.scoped("keeps FIFO order per group, deduplicates for 5 minutes and numbers messages", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const sqs = clientOf(sandbox)
      const { QueueUrl } = yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "jobs.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } })))
      const a = yield* call(() => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "a1", MessageGroupId: "a" })))
      const dup = yield* call(() => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "a1", MessageGroupId: "a" })))
      expect(dup.MessageId).toBe(a.MessageId)
      expect(a.SequenceNumber).toMatch(/^\d{20}$/)
      yield* call(() => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "a2", MessageGroupId: "a" })))
      yield* call(() => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "b1", MessageGroupId: "b" })))
      const noGroup = yield* failure(() => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "x" })))
      expect((noGroup as Error).name).toBe("MissingParameter")
      const first = yield* call(() => sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 })))
      expect(first.Messages?.map((m) => m.Body)).toEqual(["a1", "b1"])
      const batch = yield* call(() =>
        sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries: (first.Messages ?? []).map((m, i) => ({ Id: `e${i}`, ReceiptHandle: m.ReceiptHandle ?? "", VisibilityTimeout: 0 })) }))
      )
      expect(batch.Successful?.length).toBe(2)
      yield* call(() => sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: first.Messages?.[0]?.ReceiptHandle ?? "" })))
      const next = yield* call(() => sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10 })))
      expect(next.Messages?.map((m) => m.Body)).toEqual(["a2", "b1"])
    }))

  it.scoped("tags queues", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const sqs = clientOf(sandbox)
      const { QueueUrl } = yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "tagged", tags: { Owner: "platform" } })))
      yield* call(() => sqs.send(new TagQueueCommand({ QueueUrl, Tags: { CostCenter: "cc-1" } })))
      yield* call(() => sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: ["Owner"] })))
      const tags = yield* call(() => sqs.send(new ListQueueTagsCommand({ QueueUrl })))
      expect(tags.Tags).toEqual({ CostCenter: "cc-1" })
    }))
})
