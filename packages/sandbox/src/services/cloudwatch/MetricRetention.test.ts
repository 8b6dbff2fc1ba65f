import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandOutput, GetMetricStatisticsCommand } from "@aws-sdk/client-cloudwatch"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type Estate, type MetricSource, minimalEstate } from "../../EstateContract.js"
import { type SandboxHandle, start } from "../../Sandbox.js"
import { call } from "../../testing/SdkCalls.js"
import { ageBand, answersPeriod, retainedSince } from "./MetricRetention.js"

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** A metric with a datapoint of 7 in every period of any window, at any age: what is missing from an answer, CloudWatch's rules took away. */
const everywhere: MetricSource = {
  points: (q) => {
    if (q.namespace !== "Test/Retention") return []
    const step = q.period * 1000
    const out = []
    for (let t = q.start.getTime(); t < q.end.getTime() && out.length < 20_000; t += step) out.push({ timestamp: new Date(t), value: 7 })
    return out
  },
  unit: () => "Count"
}
const estate: Estate = { ...minimalEstate(), metrics: everywhere }
const metric = { Namespace: "Test/Retention", MetricName: "Gauge", Dimensions: [{ Name: "Name", Value: "g" }] }
const clientOf = (sandbox: SandboxHandle) => new CloudWatchClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, maxAttempts: 1 })

/** On the hour, at least `ms` before the sandbox's now: no rounding of the StartTime at any age, so every period count below is exact. */
const hourBefore = (sandbox: SandboxHandle, ms: number) => new Date(Math.floor((sandbox.clock.now().getTime() - ms) / HOUR) * HOUR)

describe("CloudWatch retention over the wire", () => {
  it.scoped("GetMetricData answers no datapoints when the Period does not suit the StartTime's age, and the series when it does", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, estate })
      const cw = clientOf(sandbox)
      const ask = (ageMs: number, spanMs: number, periods: ReadonlyArray<number>) =>
        call(() => {
          const from = hourBefore(sandbox, ageMs)
          return cw.send(new GetMetricDataCommand({
            StartTime: from,
            EndTime: new Date(from.getTime() + spanMs),
            MetricDataQueries: periods.map((p) => ({ Id: `p${p}`, MetricStat: { Metric: metric, Period: p, Stat: "Average" } }))
          }))
        })
      const counts = (out: GetMetricDataCommandOutput) =>
        Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id, [r.Values?.length, r.StatusCode]]))

      // An hour old: high-resolution periods and minutes alike.
      expect(counts(yield* ask(HOUR, 10 * MINUTE, [10, 60]))).toEqual({ p10: [60, "Complete"], p60: [10, "Complete"] })
      // Four hours old: sub-minute periods are gone (kept three hours), minutes remain.
      expect(counts(yield* ask(4 * HOUR, 10 * MINUTE, [10, 30, 60, 120]))).toEqual({ p10: [0, "Complete"], p30: [0, "Complete"], p60: [10, "Complete"], p120: [5, "Complete"] })
      // Twenty days old: multiples of five minutes only.
      expect(counts(yield* ask(20 * DAY, HOUR, [60, 120, 300, 600]))).toEqual({ p60: [0, "Complete"], p120: [0, "Complete"], p300: [12, "Complete"], p600: [6, "Complete"] })
      // Seventy days old: multiples of an hour only.
      expect(counts(yield* ask(70 * DAY, 6 * HOUR, [300, 1800, 3600, 7200]))).toEqual({ p300: [0, "Complete"], p1800: [0, "Complete"], p3600: [6, "Complete"], p7200: [3, "Complete"] })
    }))

  it.scoped("GetMetricData drops what is older than 455 days: the periods before that are missing, the later ones answered", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, estate })
      const cw = clientOf(sandbox)
      const from = hourBefore(sandbox, 460 * DAY)
      const out = yield* call(() =>
        cw.send(new GetMetricDataCommand({ StartTime: from, EndTime: new Date(from.getTime() + 10 * DAY), ScanBy: "TimestampAscending", MetricDataQueries: [{ Id: "g", MetricStat: { Metric: metric, Period: 3600, Stat: "Sum" } }] }))
      )
      const times = (out.MetricDataResults?.[0]?.Timestamps ?? []).map((t) => t.getTime())
      const cutoff = sandbox.clock.now().getTime() - 455 * DAY
      expect(times.length).toBeGreaterThan(0)
      expect(times.every((t) => t >= cutoff)).toBe(true)
      // Every hour from the first one after the cutoff to the end of the window, none before.
      expect(times[0]).toBeLessThan(cutoff + HOUR + 60_000)
      expect(times.at(-1)).toBe(from.getTime() + 10 * DAY - HOUR)
    }))

  it.scoped("GetMetricStatistics follows the same rules: an empty Datapoints list for a period the StartTime's age does not allow", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, estate })
      const cw = clientOf(sandbox)
      const stats = (ageMs: number, spanMs: number, period: number) =>
        call(() => {
          const from = hourBefore(sandbox, ageMs)
          return cw.send(new GetMetricStatisticsCommand({ ...metric, StartTime: from, EndTime: new Date(from.getTime() + spanMs), Period: period, Statistics: ["Maximum"] }))
        })
      expect((yield* stats(20 * DAY, DAY, 60)).Datapoints).toEqual([])
      expect((yield* stats(20 * DAY, DAY, 300)).Datapoints).toHaveLength(288)
      expect((yield* stats(5 * HOUR, HOUR, 30)).Datapoints).toEqual([])
      expect((yield* stats(2 * HOUR, HOUR, 30)).Datapoints).toHaveLength(120)
      expect((yield* stats(100 * DAY, DAY, 300)).Datapoints).toEqual([])
      expect((yield* stats(100 * DAY, 10 * DAY, 3600)).Datapoints).toHaveLength(240)
      expect((yield* stats(500 * DAY, 10 * DAY, 3600)).Datapoints).toEqual([])
    }))
})

describe("answersPeriod", () => {
  const now = new Date("2026-11-27T12:00:00Z")
  const ago = (ms: number) => new Date(now.getTime() - ms)
  const cases: ReadonlyArray<readonly [string, number, ReadonlyArray<number>, ReadonlyArray<number>]> = [
    // [age, StartTime age in ms, periods answered, periods not answered]
    ["under 3 hours", 3 * HOUR, [1, 5, 10, 20, 30, 60, 120, 300], [0, 7, 45, 90]],
    ["3 hours to 15 days", 3 * HOUR + 1, [60, 120, 300, 3600, 86_400], [1, 10, 30, 90]],
    ["15 days exactly", 15 * DAY, [300, 600, 3600], [60, 120, 240]],
    ["63 days exactly", 63 * DAY, [300, 1800, 3600], [60, 120]],
    ["beyond 63 days", 63 * DAY + 1, [3600, 7200, 86_400, 1_209_600], [300, 1800, 5400]]
  ]
  it("answers a period by the StartTime's age as the API reference lists it", () => {
    for (const [, age, yes, no] of cases) {
      for (const p of yes) expect([age, p, answersPeriod(ago(age), p, now)]).toEqual([age, p, true])
      for (const p of no) expect([age, p, answersPeriod(ago(age), p, now)]).toEqual([age, p, false])
    }
  })

  it("keeps the discovery's requests answered: hourly and window-long periods over 14 days, and the same asked a week later", () => {
    const fourteenDays = 14 * 86_400
    for (const age of [14 * DAY, 14 * DAY + HOUR, 21 * DAY, 100 * DAY]) {
      expect(answersPeriod(ago(age), 3600, now)).toBe(true)
      expect(answersPeriod(ago(age), fourteenDays, now)).toBe(true)
    }
  })

  it("bands ages as the StartTime rounding does and keeps data 455 days", () => {
    expect([3 * HOUR, 3 * HOUR + 1, 15 * DAY - 1, 15 * DAY, 63 * DAY, 63 * DAY + 1].map(ageBand)).toEqual(["highResolution", "minute", "minute", "fiveMinutes", "fiveMinutes", "hour"])
    expect(new Date(retainedSince(now)).toISOString()).toBe("2025-08-29T12:00:00.000Z")
  })
})
