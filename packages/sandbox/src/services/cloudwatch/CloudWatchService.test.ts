import {
  CloudWatchClient, DeleteAlarmsCommand, ListMetricsCommand, DescribeAlarmsCommand, GetMetricDataCommand, GetMetricStatisticsCommand, InvalidParameterCombinationException,
  ListTagsForResourceCommand, paginateDescribeAlarms, paginateGetMetricData, PutMetricAlarmCommand, PutMetricDataCommand, ResourceNotFoundException, InvalidParameterValueException,
  TagResourceCommand, UntagResourceCommand
} from "@aws-sdk/client-cloudwatch"
import { CreateQueueCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type Estate, type MetricSource, minimalEstate } from "../../EstateContract.js"
import { type SandboxHandle, start } from "../../Sandbox.js"
import { call } from "../../testing/SdkCalls.js"

const failure = (f: () => Promise<unknown>) => Effect.promise(() => f().then(() => { throw new Error("expected a failure") }, (e: unknown) => e))
const clientOf = (sandbox: SandboxHandle) => new CloudWatchClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, maxAttempts: 1 })

/** CPU of instance i-idle is 2% every period, of i-busy 90%; hour-aligned to keep counts exact. */
const cpu: MetricSource = {
  points: (q) => {
    if (q.namespace !== "AWS/EC2" || q.metricName !== "CPUUtilization") return []
    const id = q.dimensions.find((d) => d.name === "InstanceId")?.value
    const level = id === "i-idle" ? 2 : id === "i-busy" ? 90 : undefined
    if (level === undefined) return []
    const step = q.period * 1000
    const out = []
    for (let t = Math.ceil(q.start.getTime() / step) * step; t < q.end.getTime() && out.length < 10_000; t += step) out.push({ timestamp: new Date(t), value: q.stat === "Maximum" ? level + 5 : level })
    return out
  },
  unit: () => "Percent"
}
const estate: Estate = { ...minimalEstate(), metrics: cpu }
const end = new Date("2026-11-01T00:00:00Z")
const start24h = new Date(end.getTime() - 24 * 3600 * 1000)
const metric = (id: string) => ({ Namespace: "AWS/EC2", MetricName: "CPUUtilization", Dimensions: [{ Name: "InstanceId", Value: id }] })

describe("CloudWatch", () => {
  it.scoped("serves estate series through GetMetricData with paging and ScanBy", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, estate })
      const cw = clientOf(sandbox)
      const queries = [
        { Id: "idle", MetricStat: { Metric: metric("i-idle"), Period: 3600, Stat: "Average" } },
        { Id: "busy", MetricStat: { Metric: metric("i-busy"), Period: 3600, Stat: "Maximum" } },
        { Id: "none", MetricStat: { Metric: metric("i-none"), Period: 3600, Stat: "Average" }, Label: "missing" }
      ]
      const one = yield* call(() => cw.send(new GetMetricDataCommand({ MetricDataQueries: queries, StartTime: start24h, EndTime: end, ScanBy: "TimestampAscending" })))
      expect(one.MetricDataResults?.map((r) => [r.Id, r.Values?.length, r.StatusCode])).toEqual([["idle", 24, "Complete"], ["busy", 24, "Complete"], ["none", 0, "Complete"]])
      expect(one.MetricDataResults?.[0]?.Timestamps?.[0]).toEqual(start24h)
      expect(one.MetricDataResults?.[1]?.Values?.[0]).toBe(95)
      expect(one.MetricDataResults?.[2]?.Label).toBe("missing")
      const byId = new Map<string, number>()
      let pages = 0
      yield* call(async () => {
        for await (const page of paginateGetMetricData({ client: cw }, { MetricDataQueries: queries, StartTime: start24h, EndTime: end, MaxDatapoints: 10 })) {
          pages += 1
          for (const r of page.MetricDataResults ?? []) byId.set(r.Id ?? "", (byId.get(r.Id ?? "") ?? 0) + (r.Values?.length ?? 0))
        }
      })
      expect(pages).toBe(5)
      expect(byId.get("idle")).toBe(24)
      expect(byId.get("busy")).toBe(24)
      const desc = yield* call(() => cw.send(new GetMetricDataCommand({ MetricDataQueries: queries.slice(0, 1), StartTime: start24h, EndTime: end })))
      const ts = desc.MetricDataResults?.[0]?.Timestamps ?? []
      expect((ts[0]?.getTime() ?? 0) > (ts[1]?.getTime() ?? 0)).toBe(true)
      const tooMany = yield* failure(() =>
        cw.send(new GetMetricDataCommand({ MetricDataQueries: Array.from({ length: 501 }, (_, i) => ({ Id: `q${i}`, MetricStat: { Metric: metric("i-idle"), Period: 60, Stat: "Average" } })), StartTime: start24h, EndTime: end }))
      )
      expect((tooMany as Error).name).toBe("ValidationException")
      expect((tooMany as { Code?: string }).Code).toBe("ValidationError")
    }))

  it.scoped("GetMetricStatistics answers datapoints with units and enforces 1,440 points", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, estate })
      const cw = clientOf(sandbox)
      const stats = yield* call(() => cw.send(new GetMetricStatisticsCommand({ ...metric("i-busy"), StartTime: start24h, EndTime: end, Period: 3600, Statistics: ["Average", "Maximum"] })))
      expect(stats.Label).toBe("CPUUtilization")
      expect(stats.Datapoints?.length).toBe(24)
      expect(stats.Datapoints?.[0]).toMatchObject({ Average: 90, Maximum: 95, Unit: "Percent" })
      expect(stats.Datapoints?.[0]?.Timestamp).toBeInstanceOf(Date)
      const tooMany = yield* failure(() => cw.send(new GetMetricStatisticsCommand({ ...metric("i-busy"), StartTime: new Date(start24h.getTime() - 60_000), EndTime: end, Period: 60, Statistics: ["Average"] })))
      expect(tooMany).toBeInstanceOf(InvalidParameterCombinationException)
    }))

  it.scoped("stores PutMetricData and aggregates it per period", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const cw = clientOf(sandbox)
      // An hour ago, on the minute: one-minute periods are answered for a StartTime under 15 days old (MetricRetention).
      const t0 = new Date(Math.floor(sandbox.clock.now().getTime() / 60_000) * 60_000 - 3_600_000)
      yield* call(() =>
        cw.send(new PutMetricDataCommand({
          Namespace: "Miyabi/Worker",
          MetricData: [
            { MetricName: "Backlog", Dimensions: [{ Name: "Queue", Value: "tasks" }], Timestamp: t0, Value: 4, Unit: "Count" },
            { MetricName: "Backlog", Dimensions: [{ Name: "Queue", Value: "tasks" }], Timestamp: new Date(t0.getTime() + 10_000), Values: [8, 2], Counts: [1, 2], Unit: "Count" }
          ]
        }))
      )
      const read = yield* call(() =>
        cw.send(new GetMetricStatisticsCommand({ Namespace: "Miyabi/Worker", MetricName: "Backlog", Dimensions: [{ Name: "Queue", Value: "tasks" }], StartTime: t0, EndTime: new Date(t0.getTime() + 60_000), Period: 60, Statistics: ["Sum", "SampleCount", "Maximum", "Average"] }))
      )
      expect(read.Datapoints?.[0]).toMatchObject({ Sum: 16, SampleCount: 4, Maximum: 8, Average: 4, Unit: "Count" })
      const listed = yield* call(() => cw.send(new ListMetricsCommand({ Namespace: "Miyabi/Worker", Dimensions: [{ Name: "Queue" }] })))
      expect(listed.Metrics).toEqual([{ Namespace: "Miyabi/Worker", MetricName: "Backlog", Dimensions: [{ Name: "Queue", Value: "tasks" }] }])
      const reserved = yield* failure(() => cw.send(new PutMetricDataCommand({ Namespace: "AWS/EC2", MetricData: [{ MetricName: "x", Value: 1 }] })))
      expect(reserved).toBeInstanceOf(InvalidParameterValueException)
    }))

  it.scoped("answers put points in periods from the StartTime as CloudWatch rounds it, not from the epoch, in GetMetricData and GetMetricStatistics alike", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const cw = clientOf(sandbox)
      const MIN = 60_000
      const HOUR = 60 * MIN
      // Two days old: CloudWatch rounds the StartTime to the minute (base + 7 min), and one-hour periods run from there.
      const base = Math.floor(sandbox.clock.now().getTime() / HOUR) * HOUR - 48 * HOUR
      const backlog = { Namespace: "Miyabi/Worker", MetricName: "Backlog", Dimensions: [{ Name: "Queue", Value: "aligned" }] }
      const points: ReadonlyArray<readonly [number, number]> = [
        [6 * MIN, 1000], // before the rounded StartTime
        [7 * MIN, 10], // at it: included, although before the StartTime asked (7 min 30 s)
        [40 * MIN, 20],
        [HOUR + 7 * MIN - 1000, 30],
        [HOUR + 7 * MIN, 40],
        [2 * HOUR, 50],
        [2 * HOUR + 59 * MIN, 60], // the last period, cut at the EndTime
        [3 * HOUR, 1000] // the EndTime is exclusive
      ]
      yield* call(() => cw.send(new PutMetricDataCommand({ Namespace: backlog.Namespace, MetricData: points.map(([at, value]) => ({ MetricName: backlog.MetricName, Dimensions: backlog.Dimensions, Timestamp: new Date(base + at), Value: value })) })))
      const window = { StartTime: new Date(base + 7 * MIN + 30_000), EndTime: new Date(base + 3 * HOUR) }
      const periods = [base + 7 * MIN, base + HOUR + 7 * MIN, base + 2 * HOUR + 7 * MIN].map((t) => new Date(t))

      const data = yield* call(() =>
        cw.send(new GetMetricDataCommand({
          ...window,
          ScanBy: "TimestampAscending",
          MetricDataQueries: (["Average", "Sum", "SampleCount", "Maximum"] as const).map((stat) => ({ Id: stat.toLowerCase(), MetricStat: { Metric: backlog, Period: 3600, Stat: stat } }))
        }))
      )
      expect(data.MetricDataResults?.map((r) => [r.Id, r.Timestamps, r.Values])).toEqual([
        ["average", periods, [20, 45, 60]],
        ["sum", periods, [60, 90, 60]],
        ["samplecount", periods, [3, 2, 1]],
        ["maximum", periods, [30, 50, 60]]
      ])

      const stats = yield* call(() => cw.send(new GetMetricStatisticsCommand({ ...backlog, ...window, Period: 3600, Statistics: ["Average", "Sum", "SampleCount", "Maximum"] })))
      // AWS does not promise an order of Datapoints.
      const byTime = [...(stats.Datapoints ?? [])].sort((a, b) => (a.Timestamp?.getTime() ?? 0) - (b.Timestamp?.getTime() ?? 0))
      expect(byTime).toEqual([
        { Timestamp: periods[0], Average: 20, Sum: 60, SampleCount: 3, Maximum: 30, Unit: "None" },
        { Timestamp: periods[1], Average: 45, Sum: 90, SampleCount: 2, Maximum: 50, Unit: "None" },
        { Timestamp: periods[2], Average: 60, Sum: 60, SampleCount: 1, Maximum: 60, Unit: "None" }
      ])
    }))

  it.scoped("evaluates alarms against the series, pages DescribeAlarms and deletes", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, estate })
      const cw = clientOf(sandbox)
      sandbox.clock.advance(0)
      for (const [name, id] of [["idle-cpu", "i-idle"], ["busy-cpu", "i-busy"], ["ghost-cpu", "i-none"]] as const) {
        yield* call(() =>
          cw.send(new PutMetricAlarmCommand({ AlarmName: name, ...metric(id), Statistic: "Average", Period: 300, EvaluationPeriods: 3, Threshold: 50, ComparisonOperator: "GreaterThanThreshold" }))
        )
      }
      const names: Array<[string, string]> = []
      yield* call(async () => {
        for await (const page of paginateDescribeAlarms({ client: cw, pageSize: 2 }, {})) for (const a of page.MetricAlarms ?? []) names.push([a.AlarmName ?? "", a.StateValue ?? ""])
      })
      expect(names).toEqual([["busy-cpu", "ALARM"], ["ghost-cpu", "INSUFFICIENT_DATA"], ["idle-cpu", "OK"]])
      const inAlarm = yield* call(() => cw.send(new DescribeAlarmsCommand({ StateValue: "ALARM" })))
      expect(inAlarm.MetricAlarms?.[0]?.AlarmArn).toBe(`arn:aws:cloudwatch:us-east-1:${sandbox.accountId}:alarm:busy-cpu`)
      // Unknown names are ignored and the known ones deleted (AWS's documented behaviour).
      yield* call(() => cw.send(new DeleteAlarmsCommand({ AlarmNames: ["busy-cpu", "never-was"] })))
      const left = yield* call(() => cw.send(new DescribeAlarmsCommand({})))
      expect(left.MetricAlarms?.map((a) => a.AlarmName)).toEqual(["ghost-cpu", "idle-cpu"])
      const tooMany = yield* failure(() => cw.send(new DeleteAlarmsCommand({ AlarmNames: Array.from({ length: 101 }, (_, i) => `a${i}`) })))
      expect(tooMany).toBeInstanceOf(InvalidParameterValueException)
    }))

  it.scoped("keeps an alarm's tags from its creation (an update's Tags are ignored), and TagResource, UntagResource, ListTagsForResource change and read them", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, estate })
      const cw = clientOf(sandbox)
      const alarm = { AlarmName: "tagged", ...metric("i-idle"), Statistic: "Average" as const, Period: 300, EvaluationPeriods: 3, Threshold: 80, ComparisonOperator: "GreaterThanThreshold" as const }
      yield* call(() => cw.send(new PutMetricAlarmCommand({ ...alarm, Tags: [{ Key: "miyabi:managed-by", Value: "miyabi-agent" }, { Key: "miyabi:change", Value: "c-1" }] })))
      yield* call(() => cw.send(new PutMetricAlarmCommand({ ...alarm, Threshold: 70, Tags: [{ Key: "ignored", Value: "yes" }] })))
      const ResourceARN = `arn:aws:cloudwatch:us-east-1:${sandbox.accountId}:alarm:tagged`
      const tags = yield* call(() => cw.send(new ListTagsForResourceCommand({ ResourceARN })))
      expect(tags.Tags).toEqual([{ Key: "miyabi:managed-by", Value: "miyabi-agent" }, { Key: "miyabi:change", Value: "c-1" }])
      const [updated] = (yield* call(() => cw.send(new DescribeAlarmsCommand({ AlarmNames: ["tagged"] })))).MetricAlarms ?? []
      expect(updated?.Threshold).toBe(70)
      yield* call(() => cw.send(new TagResourceCommand({ ResourceARN, Tags: [{ Key: "miyabi:change", Value: "c-2" }, { Key: "CostCenter", Value: "platform" }] })))
      yield* call(() => cw.send(new UntagResourceCommand({ ResourceARN, TagKeys: ["miyabi:managed-by"] })))
      expect((yield* call(() => cw.send(new ListTagsForResourceCommand({ ResourceARN })))).Tags).toEqual([{ Key: "miyabi:change", Value: "c-2" }, { Key: "CostCenter", Value: "platform" }])
      const unknown = yield* failure(() => cw.send(new ListTagsForResourceCommand({ ResourceARN: `${ResourceARN}-gone` })))
      expect(unknown).toBeInstanceOf(ResourceNotFoundException)
    }))

  it.scoped("refuses alarms AWS refuses: a bad period, more datapoints than periods, more than a day of evaluation, names with a prefix", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, estate })
      const cw = clientOf(sandbox)
      const alarm = { AlarmName: "bad", ...metric("i-idle"), Statistic: "Average" as const, Period: 300, EvaluationPeriods: 3, Threshold: 80, ComparisonOperator: "GreaterThanThreshold" as const }
      for (const bad of [{ Period: 45 }, { DatapointsToAlarm: 4 }, { Period: 600, EvaluationPeriods: 145 }]) {
        expect(yield* failure(() => cw.send(new PutMetricAlarmCommand({ ...alarm, ...bad })))).toBeInstanceOf(InvalidParameterValueException)
      }
      const both = yield* failure(() => cw.send(new DescribeAlarmsCommand({ AlarmNames: ["bad"], AlarmNamePrefix: "b" })))
      expect(both).toBeInstanceOf(InvalidParameterCombinationException)
      expect((yield* call(() => cw.send(new DescribeAlarmsCommand({})))).MetricAlarms).toEqual([])
    }))

  it.scoped("evaluates put data over the most recent periods as the clock moves, and follows TreatMissingData when there is none", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const cw = clientOf(sandbox)
      const cost = { Namespace: "Miyabi/Cost", MetricName: "EstimatedMonthlyCost", Dimensions: [{ Name: "ResourceArn", Value: "arn:aws:ec2:us-east-1:1:instance/i-1" }] }
      const alarm = (name: string, treat: string) =>
        call(() => cw.send(new PutMetricAlarmCommand({ AlarmName: name, ...cost, Statistic: "Maximum", Period: 3600, EvaluationPeriods: 1, Threshold: 100, ComparisonOperator: "GreaterThanThreshold", TreatMissingData: treat })))
      for (const treat of ["missing", "notBreaching", "breaching", "ignore"]) yield* alarm(treat, treat)
      const states = Effect.map(call(() => cw.send(new DescribeAlarmsCommand({}))), (out) => Object.fromEntries((out.MetricAlarms ?? []).map((a) => [a.AlarmName, a.StateValue])))
      expect(yield* states).toEqual({ breaching: "ALARM", ignore: "INSUFFICIENT_DATA", missing: "INSUFFICIENT_DATA", notBreaching: "OK" })
      const put = (value: number) => call(() => cw.send(new PutMetricDataCommand({ Namespace: cost.Namespace, MetricData: [{ MetricName: cost.MetricName, Dimensions: cost.Dimensions, Value: value, Timestamp: sandbox.clock.now() }] })))
      yield* put(150)
      expect(yield* states).toEqual({ breaching: "ALARM", ignore: "ALARM", missing: "ALARM", notBreaching: "ALARM" })
      // Two hours on, the point is out of the range: back to what each treatment says of no data (ignore keeps ALARM).
      sandbox.clock.advance(2 * 3600_000)
      expect(yield* states).toEqual({ breaching: "ALARM", ignore: "ALARM", missing: "INSUFFICIENT_DATA", notBreaching: "OK" })
      yield* put(90)
      expect(yield* states).toEqual({ breaching: "OK", ignore: "OK", missing: "OK", notBreaching: "OK" })
    }))

  it.scoped("reports SQS queue depth and age of the oldest message", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const sqs = new SQSClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials })
      const { QueueUrl } = yield* call(() => sqs.send(new CreateQueueCommand({ QueueName: "depth" })))
      for (let i = 0; i < 3; i++) yield* call(() => sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: `m${i}` })))
      const now = Date.now()
      const q = (id: string, name: string) => ({ Id: id, MetricStat: { Metric: { Namespace: "AWS/SQS", MetricName: name, Dimensions: [{ Name: "QueueName", Value: "depth" }] }, Period: 60, Stat: "Maximum" } })
      const got = yield* call(() =>
        clientOf(sandbox).send(new GetMetricDataCommand({ MetricDataQueries: [q("visible", "ApproximateNumberOfMessagesVisible"), q("age", "ApproximateAgeOfOldestMessage")], StartTime: new Date(now - 600_000), EndTime: new Date(now + 60_000) }))
      )
      expect(got.MetricDataResults?.[0]?.Values).toEqual([3])
      expect(got.MetricDataResults?.[1]?.Values?.[0]).toBeGreaterThanOrEqual(0)
      const listed = yield* call(() => clientOf(sandbox).send(new ListMetricsCommand({ Namespace: "AWS/SQS", MetricName: "ApproximateAgeOfOldestMessage" })))
      expect(listed.Metrics).toEqual([{ Namespace: "AWS/SQS", MetricName: "ApproximateAgeOfOldestMessage", Dimensions: [{ Name: "QueueName", Value: "depth" }] }])
    }))
})
