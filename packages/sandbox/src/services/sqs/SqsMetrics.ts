/**
 * SQS's CloudWatch gauges (AWS/SQS, dimension QueueName) read live from the
 * queues: one point at the latest period, like AWS's one-minute gauges.
 */
import type { MetricSource } from "../../EstateContract.js"
import { counts, expire, type Queue, queueKey } from "./SqsQueues.js"

const SQS_METRICS = ["ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed", "ApproximateAgeOfOldestMessage"] as const

/** `now` is the sandbox clock, so gauges agree with what SQS itself answers. */
export const makeSqsMetrics = (queues: ReadonlyMap<string, Queue>, now: () => Date): MetricSource => {
  return {
    points: (q) => {
      if (q.namespace !== "AWS/SQS") return []
      const name = q.dimensions.find((d) => d.name === "QueueName")?.value
      const queue = name === undefined ? undefined : queues.get(queueKey(q.accountId, q.region, name))
      if (queue === undefined) return []
      const nowMs = Math.min(q.end.getTime(), now().getTime())
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
      const periodMs = q.period * 1000
      const last = Math.floor((nowMs - 1) / periodMs) * periodMs
      return last >= q.start.getTime() ? [{ timestamp: new Date(last), value: v }] : []
    },
    list: (accountId, region) =>
      [...queues.values()]
        .filter((queue) => queue.accountId === accountId && queue.region === region)
        .flatMap((queue) =>
          SQS_METRICS.map((metricName) => ({ namespace: "AWS/SQS", metricName, dimensions: [{ name: "QueueName", value: queue.name }] }))
        )
  }

}
