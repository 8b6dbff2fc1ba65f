import { describe, expect, it } from "@effect/vitest"
import { AccountId, Arn, Ec2InstanceDetails, EcsServiceDetails, LambdaFunctionDetails, MicroUsd, owningAgent, Region, Resource, type ResourceDetails, ResourceId } from "@miyabi/types"
import { Effect, Layer } from "effect"
import { CloudWatchMetrics, type MetricQuery } from "../adapters/CloudWatchMetrics.js"
import { metricStats } from "./MetricStats.js"
import { readUtilization, utilizationOf, wantedMetrics } from "./UtilizationReader.js"

const make = (id: string, details: ResourceDetails, state: Resource["state"] = "running") =>
  Resource.make({
    id: ResourceId.make(id),
    arn: Arn.make(`arn:aws:ec2:us-east-1:123456789012:x/${id}`),
    kind: details._tag,
    account: AccountId.make("123456789012"),
    region: Region.make("us-east-1"),
    state,
    owner: owningAgent(details._tag),
    tags: {},
    dependencies: [],
    details,
    monthlyCost: MicroUsd.make(0)
  })
const instance = (id: string, state: Resource["state"] = "running") => make(id, Ec2InstanceDetails.make({ instanceType: "m5.large", awsState: state, lifecycle: "on-demand", volumeIds: [], securityGroupIds: [] }), state)

describe("utilization", () => {
  it("summarizes a series: avg, p50, p95 (nearest rank), max", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(metricStats(values)).toEqual({ count: 100, avg: 50.5, p50: 50, p95: 95, max: 100 })
    expect(metricStats([])).toEqual({ count: 0, avg: 0, p50: 0, p95: 0, max: 0 })
  })

  it("asks for CPU of running instances only", () => {
    expect(wantedMetrics(instance("i-1")).map((w) => `${w.namespace}:${w.metricName}:${w.stat}`)).toEqual(["AWS/EC2:CPUUtilization:Average", "AWS/EC2:CPUUtilization:Maximum"])
    expect(wantedMetrics(instance("i-2", "stopped"))).toEqual([])
  })

  it("asks hourly series only where percentiles are wanted: Lambda invocations and ECS memory are one datapoint over the window", () => {
    const shape = (r: Resource) => wantedMetrics(r).map((w) => `${w.metricName}:${w.stat}:${w.period ?? "hourly"}`)
    const fn = make("f", LambdaFunctionDetails.make({ memoryMiB: 512, timeoutSeconds: 10, architecture: "x86_64", packageType: "Zip" }))
    expect(shape(fn)).toEqual(["Invocations:Sum:window", "Duration:Average:hourly"])
    const service = make("s", EcsServiceDetails.make({ clusterArn: Arn.make("arn:aws:ecs:us-east-1:123456789012:cluster/c"), taskDefinitionArn: Arn.make("arn:aws:ecs:us-east-1:123456789012:task-definition/t:1"), launchType: "FARGATE", desiredCount: 1, runningCount: 1, cpuUnits: 256, memoryMiB: 512 }))
    expect(shape(service)).toEqual(["CPUUtilization:Average:hourly", "MemoryUtilization:Average:window"])
    expect(shape(instance("i-1"))).toEqual(["CPUUtilization:Average:hourly", "CPUUtilization:Maximum:window"])
  })

  it("turns Lambda invocations and duration into duration over timeout", () => {
    const fn = make("f", LambdaFunctionDetails.make({ memoryMiB: 512, timeoutSeconds: 10, architecture: "x86_64", packageType: "Zip" }))
    // Invocations: one Sum over the window; duration: hourly averages, two hours of them.
    const u = utilizationOf(fn, { invocations: [60], duration: [1000, 3000] }, 14)
    expect(u).toMatchObject({ metric: "Duration/Timeout", invocations: 60, averageDurationMs: 2000, averagePercent: 20, peakPercent: 30, p50Percent: 10, p95Percent: 30, periodSeconds: 3600, historyHours: 2, datapoints: 2 })
  })

  it("records the CPU series' p50 and p95 and the hours of history it covers", () => {
    // 48 hourly averages: 40 quiet hours at 5 %, 8 busy ones at 60 % (a resource two days old in a 14-day window).
    const cpuAvg = [...Array.from({ length: 40 }, () => 5), ...Array.from({ length: 8 }, () => 60)]
    const u = utilizationOf(instance("i-3"), { cpuAvg, cpuMax: [...cpuAvg, 97] }, 14)
    expect(u).toMatchObject({ metric: "CPUUtilization", datapoints: 48, p50Percent: 5, p95Percent: 60, peakPercent: 97, periodSeconds: 3600, historyHours: 48, windowDays: 14 })
    expect(u?.p50Percent).toBe(metricStats(cpuAvg).p50)
    expect(u?.p95Percent).toBe(metricStats(cpuAvg).p95)
  })

  it.effect("batches at most 500 queries per GetMetricData call", () =>
    Effect.gen(function* () {
      const sizes: Array<number> = []
      const periods = new Set<string>()
      const fake = Layer.succeed(CloudWatchMetrics, {
        getMetricData: (_target, queries: ReadonlyArray<MetricQuery>) =>
          Effect.sync(() => {
            sizes.push(queries.length)
            for (const q of queries) periods.add(`${q.stat}@${q.periodSeconds}`)
            return queries.map((q) => ({ id: q.id, values: q.stat === "Maximum" ? [9, 12] : [4, 6] }))
          })
      })
      const resources = Array.from({ length: 600 }, (_, i) => instance(`i-${i}`))
      const result = yield* readUtilization(resources, { windowDays: 7, end: new Date("2026-11-20T00:00:00Z") }).pipe(Effect.provide(fake))
      expect(sizes.sort((a, b) => b - a)).toEqual([500, 500, 200])
      // Hourly averages for the percentiles; the peak is one Maximum over the 7-day window.
      expect([...periods].sort()).toEqual(["Average@3600", "Maximum@604800"])
      expect(result.calls).toBe(3)
      expect(result.resources[599]?.utilization).toMatchObject({ metric: "CPUUtilization", averagePercent: 5, peakPercent: 12, windowDays: 7, datapoints: 2 })
      expect(result.stats.get(resources[0]?.arn ?? "")).toMatchObject({ avg: 5, max: 6 })
    }))
})
