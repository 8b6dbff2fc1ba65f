import { CloudWatchClient, GetMetricDataCommand, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch"
import { CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type SandboxHandle, start } from "../../Sandbox.js"
import { call } from "../../testing/SdkCalls.js"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const clients = (sandbox: SandboxHandle) => ({
  sqs: new SQSClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, maxAttempts: 1 }),
  cw: new CloudWatchClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, maxAttempts: 1 })
})
/** A sandbox with queue "depth" (its attributes `attributes`), and `send` to put a message in it. */
const depthQueue = (attributes: Record<string, string> = {}) =>
  Effect.gen(function* () {
    const sandbox = yield* start({ dynamodb: false })
    const { sqs, cw } = clients(sandbox)
    const QueueUrl = (yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "depth", Attributes: attributes })))).QueueUrl ?? ""
    const send = (MessageBody: string) => call(() => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody })))
    return { sandbox, sqs, cw, QueueUrl, send }
  })
const visible = { Namespace: "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible", Dimensions: [{ Name: "QueueName", Value: "depth" }] }

describe("SQS gauges in CloudWatch", () => {
  it.scoped("put the gauge's one-minute sample in the query's own period: from the StartTime as CloudWatch rounds it, not an epoch-aligned one", () =>
    Effect.gen(function* () {
      const { sandbox, cw, send } = yield* depthQueue()
      for (let i = 0; i < 3; i++) yield* send(`m${i}`)
      // Asked from 30 min 20 s ago: CloudWatch rounds that to the minute, and the one-hour period from there holds now.
      const asked = new Date(sandbox.clock.now().getTime() - 30 * MINUTE - 20_000)
      const rounded = Math.floor(asked.getTime() / MINUTE) * MINUTE
      const window = { StartTime: asked, EndTime: new Date(rounded + HOUR) }
      const hourly = yield* call(() => cw.send(new GetMetricDataCommand({ ...window, MetricDataQueries: [{ Id: "v", MetricStat: { Metric: visible, Period: 3600, Stat: "Maximum" } }] })))
      expect(hourly.MetricDataResults?.[0]?.Timestamps?.map((t) => t.getTime())).toEqual([rounded])
      expect(hourly.MetricDataResults?.[0]?.Values).toEqual([3])
      const stats = yield* call(() => cw.send(new GetMetricStatisticsCommand({ ...visible, ...window, Period: 3600, Statistics: ["Maximum"] })))
      expect(stats.Datapoints?.map((d) => [d.Timestamp?.getTime(), d.Maximum])).toEqual([[rounded, 3]])

      // Per minute: the sample sits on the minute it was taken, the current one.
      const before = sandbox.clock.now().getTime()
      const minutes = yield* call(() => cw.send(new GetMetricDataCommand({ ...window, MetricDataQueries: [{ Id: "v", MetricStat: { Metric: visible, Period: 60, Stat: "Maximum" } }] })))
      const after = sandbox.clock.now().getTime()
      const [t] = minutes.MetricDataResults?.[0]?.Timestamps?.map((d) => d.getTime()) ?? []
      expect(minutes.MetricDataResults?.[0]?.Values).toEqual([3])
      expect(t !== undefined && t % MINUTE === 0 && t >= Math.floor(before / MINUTE) * MINUTE && t <= after).toBe(true)
    }))

  it.scoped("keeps a sample for every minute since the queue was created, each the queue as it was at the end of that minute, aggregated per period", () =>
    Effect.gen(function* () {
      const { sandbox, sqs, cw, QueueUrl, send } = yield* depthQueue({ VisibilityTimeout: "150" })
      // One second into a minute: every call below lands in the minute it is meant for.
      sandbox.clock.advance(MINUTE - (sandbox.clock.now().getTime() % MINUTE) + 1_000)
      const first = Math.floor(sandbox.clock.now().getTime() / MINUTE) * MINUTE
      const sendN = (n: number) => Effect.forEach(Array.from({ length: n }, (_, i) => i), (i) => send(`m${i}`), { discard: true })
      yield* sendN(3) // minute 0: 3 visible
      sandbox.clock.advance(2 * MINUTE)
      yield* sendN(2) // minute 2: 5 visible
      sandbox.clock.advance(2 * MINUTE)
      yield* call(() => sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }))) // minute 4: 4 visible, 1 in flight for 150 s
      sandbox.clock.advance(3 * MINUTE) // minute 7: the received one is visible again since 6:31
      const window = { StartTime: new Date(first), EndTime: new Date(first + 8 * MINUTE), ScanBy: "TimestampAscending" as const }
      const query = (id: string, metricName: string, period: number, stat: string) => ({ Id: id, MetricStat: { Metric: { ...visible, MetricName: metricName }, Period: period, Stat: stat } })
      const out = yield* call(() =>
        cw.send(new GetMetricDataCommand({
          ...window,
          MetricDataQueries: [
            query("visible", "ApproximateNumberOfMessagesVisible", 60, "Maximum"),
            query("inflight", "ApproximateNumberOfMessagesNotVisible", 60, "Maximum"),
            query("peak", "ApproximateNumberOfMessagesVisible", 300, "Maximum"),
            query("low", "ApproximateNumberOfMessagesVisible", 300, "Minimum"),
            query("samples", "ApproximateNumberOfMessagesVisible", 300, "SampleCount")
          ]
        }))
      )
      const byId = new Map((out.MetricDataResults ?? []).map((r) => [r.Id, [r.Timestamps?.map((t) => (t.getTime() - first) / MINUTE), r.Values]]))
      expect(byId.get("visible")).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [3, 3, 5, 5, 4, 4, 5, 5]])
      expect(byId.get("inflight")).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [0, 0, 0, 0, 1, 1, 0, 0]])
      expect(byId.get("peak")).toEqual([[0, 5], [5, 5]])
      expect(byId.get("low")).toEqual([[0, 5], [3, 4]])
      expect(byId.get("samples")).toEqual([[0, 5], [5, 3]])
    }))

  it.scoped("keeps 15 days of minutes: a message kept 4 days counts until retention removes it, and nothing older than 15 days is answered", () =>
    Effect.gen(function* () {
      const { sandbox, sqs, cw, send } = yield* depthQueue()
      yield* send("kept 4 days")
      const sent = sandbox.clock.now().getTime()
      sandbox.clock.advance(16 * DAY)
      // Any operation measures the minutes since the last one.
      yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "other" })))
      const now = sandbox.clock.now().getTime()
      const from = Math.floor((sent - HOUR) / HOUR) * HOUR
      const out = yield* call(() =>
        cw.send(new GetMetricDataCommand({
          StartTime: new Date(from), EndTime: new Date(now), ScanBy: "TimestampAscending",
          MetricDataQueries: [{ Id: "v", MetricStat: { Metric: visible, Period: 3600, Stat: "Maximum" } }]
        }))
      )
      const points = (out.MetricDataResults?.[0]?.Timestamps ?? []).map((t, i) => [t.getTime(), out.MetricDataResults?.[0]?.Values?.[i]] as const)
      expect(points.every(([t]) => t >= now - 15 * DAY - HOUR)).toBe(true)
      expect(points.length).toBeGreaterThanOrEqual(15 * 24)
      const expiry = sent + 4 * DAY
      expect(points.filter(([t]) => t + HOUR <= expiry).every(([, v]) => v === 1)).toBe(true)
      expect(points.filter(([t]) => t > expiry).every(([, v]) => v === 0)).toBe(true)
      expect(points.filter(([t]) => t + HOUR <= expiry).length).toBeGreaterThan(20)
    }))

  it.scoped("answers nothing for a window before the queue was created or after now", () =>
    Effect.gen(function* () {
      const { sandbox, cw, send } = yield* depthQueue()
      yield* send("m")
      const now = sandbox.clock.now().getTime()
      const later = yield* call(() =>
        cw.send(new GetMetricDataCommand({ StartTime: new Date(now + 2 * MINUTE), EndTime: new Date(now + HOUR), MetricDataQueries: [{ Id: "v", MetricStat: { Metric: visible, Period: 60, Stat: "Maximum" } }] }))
      )
      expect(later.MetricDataResults?.[0]?.Values).toEqual([])
      const earlier = yield* call(() =>
        cw.send(new GetMetricDataCommand({ StartTime: new Date(now - 3 * HOUR), EndTime: new Date(now - 2 * HOUR), MetricDataQueries: [{ Id: "v", MetricStat: { Metric: visible, Period: 60, Stat: "Maximum" } }] }))
      )
      // Two hours ago the queue did not exist: it had no gauge then.
      expect(earlier.MetricDataResults?.[0]?.Values).toEqual([])
    }))
})
