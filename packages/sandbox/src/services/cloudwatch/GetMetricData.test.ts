import { CloudWatchClient, GetMetricDataCommand, type GetMetricDataCommandInput, type GetMetricDataCommandOutput, type MetricDataQuery, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { settleInstance, stopInstance } from "../../estate/EstateChanges.js"
import type { Instance } from "../../estate/Instance.js"
import { findInstanceType } from "../../estate/InstanceCatalog.js"
import type { LambdaFunction } from "../../estate/LambdaFunction.js"
import { hashString } from "../../estate/Prng.js"
import { sandboxEstate } from "../../estate/SandboxEstate.js"
import { demandPercent, invocationsPerSlot, SAMPLE_MS } from "../../estate/Utilization.js"
import { type SandboxHandle, start } from "../../Sandbox.js"
import { call, callError } from "../../testing/SdkCalls.js"

const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 24 * HOUR
const SLOTS = HOUR / SAMPLE_MS

/**
 * The series the estate's profiles define, computed here from the Utilization
 * functions and the instance's history, not by the metric source: hourly
 * points of twelve five-minute samples (those before the end in a last hour
 * it cuts short), none while the instance is stopped.
 */
const expectedCpu = (instance: Instance, start: number, end: number, stat: "Average" | "Maximum"): Array<[number, number]> => {
  const key = hashString(instance.id)
  const vcpus = findInstanceType(instance.baselineInstanceType)?.vcpus ?? 1
  const out: Array<[number, number]> = []
  for (let t0 = start; t0 < end; t0 += HOUR) {
    const samples: Array<number> = []
    for (let s = 0; s < SLOTS && t0 + s * SAMPLE_MS < end; s++) {
      const t = t0 + s * SAMPLE_MS
      const epoch = instance.history.filter((e) => e.at <= t).at(-1)
      if (epoch === undefined || !epoch.running) continue
      samples.push(Math.min(100, Math.max(0, (demandPercent(instance.profile, key, t) * vcpus) / (findInstanceType(epoch.instanceType)?.vcpus ?? 1))))
    }
    if (samples.length === 0) continue
    const value = stat === "Average" ? samples.reduce((a, b) => a + b, 0) / samples.length : Math.max(...samples)
    out.push([t0 / 1000, Math.round(value * 1e4) / 1e4])
  }
  return out
}

/** Invocations Sum per hour: every slot of the hour before the end counted. */
const expectedInvocations = (fn: LambdaFunction, start: number, end: number): Array<[number, number]> => {
  const key = hashString(fn.name + fn.accountId)
  const out: Array<[number, number]> = []
  for (let t0 = start; t0 < end; t0 += HOUR) {
    const samples = Array.from({ length: Math.min(SLOTS, Math.ceil((end - t0) / SAMPLE_MS)) }, (_, s) => invocationsPerSlot(fn.profile, fn.invocationsPerHour, key, t0 + s * SAMPLE_MS))
    out.push([t0 / 1000, Math.round(samples.reduce((a, b) => a + b, 0))])
  }
  return out
}

const cpuQuery = (id: string, instance: Instance, stat: "Average" | "Maximum", accountId?: string): MetricDataQuery => ({
  Id: id,
  MetricStat: { Metric: { Namespace: "AWS/EC2", MetricName: "CPUUtilization", Dimensions: [{ Name: "InstanceId", Value: instance.id }] }, Period: 3600, Stat: stat },
  ...(accountId === undefined ? {} : { AccountId: accountId })
})

/** Every page of one GetMetricData, followed by NextToken (at most 100 pages). */
const pagesOf = (cw: CloudWatchClient, input: GetMetricDataCommandInput) =>
  call(async () => {
    const pages: Array<GetMetricDataCommandOutput> = []
    let token: string | undefined
    do {
      const page = await cw.send(new GetMetricDataCommand(token === undefined ? input : { ...input, NextToken: token }))
      pages.push(page)
      token = page.NextToken
    } while (token !== undefined && pages.length < 100)
    return pages
  })

/** Per query id: (epoch seconds, value) pairs gathered across pages, in the order served. */
const seriesOf = (pages: ReadonlyArray<GetMetricDataCommandOutput>): Map<string, Array<[number, number]>> => {
  const byId = new Map<string, Array<[number, number]>>()
  for (const page of pages) {
    for (const r of page.MetricDataResults ?? []) {
      const list = byId.get(r.Id ?? "") ?? []
      ;(r.Timestamps ?? []).forEach((t, i) => list.push([t.getTime() / 1000, r.Values?.[i] ?? Number.NaN]))
      byId.set(r.Id ?? "", list)
    }
  }
  return byId
}

const clientFor = (sandbox: SandboxHandle, accountId: string) =>
  new CloudWatchClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: accountId === sandbox.accountId ? sandbox.credentials : sandbox.credentialsFor(accountId), maxAttempts: 1 })

describe("GetMetricData over the estate", () => {
  const estate = sandboxEstate({ seed: 5, size: "small" })
  const data = estate.data
  const end = Math.floor(data.asOf / HOUR) * HOUR
  const from = end - 14 * DAY
  const here = data.instances.filter((i) => i.state === "running" && i.accountId === data.instances[0]?.accountId && i.region === data.instances[0]?.region)
  const [a, b, c, stopped] = here
  const other = data.instances.find((i) => i.state === "running" && i.accountId !== a?.accountId && i.region === a?.region)
  const fn = data.functions.find((f) => f.accountId === a?.accountId && f.region === a.region && f.profile !== "idle")
  if (a === undefined || b === undefined || c === undefined || stopped === undefined || other === undefined || fn === undefined) throw new Error("the seeded estate lacks the resources this test reads")
  // Stopped three days before the end: no points from then on.
  stopInstance(stopped, end - 3 * DAY + 7 * 60_000)
  settleInstance(stopped, end)

  const queries: Array<MetricDataQuery> = [
    cpuQuery("aAvg", a, "Average"),
    cpuQuery("aMax", a, "Maximum"),
    cpuQuery("stoppedAvg", stopped, "Average"),
    cpuQuery("otherAvg", other, "Average"),
    cpuQuery("otherShared", other, "Average", other.accountId),
    { Id: "invocations", MetricStat: { Metric: { Namespace: "AWS/Lambda", MetricName: "Invocations", Dimensions: [{ Name: "FunctionName", Value: fn.name }] }, Period: 3600, Stat: "Sum" }, Label: "calls" },
    cpuQuery("bMax", b, "Maximum"),
    { ...cpuQuery("hidden", c, "Average"), ReturnData: false },
    cpuQuery("cAvg", c, "Average")
  ]
  const expected = new Map<string, Array<[number, number]>>([
    ["aAvg", expectedCpu(a, from, end, "Average")],
    ["aMax", expectedCpu(a, from, end, "Maximum")],
    ["stoppedAvg", expectedCpu(stopped, from, end, "Average")],
    ["otherAvg", []],
    ["otherShared", expectedCpu(other, from, end, "Average")],
    ["invocations", expectedInvocations(fn, from, end)],
    ["bMax", expectedCpu(b, from, end, "Maximum")],
    ["cAvg", expectedCpu(c, from, end, "Average")]
  ])
  const ids = [...expected.keys()]
  const total = [...expected.values()].reduce((n, s) => n + s.length, 0)

  it.scoped("serves each query's series as the profiles define it, across pages of MaxDatapoints values, in both orders", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ estate, dynamodb: false })
      const cw = clientFor(sandbox, a.accountId)
      expect(expected.get("stoppedAvg")?.length).toBe(14 * 24 - 3 * 24 + 1)
      expect(expected.get("aAvg")?.length).toBe(14 * 24)

      const window = { MetricDataQueries: queries, StartTime: new Date(from), EndTime: new Date(end) }
      const whole = yield* pagesOf(cw, { ...window, ScanBy: "TimestampAscending" })
      expect(whole).toHaveLength(1)
      expect(whole[0]?.MetricDataResults?.map((r) => [r.Id, r.StatusCode])).toEqual(ids.map((id) => [id, "Complete"]))
      expect(whole[0]?.MetricDataResults?.[5]?.Label).toBe("calls")
      expect(whole[0]?.MetricDataResults?.[0]?.Label).toBe("CPUUtilization")
      expect(Object.fromEntries(seriesOf(whole))).toEqual(Object.fromEntries(expected))

      for (const scanBy of ["TimestampAscending", "TimestampDescending"] as const) {
        const pages = yield* pagesOf(cw, { ...window, ScanBy: scanBy, MaxDatapoints: 250 })
        // AWS's paging unit: MaxDatapoints values across all results of a page.
        expect(pages).toHaveLength(Math.ceil(total / 250))
        pages.forEach((page, n) => {
          const values = (page.MetricDataResults ?? []).reduce((sum, r) => sum + (r.Values?.length ?? 0), 0)
          expect(values).toBe(n < pages.length - 1 ? 250 : total - 250 * (pages.length - 1))
          expect(page.MetricDataResults?.map((r) => r.Id)).toEqual(ids)
          for (const r of page.MetricDataResults ?? []) {
            expect(r.Timestamps?.length).toBe(r.Values?.length)
            expect(r.StatusCode).toBe(page.NextToken !== undefined && (r.Values?.length ?? 0) > 0 ? "PartialData" : "Complete")
          }
        })
        const served = seriesOf(pages)
        for (const [id, series] of expected) expect(served.get(id)).toEqual(scanBy === "TimestampAscending" ? series : [...series].reverse())
        // A token names its page: asked again, the same page comes back.
        const token = pages[1]?.NextToken
        expect(token).toBeDefined()
        const again = yield* call(() => cw.send(new GetMetricDataCommand({ ...window, ScanBy: scanBy, MaxDatapoints: 250, NextToken: pages[0]?.NextToken })))
        expect(again.MetricDataResults).toEqual(pages[1]?.MetricDataResults)
        expect(again.NextToken).toBe(token)
      }

      // The default order is newest first; the default page holds all 2,5xx values.
      const newest = yield* pagesOf(cw, window)
      expect(newest).toHaveLength(1)
      expect(seriesOf(newest).get("aMax")).toEqual([...(expected.get("aMax") ?? [])].reverse())
    }))

  it.scoped("refuses a token of another query set, another window or no token at all; a token with a larger page serves the rest", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ estate, dynamodb: false })
      const cw = clientFor(sandbox, a.accountId)
      const window = { MetricDataQueries: queries, StartTime: new Date(from), EndTime: new Date(end), MaxDatapoints: 1000 }
      const first = yield* call(() => cw.send(new GetMetricDataCommand(window)))
      const token = first.NextToken
      expect(token).toBeDefined()
      for (const changed of [{ ...window, MetricDataQueries: queries.slice(1) }, { ...window, EndTime: new Date(end - HOUR) }, { ...window, MaxDatapoints: 1000, NextToken: "not-a-token" }]) {
        const error = yield* callError(() => cw.send(new GetMetricDataCommand({ NextToken: token, ...changed })))
        expect((error as Error).name).toBe("InvalidNextToken")
      }
      // The same token with a larger page: the rest of the series from that offset, then done.
      const rest = yield* call(() => cw.send(new GetMetricDataCommand({ ...window, MaxDatapoints: 100_800, NextToken: token })))
      expect(rest.NextToken).toBeUndefined()
      expect(rest.MetricDataResults?.reduce((n, r) => n + (r.Values?.length ?? 0), 0)).toBe(total - 1000)
    }))

  it.scoped("rounds a StartTime off the period boundary by its age, as CloudWatch does, cuts the last period at the EndTime, and answers the estate's and put points on the same periods", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ estate, dynamodb: false })
      const cw = clientFor(sandbox, a.accountId)
      const hour = Math.floor(sandbox.clock.now().getTime() / HOUR) * HOUR
      // Asked 7 min 30 s past an hour: two days old it starts at 7 min, twenty days old at 5 min, seventy days old on the hour.
      for (const [days, rounded] of [[2, 7 * MINUTE], [20, 5 * MINUTE], [70, 0]] as const) {
        const from = hour - days * DAY + rounded
        const window = { StartTime: new Date(hour - days * DAY + 7 * MINUTE + 30_000), EndTime: new Date(from + 6 * HOUR), ScanBy: "TimestampAscending" as const }
        const served = seriesOf(yield* pagesOf(cw, { ...window, MetricDataQueries: [cpuQuery("cpu", a, "Average"), cpuQuery("peak", a, "Maximum")] }))
        expect(served.get("cpu")).toEqual(expectedCpu(a, from, from + 6 * HOUR, "Average"))
        expect(served.get("peak")).toEqual(expectedCpu(a, from, from + 6 * HOUR, "Maximum"))
        expect(served.get("cpu")?.[0]?.[0]).toBe(from / 1000)
        expect(served.get("cpu")).toHaveLength(6)
      }

      // An EndTime 20 minutes into the third hour: that period has only its four samples before it (its counter Sum, four slots).
      const from = hour - 2 * DAY + 7 * MINUTE
      const cut = { StartTime: new Date(from + 30_000), EndTime: new Date(from + 2 * HOUR + 20 * MINUTE), ScanBy: "TimestampAscending" as const }
      const calls = { Id: "calls", MetricStat: { Metric: { Namespace: "AWS/Lambda", MetricName: "Invocations", Dimensions: [{ Name: "FunctionName", Value: fn.name }] }, Period: 3600, Stat: "Sum" } }
      const short = seriesOf(yield* pagesOf(cw, { ...cut, MetricDataQueries: [cpuQuery("cpu", a, "Maximum"), calls] }))
      expect(short.get("cpu")).toEqual(expectedCpu(a, from, cut.EndTime.getTime(), "Maximum"))
      expect(short.get("calls")).toEqual(expectedInvocations(fn, from, cut.EndTime.getTime()))
      expect(short.get("calls")).toHaveLength(3)

      // The CloudWatch agent's memory series of an estate instance, with one point put by hand 10 minutes into the first period.
      const memory = { Namespace: "CWAgent", MetricName: "mem_used_percent", Dimensions: [{ Name: "InstanceId", Value: a.id }] }
      const window = { StartTime: new Date(from + 30_000), EndTime: new Date(from + 3 * HOUR), ScanBy: "TimestampAscending" as const, MetricDataQueries: [{ Id: "mem", MetricStat: { Metric: memory, Period: 3600, Stat: "Maximum" } }] }
      const before = seriesOf(yield* pagesOf(cw, window)).get("mem") ?? []
      expect(before.map(([t]) => t)).toEqual([from, from + HOUR, from + 2 * HOUR].map((t) => t / 1000))
      yield* call(() => cw.send(new PutMetricDataCommand({ Namespace: "CWAgent", MetricData: [{ MetricName: "mem_used_percent", Dimensions: memory.Dimensions, Timestamp: new Date(from + 10 * MINUTE), Value: 99.5 }] })))
      // The put point's period is the estate's first one: it wins there, no datapoint is added beside it.
      expect(seriesOf(yield* pagesOf(cw, window)).get("mem")).toEqual([[from / 1000, 99.5], ...before.slice(1)])
    }))
})
