/**
 * SQS request validation and the error shapes SQS answers with (JSON shape
 * name plus the legacy query code for `x-amzn-query-error`).
 */
import { Effect } from "effect"
import type { AwsError } from "../../ServiceHandler.js"
import { awsError } from "../../ServiceHandler.js"
import { type Input, record, str } from "../Input.js"
import { ATTRIBUTE_RANGES, DEFAULT_ATTRIBUTES, type MessageAttribute } from "./SqsQueues.js"

export const e = (code: string, queryCode: string, message: string, status = 400): AwsError => awsError(code, message, { status, queryCode })
export const noQueue = () => e("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.")
export const invalidValue = (message: string) => e("InvalidParameterValue", "InvalidParameterValue", message)
export const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/
export const FIFO_NAME = /^[A-Za-z0-9_-]{1,75}\.fifo$/
export const BATCH_ID = /^[A-Za-z0-9_-]{1,80}$/
export const SYSTEM_ATTRIBUTES = ["SenderId", "SentTimestamp", "ApproximateReceiveCount", "ApproximateFirstReceiveTimestamp", "MessageGroupId", "MessageDeduplicationId", "SequenceNumber"] as const
export const DEDUP_WINDOW_MS = 5 * 60_000
export const READ_ONLY_ATTRIBUTES = ["QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed", "CreatedTimestamp", "LastModifiedTimestamp"]
export const SETTABLE = new Set([...Object.keys(DEFAULT_ATTRIBUTES), "RedrivePolicy", "RedriveAllowPolicy", "Policy", "FifoQueue", "ContentBasedDeduplication", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "DeduplicationScope", "FifoThroughputLimit"])

export const validateAttributes = (attributes: Record<string, string>, queueExists: (arn: string) => boolean): Effect.Effect<void, AwsError> => {
    for (const [name, value] of Object.entries(attributes)) {
      if (!SETTABLE.has(name)) return Effect.fail(e("InvalidAttributeName", "InvalidAttributeName", `Unknown Attribute ${name}.`))
      const range = ATTRIBUTE_RANGES[name]
      const n = Number(value)
      if (range !== undefined && (!/^\d+$/.test(value) || n < range[0] || n > range[1])) {
        return Effect.fail(e("InvalidAttributeValue", "InvalidAttributeValue", `Invalid value for the parameter ${name}.`))
      }
      if (name === "RedrivePolicy" && value !== "") {
        try {
          const parsed = JSON.parse(value) as { deadLetterTargetArn?: unknown; maxReceiveCount?: unknown }
          const max = Number(parsed.maxReceiveCount)
          if (typeof parsed.deadLetterTargetArn !== "string" || !Number.isInteger(max) || max < 1 || max > 1000) throw new Error("bad")
          if (!queueExists(parsed.deadLetterTargetArn)) {
            return Effect.fail(e("InvalidAttributeValue", "InvalidAttributeValue", `Value ${value} for parameter RedrivePolicy is invalid. Reason: Dead letter target does not exist.`))
          }
        } catch {
          return Effect.fail(e("InvalidAttributeValue", "InvalidAttributeValue", `Value ${value} for parameter RedrivePolicy is invalid. Reason: Redrive policy is not a valid JSON map.`))
        }
      }
    }
    return Effect.void
  }


export const stringMap = (input: Input, field: string): Record<string, string> =>
    Object.fromEntries(Object.entries(record(input, field) ?? {}).filter((kv): kv is [string, string] => typeof kv[1] === "string"))


export const messageAttributes = (input: Input): Effect.Effect<Record<string, MessageAttribute>, AwsError> => {
    const out: Record<string, MessageAttribute> = {}
    for (const [name, raw] of Object.entries(record(input, "MessageAttributes") ?? {})) {
      const attr = typeof raw === "object" && raw !== null ? (raw as Input) : {}
      const dataType = str(attr, "DataType")
      if (dataType === undefined) return Effect.fail(invalidValue(`The message attribute '${name}' must contain non-empty message attribute type.`))
      const stringValue = str(attr, "StringValue")
      const binaryValue = str(attr, "BinaryValue")
      out[name] = { DataType: dataType, ...(stringValue === undefined ? {} : { StringValue: stringValue }), ...(binaryValue === undefined ? {} : { BinaryValue: binaryValue }) }
    }
    return Effect.succeed(out)
  }

