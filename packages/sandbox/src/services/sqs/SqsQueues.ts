/**
 * SQS queues and messages: visibility timeouts, receive counts, redrive to a
 * dead-letter queue, retention and delays, all measured on the sandbox clock.
 * The MD5 digests are the ones the SDK checks on send and receive.
 */
import { createHash, randomUUID } from "node:crypto"

export interface MessageAttribute {
  readonly DataType: string
  readonly StringValue?: string
  readonly BinaryValue?: string
}

export interface Message {
  readonly id: string
  readonly body: string
  readonly md5: string
  readonly attributes: Readonly<Record<string, MessageAttribute>>
  readonly md5Attributes?: string
  readonly sentAt: number
  readonly senderId: string
  readonly groupId?: string
  /** FIFO only. */
  readonly dedupId?: string
  readonly sequenceNumber?: string
  receiveCount: number
  firstReceiveAt?: number
  visibleAt: number
  /** The receipt handle of the latest receive. */
  handle?: string
}

export interface Queue {
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly url: string
  readonly arn: string
  readonly createdAt: number
  lastModifiedAt: number
  attributes: Record<string, string>
  tags: Record<string, string>
  messages: Array<Message>
  purgedAt?: number
  /** FIFO: deduplication ids seen in the last 5 minutes, and the sequence counter. */
  readonly dedup: Map<string, { readonly message: Message; readonly at: number }>
  sequence: number
}

export const DEFAULT_ATTRIBUTES: Readonly<Record<string, string>> = {
  VisibilityTimeout: "30",
  MaximumMessageSize: "262144",
  MessageRetentionPeriod: "345600",
  DelaySeconds: "0",
  ReceiveMessageWaitTimeSeconds: "0",
  SqsManagedSseEnabled: "true"
}

/** Settable attributes and their valid integer ranges (strings are validated elsewhere). */
export const ATTRIBUTE_RANGES: Readonly<Record<string, readonly [number, number]>> = {
  VisibilityTimeout: [0, 43_200],
  MaximumMessageSize: [1_024, 262_144],
  MessageRetentionPeriod: [60, 1_209_600],
  DelaySeconds: [0, 900],
  ReceiveMessageWaitTimeSeconds: [0, 20]
}

/** Queues are per account and region. */
export const queueKey = (accountId: string, region: string, name: string): string => `${accountId}/${region}/${name}`

export const md5 = (data: string | Buffer): string => createHash("md5").update(data).digest("hex")

/** SQS's digest of message attributes: sorted by name, each field length-prefixed (big-endian u32). */
export const md5OfAttributes = (attributes: Readonly<Record<string, MessageAttribute>>): string | undefined => {
  const names = Object.keys(attributes).sort()
  if (names.length === 0) return undefined
  const parts: Array<Buffer> = []
  const lengthPrefixed = (data: Buffer) => {
    const len = Buffer.alloc(4)
    len.writeUInt32BE(data.length)
    parts.push(len, data)
  }
  for (const name of names) {
    const attribute = attributes[name]
    if (attribute === undefined) continue
    lengthPrefixed(Buffer.from(name, "utf8"))
    lengthPrefixed(Buffer.from(attribute.DataType, "utf8"))
    if (attribute.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]))
      lengthPrefixed(Buffer.from(attribute.BinaryValue, "base64"))
    } else {
      parts.push(Buffer.from([1]))
      lengthPrefixed(Buffer.from(attribute.StringValue ?? "", "utf8"))
    }
  }
  return md5(Buffer.concat(parts))
}

export const makeMessage = (
  body: string,
  attributes: Readonly<Record<string, MessageAttribute>>,
  now: number,
  delaySeconds: number,
  senderId: string,
  groupId?: string,
  fifo?: { readonly dedupId: string; readonly sequenceNumber: string }
): Message => {
  const md5Attributes = md5OfAttributes(attributes)
  return {
    id: randomUUID(),
    body,
    md5: md5(body),
    attributes,
    ...(md5Attributes === undefined ? {} : { md5Attributes }),
    sentAt: now,
    senderId,
    ...(groupId === undefined ? {} : { groupId }),
    ...(fifo === undefined ? {} : fifo),
    receiveCount: 0,
    visibleAt: now + delaySeconds * 1000
  }
}

export const intAttribute = (queue: Queue, name: string): number => Number(queue.attributes[name] ?? DEFAULT_ATTRIBUTES[name] ?? "0")

/** Drops messages past the retention period. */
export const expire = (queue: Queue, now: number): void => {
  const retentionMs = intAttribute(queue, "MessageRetentionPeriod") * 1000
  queue.messages = queue.messages.filter((m) => now - m.sentAt < retentionMs)
}

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string
  readonly maxReceiveCount: number
}

export const redrivePolicyOf = (queue: Queue): RedrivePolicy | undefined => {
  const raw = queue.attributes["RedrivePolicy"]
  if (raw === undefined || raw === "") return undefined
  try {
    const parsed = JSON.parse(raw) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown }
    const max = Number(parsed.maxReceiveCount)
    return typeof parsed.deadLetterTargetArn === "string" && Number.isInteger(max) ? { deadLetterTargetArn: parsed.deadLetterTargetArn, maxReceiveCount: max } : undefined
  } catch {
    return undefined
  }
}

export const encodeHandle = (queue: Queue, message: Message): string =>
  Buffer.from(JSON.stringify({ q: queue.arn, m: message.id, n: message.receiveCount, r: randomUUID().slice(0, 8) })).toString("base64")

export const decodeHandle = (handle: string): { readonly queueArn: string; readonly messageId: string } | undefined => {
  try {
    const parsed = JSON.parse(Buffer.from(handle, "base64").toString("utf8")) as { q?: unknown; m?: unknown }
    return typeof parsed.q === "string" && typeof parsed.m === "string" ? { queueArn: parsed.q, messageId: parsed.m } : undefined
  } catch {
    return undefined
  }
}

/**
 * Takes up to `max` visible messages: each gets a new receipt handle, its
 * receive count goes up and it hides for `visibilitySeconds`. A message that
 * was already received `maxReceiveCount` times moves to the dead-letter queue
 * instead (AWS redrives on the receive after the count is exceeded).
 */
export const receive = (
  queue: Queue,
  now: number,
  max: number,
  visibilitySeconds: number,
  deadLetter: (arn: string) => Queue | undefined
): ReadonlyArray<Message> => {
  expire(queue, now)
  const policy = redrivePolicyOf(queue)
  const out: Array<Message> = []
  const busyGroups = new Set(queue.messages.filter((m) => m.groupId !== undefined && m.visibleAt > now && m.receiveCount > 0).map((m) => m.groupId))
  for (const message of [...queue.messages]) {
    if (out.length >= max) break
    if (message.visibleAt > now) continue
    if (message.groupId !== undefined && busyGroups.has(message.groupId)) continue
    if (policy !== undefined && message.receiveCount >= policy.maxReceiveCount) {
      const dlq = deadLetter(policy.deadLetterTargetArn)
      if (dlq !== undefined) {
        queue.messages = queue.messages.filter((m) => m !== message)
        dlq.messages.push({ ...message, visibleAt: now })
        continue
      }
    }
    message.receiveCount += 1
    message.firstReceiveAt ??= now
    message.visibleAt = now + visibilitySeconds * 1000
    message.handle = encodeHandle(queue, message)
    if (message.groupId !== undefined) busyGroups.add(message.groupId)
    out.push(message)
  }
  return out
}

/** The queue's gauges at `now`, reading it only: messages past their retention at `now` are not counted (and not removed). */
export const countsAt = (queue: Queue, now: number) => {
  const retentionMs = intAttribute(queue, "MessageRetentionPeriod") * 1000
  let visible = 0
  let notVisible = 0
  let delayed = 0
  let oldest: number | undefined
  for (const m of queue.messages) {
    if (now - m.sentAt >= retentionMs) continue
    if (m.visibleAt <= now) visible += 1
    else if (m.receiveCount > 0) notVisible += 1
    else delayed += 1
    oldest = oldest === undefined ? m.sentAt : Math.min(oldest, m.sentAt)
  }
  return { visible, notVisible, delayed, ageOfOldestSeconds: oldest === undefined ? 0 : Math.floor((now - oldest) / 1000) }
}

/** The queue's gauges at `now`, after removing the messages past their retention. */
export const counts = (queue: Queue, now: number) => {
  expire(queue, now)
  return countsAt(queue, now)
}
