/**
 * Amazon SQS over JSON 1.0 in query-compatible mode (`AmazonSQS.*` with
 * `x-amzn-query-mode`): errors carry both the JSON shape name and the legacy
 * query code (`AWS.SimpleQueueService.NonExistentQueue`) in
 * `x-amzn-query-error`. Queues are per account and region; the queue URL is
 * `<endpoint>/<account>/<name>` like AWS's `https://sqs.<region>.amazonaws.com/<account>/<name>`.
 * ReceiveMessage long-polls (bounded by WaitTimeSeconds <= 20 s and by
 * `maxWaitMs`) on a Schedule, not a sleep loop.
 */
import { createHash } from "node:crypto"
import { Effect, Schedule } from "effect"
import type { AwsError, Operation, RequestContext, ServiceFactory } from "../../ServiceHandler.js"
import { type Input, num, records, str, strings } from "../Input.js"
import { paginate } from "../Pagination.js"
import {
  BATCH_ID, DEDUP_WINDOW_MS, e, FIFO_NAME, invalidValue, messageAttributes, noQueue, QUEUE_NAME, READ_ONLY_ATTRIBUTES, SETTABLE, stringMap,
  SYSTEM_ATTRIBUTES, validateAttributes
} from "./SqsInputs.js"
import {
  counts, DEFAULT_ATTRIBUTES, decodeHandle, intAttribute, makeMessage, type Message,
  type Queue, queueKey, receive
} from "./SqsQueues.js"
import { makeSqsMetrics } from "./SqsMetrics.js"

export interface SqsOptions {
  /** Upper bound on one long poll in real milliseconds (default 20,000, AWS's maximum). */
  readonly maxWaitMs?: number
}

/** `now` is the sandbox clock (for the CloudWatch gauges; operations read `ctx.now`). */
export const makeSqs = (options: SqsOptions = {}, now: () => Date = () => new Date()) => {
  const queues = new Map<string, Queue>()
  const recentlyDeleted = new Map<string, number>()
  const gauges = makeSqsMetrics(queues, now)
  const byArn = (arn: string) => [...queues.values()].find((q) => q.arn === arn)
  const key = queueKey

  const lookup = (input: Input, ctx: RequestContext): Effect.Effect<Queue, AwsError> => {
    const url = str(input, "QueueUrl") ?? ""
    const parts = url.replace(/\/+$/, "").split("/")
    const name = parts[parts.length - 1] ?? ""
    const account = parts[parts.length - 2] ?? ""
    const queue = queues.get(key(/^\d{12}$/.test(account) ? account : ctx.accountId, ctx.region, name))
    return queue === undefined ? Effect.fail(noQueue()) : Effect.succeed(queue)
  }

  const send = (queue: Queue, input: Input, ctx: RequestContext) =>
    Effect.gen(function* () {
      const body = str(input, "MessageBody") ?? ""
      if (body === "") return yield* e("MissingParameter", "MissingParameter", "The request must contain the parameter MessageBody.")
      if (Buffer.byteLength(body) > intAttribute(queue, "MaximumMessageSize")) {
        return yield* invalidValue(`One or more parameters are invalid. Reason: Message must be shorter than ${intAttribute(queue, "MaximumMessageSize")} bytes.`)
      }
      if (/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u.test(body)) {
        return yield* e("InvalidMessageContents", "InvalidMessageContents", "Invalid characters found.")
      }
      const delay = num(input, "DelaySeconds") ?? intAttribute(queue, "DelaySeconds")
      if (delay < 0 || delay > 900) return yield* invalidValue(`Value ${delay} for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.`)
      const attributes = yield* messageAttributes(input)
      const now = ctx.now.getTime()
      const groupId = str(input, "MessageGroupId")
      if (queue.attributes["FifoQueue"] !== "true") {
        const message = makeMessage(body, attributes, now, delay, ctx.caller.userId, groupId)
        queue.messages.push(message)
        return message
      }
      // FIFO: a group id is required, duplicates within 5 minutes are accepted but not enqueued again.
      if (groupId === undefined) return yield* e("MissingParameter", "MissingParameter", "The request must contain the parameter MessageGroupId.")
      if (input["DelaySeconds"] !== undefined) {
        return yield* invalidValue("Value for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.")
      }
      const dedupId = str(input, "MessageDeduplicationId") ?? (queue.attributes["ContentBasedDeduplication"] === "true" ? createHash("sha256").update(body).digest("hex") : undefined)
      if (dedupId === undefined) {
        return yield* invalidValue("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
      }
      for (const [id, seen] of queue.dedup) if (now - seen.at >= DEDUP_WINDOW_MS) queue.dedup.delete(id)
      const duplicate = queue.dedup.get(dedupId)
      if (duplicate !== undefined) return duplicate.message
      queue.sequence += 1
      const message = makeMessage(body, attributes, now, intAttribute(queue, "DelaySeconds"), ctx.caller.userId, groupId, { dedupId, sequenceNumber: String(queue.sequence).padStart(20, "0") })
      queue.dedup.set(dedupId, { message, at: now })
      queue.messages.push(message)
      return message
    })

  const sentView = (m: Message) => ({
    MD5OfMessageBody: m.md5,
    ...(m.md5Attributes === undefined ? {} : { MD5OfMessageAttributes: m.md5Attributes }),
    MessageId: m.id,
    ...(m.sequenceNumber === undefined ? {} : { SequenceNumber: m.sequenceNumber })
  })

  const batch = <A>(input: Input, field: string, each: (entry: Input) => Effect.Effect<A, AwsError>) =>
    Effect.gen(function* () {
      const entries = records(input, field)
      if (entries.length === 0) return yield* e("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", "There should be at least one SendMessageBatchRequestEntry in the request.")
      if (entries.length > 10) return yield* e("TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", `Maximum number of entries per request are 10. You have sent ${entries.length}.`)
      const ids = entries.map((entry) => str(entry, "Id") ?? "")
      if (new Set(ids).size !== ids.length) return yield* e("BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "Id entries must be distinct.")
      const bad = ids.find((id) => !BATCH_ID.test(id))
      if (bad !== undefined) return yield* e("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.`)
      const Successful: Array<A> = []
      const Failed: Array<{ Id: string; SenderFault: boolean; Code: string; Message: string }> = []
      for (const entry of entries) {
        const result = yield* Effect.either(each(entry))
        if (result._tag === "Right") Successful.push(result.right)
        else Failed.push({ Id: str(entry, "Id") ?? "", SenderFault: result.left.status < 500, Code: result.left.queryCode ?? result.left.code, Message: result.left.message })
      }
      return { Successful, Failed }
    })

  const deleteByHandle = (queue: Queue, handle: string): Effect.Effect<void, AwsError> => {
    const decoded = decodeHandle(handle)
    if (decoded === undefined || decoded.queueArn !== queue.arn) {
      return Effect.fail(e("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", `The input receipt handle "${handle}" is not a valid receipt handle.`, 404))
    }
    queue.messages = queue.messages.filter((m) => m.id !== decoded.messageId)
    return Effect.void
  }

  const changeVisibility = (queue: Queue, input: Input, now: number): Effect.Effect<void, AwsError> => {
    const handle = str(input, "ReceiptHandle") ?? ""
    const timeout = num(input, "VisibilityTimeout") ?? -1
    if (timeout < 0 || timeout > 43_200) return Effect.fail(invalidValue(`Value ${timeout} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200.`))
    const decoded = decodeHandle(handle)
    if (decoded === undefined || decoded.queueArn !== queue.arn) {
      return Effect.fail(e("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", `The input receipt handle "${handle}" is not a valid receipt handle.`, 404))
    }
    const message = queue.messages.find((m) => m.id === decoded.messageId)
    if (message === undefined || message.visibleAt <= now) {
      return Effect.fail(e("MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", "The message referred to isn't in flight."))
    }
    message.visibleAt = now + timeout * 1000
    return Effect.void
  }

  const queueAttributes = (queue: Queue, names: ReadonlyArray<string>, now: number): Record<string, string> => {
    const c = counts(queue, now)
    const all: Record<string, string> = {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(c.visible),
      ApproximateNumberOfMessagesNotVisible: String(c.notVisible),
      ApproximateNumberOfMessagesDelayed: String(c.delayed),
      CreatedTimestamp: String(Math.floor(queue.createdAt / 1000)),
      LastModifiedTimestamp: String(Math.floor(queue.lastModifiedAt / 1000)),
      ...DEFAULT_ATTRIBUTES,
      ...queue.attributes
    }
    if (names.includes("All")) return all
    return Object.fromEntries(names.filter((n) => all[n] !== undefined).map((n) => [n, all[n] ?? ""]))
  }

  const receivedView = (m: Message, input: Input) => {
    const systemNames = [...strings(input, "MessageSystemAttributeNames"), ...strings(input, "AttributeNames")]
    const wanted = systemNames.includes("All") ? SYSTEM_ATTRIBUTES : SYSTEM_ATTRIBUTES.filter((n) => systemNames.includes(n))
    const system: Record<string, string> = {
      SenderId: m.senderId,
      SentTimestamp: String(m.sentAt),
      ApproximateReceiveCount: String(m.receiveCount),
      ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
      ...(m.groupId === undefined ? {} : { MessageGroupId: m.groupId }),
      ...(m.dedupId === undefined ? {} : { MessageDeduplicationId: m.dedupId }),
      ...(m.sequenceNumber === undefined ? {} : { SequenceNumber: m.sequenceNumber })
    }
    const attributes = Object.fromEntries(wanted.filter((n) => system[n] !== undefined).map((n) => [n, system[n] ?? ""]))
    const attributeNames = strings(input, "MessageAttributeNames")
    const selected = Object.fromEntries(
      Object.entries(m.attributes).filter(([name]) =>
        attributeNames.some((w) => w === "All" || w === ".*" || w === name || (w.endsWith(".*") && name.startsWith(w.slice(0, -1))))
      )
    )
    return {
      MessageId: m.id,
      ReceiptHandle: m.handle,
      MD5OfBody: m.md5,
      Body: m.body,
      ...(Object.keys(attributes).length === 0 ? {} : { Attributes: attributes }),
      ...(m.md5Attributes === undefined || Object.keys(selected).length === 0 ? {} : { MD5OfMessageAttributes: m.md5Attributes, MessageAttributes: selected })
    }
  }

  const operations: Record<string, Operation> = {
    CreateQueue: (input, ctx) =>
      Effect.gen(function* () {
        const name = str(input, "QueueName") ?? ""
        const attributes = stringMap(input, "Attributes")
        const fifo = attributes["FifoQueue"] === "true"
        if (!(fifo ? FIFO_NAME : QUEUE_NAME).test(name)) {
          return yield* invalidValue("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
        }
        yield* validateAttributes(attributes, (arn) => byArn(arn) !== undefined)
        const k = key(ctx.accountId, ctx.region, name)
        const existing = queues.get(k)
        const url = `${ctx.endpoint}/${ctx.accountId}/${name}`
        if (existing !== undefined) {
          const differs = Object.entries(attributes).some(([n, v]) => (existing.attributes[n] ?? DEFAULT_ATTRIBUTES[n]) !== v)
          if (differs) return yield* e("QueueNameExists", "QueueAlreadyExists", "A queue already exists with the same name and a different value for attribute(s)")
          return { QueueUrl: url }
        }
        const deletedAt = recentlyDeleted.get(k)
        if (deletedAt !== undefined && ctx.now.getTime() - deletedAt < 60_000) {
          return yield* e("QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently", "You must wait 60 seconds after deleting a queue before you can create another with the same name.")
        }
        const now = ctx.now.getTime()
        queues.set(k, {
          name, accountId: ctx.accountId, region: ctx.region, url, arn: `arn:aws:sqs:${ctx.region}:${ctx.accountId}:${name}`,
          createdAt: now, lastModifiedAt: now, attributes, tags: stringMap(input, "tags"), messages: [], dedup: new Map(), sequence: 0
        })
        return { QueueUrl: url }
      }),

    GetQueueUrl: (input, ctx) => {
      const owner = str(input, "QueueOwnerAWSAccountId") ?? ctx.accountId
      const queue = queues.get(key(owner, ctx.region, str(input, "QueueName") ?? ""))
      return queue === undefined ? Effect.fail(noQueue()) : Effect.succeed({ QueueUrl: `${ctx.endpoint}/${queue.accountId}/${queue.name}` })
    },

    GetQueueAttributes: (input, ctx) =>
      Effect.gen(function* () {
        const queue = yield* lookup(input, ctx)
        const names = strings(input, "AttributeNames")
        const known = new Set([...READ_ONLY_ATTRIBUTES, ...SETTABLE, "All"])
        const unknown = names.find((n) => !known.has(n))
        if (unknown !== undefined) return yield* e("InvalidAttributeName", "InvalidAttributeName", `Unknown Attribute ${unknown}.`)
        const attributes = queueAttributes(queue, names, ctx.now.getTime())
        return Object.keys(attributes).length === 0 ? {} : { Attributes: attributes }
      }),

    SetQueueAttributes: (input, ctx) =>
      Effect.gen(function* () {
        const queue = yield* lookup(input, ctx)
        const attributes = stringMap(input, "Attributes")
        yield* validateAttributes(attributes, (arn) => byArn(arn) !== undefined)
        queue.attributes = { ...queue.attributes, ...attributes }
        queue.lastModifiedAt = ctx.now.getTime()
        return {}
      }),

    SendMessage: (input, ctx) =>
      Effect.gen(function* () {
        const queue = yield* lookup(input, ctx)
        return sentView(yield* send(queue, input, ctx))
      }),

    SendMessageBatch: (input, ctx) =>
      Effect.gen(function* () {
        const queue = yield* lookup(input, ctx)
        return yield* batch(input, "Entries", (entry) => Effect.map(send(queue, entry, ctx), (m) => ({ Id: str(entry, "Id") ?? "", ...sentView(m) })))
      }),

    ReceiveMessage: (input, ctx) =>
      Effect.gen(function* () {
        const queue = yield* lookup(input, ctx)
        const max = num(input, "MaxNumberOfMessages") ?? 1
        if (!Number.isInteger(max) || max < 1 || max > 10) {
          return yield* invalidValue(`Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`)
        }
        const visibility = num(input, "VisibilityTimeout") ?? intAttribute(queue, "VisibilityTimeout")
        const wait = num(input, "WaitTimeSeconds") ?? intAttribute(queue, "ReceiveMessageWaitTimeSeconds")
        if (wait < 0 || wait > 20) return yield* invalidValue(`Value ${wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`)
        const waitMs = Math.min(wait * 1000, options.maxWaitMs ?? 20_000)
        // The sandbox clock may run ahead of wall time; polling re-reads it.
        const offset = ctx.now.getTime() - Date.now()
        const attempt = Effect.sync(() => {
          const at = Date.now() + offset
          // A long poll receives later than it was asked: the gauges' minutes up to then are measured first.
          gauges.beforeOperation(new Date(at))
          return receive(queue, at, max, visibility, byArn)
        })
        const messages = waitMs === 0
          ? yield* attempt
          : yield* attempt.pipe(
              Effect.filterOrFail((found) => found.length > 0, () => "empty" as const),
              Effect.retry(Schedule.spaced("25 millis").pipe(Schedule.upTo(`${waitMs} millis`))),
              Effect.orElseSucceed((): ReadonlyArray<Message> => [])
            )
        return messages.length === 0 ? {} : { Messages: messages.map((m) => receivedView(m, input)) }
      }),

    DeleteMessage: (input, ctx) =>
      Effect.gen(function* () {
        const queue = yield* lookup(input, ctx)
        yield* deleteByHandle(queue, str(input, "ReceiptHandle") ?? "")
        return {}
      }),

    DeleteMessageBatch: (input, ctx) =>
      Effect.gen(function* () {
        const queue = yield* lookup(input, ctx)
        return yield* batch(input, "Entries", (entry) => Effect.as(deleteByHandle(queue, str(entry, "ReceiptHandle") ?? ""), { Id: str(entry, "Id") ?? "" }))
      }),

    ChangeMessageVisibility: (input, ctx) =>
      Effect.gen(function* () {
        const queue = yield* lookup(input, ctx)
        yield* changeVisibility(queue, input, ctx.now.getTime())
        return {}
      }),

    ChangeMessageVisibilityBatch: (input, ctx) =>
      Effect.gen(function* () {
        const queue = yield* lookup(input, ctx)
        return yield* batch(input, "Entries", (entry) => Effect.as(changeVisibility(queue, entry, ctx.now.getTime()), { Id: str(entry, "Id") ?? "" }))
      }),

    TagQueue: (input, ctx) =>
      Effect.gen(function* () {
        const queue = yield* lookup(input, ctx)
        queue.tags = { ...queue.tags, ...stringMap(input, "Tags") }
        return {}
      }),

    UntagQueue: (input, ctx) =>
      Effect.gen(function* () {
        const queue = yield* lookup(input, ctx)
        const keys = new Set(strings(input, "TagKeys"))
        queue.tags = Object.fromEntries(Object.entries(queue.tags).filter(([k]) => !keys.has(k)))
        return {}
      }),

    ListQueueTags: (input, ctx) =>
      Effect.map(lookup(input, ctx), (queue) => (Object.keys(queue.tags).length === 0 ? {} : { Tags: queue.tags })),

    PurgeQueue: (input, ctx) =>
      Effect.gen(function* () {
        const queue = yield* lookup(input, ctx)
        const now = ctx.now.getTime()
        if (queue.purgedAt !== undefined && now - queue.purgedAt < 60_000) {
          return yield* e("PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", `Only one PurgeQueue operation on ${queue.name} is allowed every 60 seconds.`, 403)
        }
        queue.purgedAt = now
        queue.messages = []
        return {}
      }),

    ListQueues: (input, ctx) =>
      Effect.gen(function* () {
        const prefix = str(input, "QueueNamePrefix") ?? ""
        const max = num(input, "MaxResults")
        if (max !== undefined && (max < 1 || max > 1000)) return yield* invalidValue("Value for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.")
        const urls = [...queues.values()]
          .filter((q) => q.accountId === ctx.accountId && q.region === ctx.region && q.name.startsWith(prefix))
          .map((q) => `${ctx.endpoint}/${q.accountId}/${q.name}`)
          .sort()
        const token = str(input, "NextToken")
        if (max === undefined && token === undefined) {
          const first = urls.slice(0, 1000)
          return first.length === 0 ? {} : { QueueUrls: first }
        }
        const p = yield* paginate(urls, { scope: `queues:${ctx.accountId}:${ctx.region}:${prefix}`, token, pageSize: max ?? 1000, invalidToken: () => invalidValue("Invalid NextToken value.") })
        return { ...(p.items.length === 0 ? {} : { QueueUrls: p.items }), ...(p.nextToken === undefined ? {} : { NextToken: p.nextToken }) }
      }),

    DeleteQueue: (input, ctx) =>
      Effect.gen(function* () {
        const queue = yield* lookup(input, ctx)
        const k = key(queue.accountId, queue.region, queue.name)
        queues.delete(k)
        recentlyDeleted.set(k, ctx.now.getTime())
        return {}
      })
  }

  // The CloudWatch gauges measure the minutes that ended on the queues as they were, before an operation changes them.
  const measured: Record<string, Operation> = Object.fromEntries(
    Object.entries(operations).map(([name, operation]): [string, Operation] => [name, (input, ctx) => Effect.suspend(() => {
      gauges.beforeOperation(ctx.now)
      return operation(input, ctx)
    })])
  )

  const factory: ServiceFactory = () => ({
    signingName: "sqs",
    jsonNamespace: "com.amazonaws.sqs",
    protocol: "json1.0",
    targetPrefix: "AmazonSQS",
    queryCompatible: true,
    readOnly: new Set(["ReceiveMessage", "ListQueueTags"]),
    errors: {
      throttling: { code: "RequestThrottled", status: 403, message: "Request is throttled.", queryCode: "RequestThrottled" },
      internal: { code: "InternalError", status: 500, message: "We encountered an internal error. Please try again." }
    },
    operations: measured
  })

  return { factory, metrics: gauges.source, queues }
}
