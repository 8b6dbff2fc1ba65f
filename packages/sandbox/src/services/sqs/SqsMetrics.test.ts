import { CloudWatchClient, GetMetricDataCommand, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch"
import { CreateQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type SandboxHandle, start } from "../../Sandbox.js"
import { call } from "../../testing/SdkCalls.js"

const MINUTE = 60_000
const HOUR = 60 * MINUTE

const clients = (sandbox: SandboxHandle) => ({
  sqs: new SQSClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, maxAttempts: 1 }),
  cw: new CloudWatchClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, maxAttempts: 1 })
})
const visible = { Namespace: "AWS/SQS", MetricName: "ApproximateNumberOfMessagesVisible", Dimensions: [{ Name: "QueueName", Value: "depth" }] }

describe("SQS gauges in CloudWatch", () => {
  it.scoped("put the gauge's one-minute sample in the query's own period: from the StartTime as CloudWatch rounds it, not an epoch-aligned one", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const { sqs, cw } = clients(sandbox)
      const { QueueUrl } = yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "depth" })))
      for (let i = 0; i < 3; i++) yield* call(() => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` })))
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

  it.scoped("answers nothing for a window before the queue was created or after now", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const { sqs, cw } = clients(sandbox)
      const { QueueUrl } = yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "depth" })))
      yield* call(() => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "m" })))
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
