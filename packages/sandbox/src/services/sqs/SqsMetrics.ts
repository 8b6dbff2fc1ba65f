/**
 * SQS's CloudWatch gauges (AWS/SQS, dimension QueueName) read from the
 * queues. The SQS Developer Guide: "CloudWatch metrics for your Amazon SQS
 * queues are automatically collected and pushed to CloudWatch at one-minute
 * intervals"
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-monitoring-using-cloudwatch.html).
 * So a gauge is one sample per minute, stamped with its minute, from the
 * queue's creation on; a query aggregates the samples into its own periods,
 * which count from its StartTime as CloudWatch rounds it (`PeriodWindow`),
 * like every other series, with the statistic it asks.
 *
 * A minute's sample is the queue as it was at the end of that minute (the
 * current minute: as it is now). A queue changes by its own operations and by
 * time (visibility timeouts and delays ending, retention): SqsService calls
 * `beforeOperation` before each operation changes anything, and the minutes
 * since the previous one are then measured on the queue as it still is, at
 * each minute's end, and kept (15 days of minutes, what CloudWatch keeps at
 * that resolution; as the minutes where the sample changed). Minutes after
 * the last operation are measured when read.
 */
import type { MetricSource } from "../../EstateContract.js"
import { statistic } from "../cloudwatch/MetricStore.js"
import { periodOf, periodStart, periodWindow } from "../cloudwatch/PeriodWindow.js"
import { countsAt, type Queue, queueKey } from "./SqsQueues.js"

const MINUTE_MS = 60_000
/** One-minute samples are kept 15 days (MetricRetention). */
const KEPT_MINUTES = 15 * 24 * 60
const SQS_METRICS = ["ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed", "ApproximateAgeOfOldestMessage"] as const
type Gauge = (typeof SQS_METRICS)[number]
type Sample = Readonly<Record<Gauge, number>>

interface History {
  /**
   * The minutes before `openMinute`, measured, as the minutes where the
   * sample changed (ascending): a minute's sample is that of the last change
   * at or before it, so an idle queue keeps one entry, not one per minute.
   */
  readonly changes: Array<{ readonly minute: number; readonly sample: Sample }>
  /** The minute of the latest operation: it and those after it are measured when read. */
  openMinute: number
}

const minuteOf = (t: number): number => Math.floor(t / MINUTE_MS) * MINUTE_MS

/** Reads the queue only: a gauge never changes what SQS answers. */
const sampleOf = (queue: Queue, at: number): Sample => {
  const c = countsAt(queue, at)
  return {
    ApproximateNumberOfMessagesVisible: c.visible,
    ApproximateNumberOfMessagesNotVisible: c.notVisible,
    ApproximateNumberOfMessagesDelayed: c.delayed,
    ApproximateAgeOfOldestMessage: c.ageOfOldestSeconds
  }
}

const same = (a: Sample, b: Sample): boolean => SQS_METRICS.every((g) => a[g] === b[g])

/** The sample of `minute` from a history's changes (binary search), or undefined before the first kept one. */
const kept = (changes: History["changes"], minute: number): Sample | undefined => {
  let lo = 0
  let hi = changes.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if ((changes[mid]?.minute ?? Number.POSITIVE_INFINITY) <= minute) lo = mid + 1
    else hi = mid
  }
  return changes[lo - 1]?.sample
}

const isGauge = (name: string): name is Gauge => (SQS_METRICS as ReadonlyArray<string>).includes(name)

/** `now` is the sandbox clock, so gauges agree with what SQS itself answers. */
export const makeSqsMetrics = (queues: ReadonlyMap<string, Queue>, now: () => Date) => {
  const histories = new Map<string, History>()

  const historyOf = (queue: Queue): History => {
    const k = queueKey(queue.accountId, queue.region, queue.name)
    const found = histories.get(k)
    if (found !== undefined && found.openMinute >= minuteOf(queue.createdAt)) return found
    // A queue made again under the same name starts a new history.
    const fresh: History = { changes: [], openMinute: minuteOf(queue.createdAt) }
    histories.set(k, fresh)
    return fresh
  }

  /** Measures the minutes that ended since the queue's last operation, on the queue as it still is. */
  const close = (queue: Queue, at: number): void => {
    const history = historyOf(queue)
    const current = minuteOf(at)
    if (current <= history.openMinute) return
    const oldest = current - KEPT_MINUTES * MINUTE_MS
    for (let m = Math.max(history.openMinute, oldest); m < current; m += MINUTE_MS) {
      const sample = sampleOf(queue, m + MINUTE_MS - 1)
      const last = history.changes.at(-1)
      if (last === undefined || !same(last.sample, sample)) history.changes.push({ minute: m, sample })
    }
    // Older than 15 days: dropped, but for the change that still gives the first kept minute its sample.
    const firstKept = history.changes.findIndex((c) => c.minute > oldest)
    const drop = firstKept === -1 ? history.changes.length - 1 : firstKept - 1
    if (drop > 0) history.changes.splice(0, drop)
    history.openMinute = current
  }

  /** Before any SQS operation changes a queue (any queue: a receive may move messages to a dead-letter queue, a URL may name another account). */
  const beforeOperation = (at: Date): void => {
    for (const queue of queues.values()) close(queue, at.getTime())
  }

  const source: MetricSource = {
    points: (q) => {
      if (q.namespace !== "AWS/SQS" || !isGauge(q.metricName)) return []
      const gauge = q.metricName
      const name = q.dimensions.find((d) => d.name === "QueueName")?.value
      const queue = name === undefined ? undefined : queues.get(queueKey(q.accountId, q.region, name))
      if (queue === undefined) return []
      const history = historyOf(queue)
      const nowMs = now().getTime()
      const window = periodWindow(q.start.getTime(), q.end.getTime(), q.period * 1000)
      const first = Math.max(minuteOf(queue.createdAt), minuteOf(q.start.getTime()), minuteOf(nowMs) - KEPT_MINUTES * MINUTE_MS)
      const last = Math.min(minuteOf(nowMs), minuteOf(q.end.getTime() - 1))
      const byPeriod = new Map<number, Array<{ t: number; sum: number; count: number; min: number; max: number; values: ReadonlyArray<number> }>>()
      for (let m = first; m <= last; m += MINUTE_MS) {
        const k = periodOf(window, m)
        if (k === undefined) continue
        const sample = m < history.openMinute ? kept(history.changes, m) : sampleOf(queue, Math.min(m + MINUTE_MS - 1, nowMs))
        if (sample === undefined) continue
        const v = sample[gauge]
        const list = byPeriod.get(k) ?? []
        list.push({ t: m, sum: v, count: 1, min: v, max: v, values: [v] })
        byPeriod.set(k, list)
      }
      return [...byPeriod.entries()].flatMap(([k, samples]) => {
        const value = statistic(samples, q.stat)
        return value === undefined ? [] : [{ timestamp: new Date(periodStart(window, k)), value }]
      })
    },
    list: (accountId, region) =>
      [...queues.values()]
        .filter((queue) => queue.accountId === accountId && queue.region === region)
        .flatMap((queue) => SQS_METRICS.map((metricName) => ({ namespace: "AWS/SQS", metricName, dimensions: [{ name: "QueueName", value: queue.name }] })))
  }

  return { source, beforeOperation }
}
