/**
 * SQS's CloudWatch gauges (AWS/SQS, dimension QueueName) read live from the
 * queues. The SQS Developer Guide: "CloudWatch metrics for your Amazon SQS
 * queues are automatically collected and pushed to CloudWatch at one-minute
 * intervals"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-monitoring-using-cloudwatch.html).
 * So a gauge is a sample per minute, stamped with its minute; a query
 * aggregates the samples into its own periods, which count from its StartTime
 * as CloudWatch rounds it (`PeriodWindow`), like every other series.
 *
 * The sandbox keeps no history of a queue: the one sample it answers is the
 * minute of the window's end (or of now, when the window runs past now),
 * measured on the queue as it is, and none from before the queue was created.
 */
import type { MetricSource } from "../../EstateContract.js"
import { periodOf, periodStart, periodWindow } from "../cloudwatch/PeriodWindow.js"
import { counts, expire, type Queue, queueKey } from "./SqsQueues.js"

const MINUTE_MS = 60_000
const SQS_METRICS = ["ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed", "ApproximateAgeOfOldestMessage"] as const

/** `now` is the sandbox clock, so gauges agree with what SQS itself answers. */
export const makeSqsMetrics = (queues: ReadonlyMap<string, Queue>, now: () => Date): MetricSource => {
  return {
    points: (q) => {
      if (q.namespace !== "AWS/SQS") return []
      const name = q.dimensions.find((d) => d.name === "QueueName")?.value
      const queue = name === undefined ? undefined : queues.get(queueKey(q.accountId, q.region, name))
      if (queue === undefined) return []
      // The end is exclusive: a window ending in the past is sampled in its last millisecond.
      const nowMs = Math.min(q.end.getTime() - 1, now().getTime())
      expire(queue, nowMs)
      const c = counts(queue, nowMs)
      const value: Record<string, number> = {
        ApproximateNumberOfMessagesVisible: c.visible,
        ApproximateNumberOfMessagesNotVisible: c.notVisible,
        ApproximateNumberOfMessagesDelayed: c.delayed,
        ApproximateAgeOfOldestMessage: c.ageOfOldestSeconds
      }
      const v = value[q.metricName]
      if (v === undefined) return []
      // The sample's minute, in the query's period that holds it (none outside the window or before the queue).
      const minute = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS
      const window = periodWindow(q.start.getTime(), q.end.getTime(), q.period * 1000)
      const k = minute < Math.floor(queue.createdAt / MINUTE_MS) * MINUTE_MS ? undefined : periodOf(window, minute)
      return k === undefined ? [] : [{ timestamp: new Date(periodStart(window, k)), value: v }]
    },
    list: (accountId, region) =>
      [...queues.values()]
        .filter((queue) => queue.accountId === accountId && queue.region === region)
        .flatMap((queue) =>
          SQS_METRICS.map((metricName) => ({ namespace: "AWS/SQS", metricName, dimensions: [{ name: "QueueName", value: queue.name }] }))
        )
  }

}
