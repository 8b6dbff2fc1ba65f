import { describe, expect, it } from "@effect/vitest"
import type { MetricQuery } from "../EstateContract.js"
import { changeInstanceType, recordServiceChange, stopInstance } from "./EstateChanges.js"
import { estateMetrics, type LoadSurge, withLoadSurge } from "./EstateMetrics.js"
import { generateEstate } from "./GenerateEstate.js"
import { findInstanceType, instanceTypes } from "./InstanceCatalog.js"
import { makeSandboxEstate } from "./SandboxEstate.js"

const HOUR = 3_600_000
const DAY = 24 * HOUR

const cpuQuery = (instance: { id: string; accountId: string; region: string }, start: number, end: number, stat = "Average"): MetricQuery => ({
  accountId: instance.accountId,
  region: instance.region,
  namespace: "AWS/EC2",
  metricName: "CPUUtilization",
  dimensions: [{ name: "InstanceId", value: instance.id }],
  start: new Date(start),
  end: new Date(end),
  period: 3600,
  stat
})

const mean = (values: ReadonlyArray<number>): number => values.reduce((a, b) => a + b, 0) / values.length

describe("estateMetrics", () => {
  const estate = generateEstate({ seed: 21, size: "small" })
  const metrics = estateMetrics(estate)
  const start = estate.asOf - 7 * DAY

  it("serves the same series for the same query, shaped by the profile", () => {
    const running = estate.instances.filter((i) => i.state === "running")
    const idle = running.find((i) => i.profile === "idle")
    const steady = running.find((i) => i.profile === "steady" && i.instanceType === i.baselineInstanceType)
    expect(idle).toBeDefined()
    expect(steady).toBeDefined()
    if (idle === undefined || steady === undefined) return
    const idlePoints = metrics.points(cpuQuery(idle, start, estate.asOf))
    expect(idlePoints).toHaveLength(7 * 24)
    expect(metrics.points(cpuQuery(idle, start, estate.asOf))).toEqual(idlePoints)
    expect(Math.max(...idlePoints.map((p) => p.value))).toBeLessThan(3)
    const steadyAverage = mean(metrics.points(cpuQuery(steady, start, estate.asOf)).map((p) => p.value))
    expect(steadyAverage).toBeGreaterThan(25)
    expect(steadyAverage).toBeLessThan(60)
    expect(idlePoints[1]?.timestamp.getTime()).toBe(start + HOUR)
  })

  it("answers nothing for another account or an unknown instance", () => {
    const instance = estate.instances.find((i) => i.state === "running")
    if (instance === undefined) throw new Error("no running instance")
    expect(metrics.points({ ...cpuQuery(instance, start, estate.asOf), accountId: "000000000000" })).toEqual([])
    expect(metrics.points({ ...cpuQuery(instance, start, estate.asOf), dimensions: [{ name: "InstanceId", value: "i-0" }] })).toEqual([])
  })

  it("raises CPU in proportion when an instance is downsized, from the change onwards", () => {
    const data = generateEstate({ seed: 21, size: "small" })
    const source = estateMetrics(data)
    const instance = data.instances.find((i) => i.state === "running" && i.profile === "overProvisioned" && (findInstanceType(i.instanceType)?.vcpus ?? 0) >= 4)
    if (instance === undefined) throw new Error("no over-provisioned instance")
    const family = instance.instanceType.split(".")[0]
    const smaller = ["large", "xlarge"].map((s) => `${family}.${s}`).find((t) => (findInstanceType(t)?.vcpus ?? 0) * 2 === findInstanceType(instance.instanceType)?.vcpus)
    if (smaller === undefined) throw new Error(`no half size for ${instance.instanceType}`)
    const before = mean(source.points(cpuQuery(instance, data.asOf, data.asOf + 2 * DAY)).map((p) => p.value))
    stopInstance(instance, data.asOf - HOUR)
    changeInstanceType(instance, smaller, data.asOf - HOUR / 2)
    instance.history.push({ at: data.asOf, instanceType: smaller, running: true })
    const after = mean(source.points(cpuQuery(instance, data.asOf, data.asOf + 2 * DAY)).map((p) => p.value))
    expect(after / before).toBeCloseTo(2, 5)
    // The past keeps its old values; the stopped half hour has no data.
    expect(source.points(cpuQuery(instance, data.asOf - 7 * DAY, data.asOf - 2 * HOUR))).toEqual(metrics.points(cpuQuery(instance, data.asOf - 7 * DAY, data.asOf - 2 * HOUR)))
    expect(source.points({ ...cpuQuery(instance, data.asOf - HOUR, data.asOf), period: 300 })).toEqual([])
  })

  it("with the load surge knob, a downsized instance runs above 80 % from its resize until it is back to its size; others are untouched", () => {
    const data = generateEstate({ seed: 21, size: "small" })
    let surge: LoadSurge | undefined = {}
    const source = withLoadSurge(makeSandboxEstate(data), () => surge).metrics
    const plain = estateMetrics(data)
    const running = data.instances.filter((i) => i.state === "running" && i.profile === "overProvisioned" && (findInstanceType(i.instanceType)?.vcpus ?? 0) >= 4)
    const [instance, other] = running
    if (instance === undefined || other === undefined) throw new Error("two over-provisioned instances")
    const original = instance.instanceType
    const smaller = `${original.split(".")[0]}.large`
    const fiveMin = (from: number, to: number) => source.points({ ...cpuQuery(instance, from, to), period: 300 }).map((p) => p.value)
    // Before the resize: the same series with or without the knob.
    expect(fiveMin(data.asOf - DAY, data.asOf)).toEqual(plain.points({ ...cpuQuery(instance, data.asOf - DAY, data.asOf), period: 300 }).map((p) => p.value))
    expect(Math.max(...fiveMin(data.asOf - DAY, data.asOf))).toBeLessThan(30)
    changeInstanceType(instance, smaller, data.asOf)
    const after = fiveMin(data.asOf, data.asOf + 2 * HOUR)
    expect(after).toHaveLength(24)
    expect(Math.min(...after)).toBeGreaterThanOrEqual(89)
    expect(Math.max(...after)).toBeLessThanOrEqual(95)
    // Back to its type: its own load again.
    changeInstanceType(instance, original, data.asOf + 2 * HOUR)
    expect(Math.max(...fiveMin(data.asOf + 2 * HOUR, data.asOf + 3 * HOUR))).toBeLessThan(30)
    // A move to a cheaper type with as many vCPUs (c4.large -> t3.small) is a downsizing too.
    const sameVcpus = instanceTypes.find((t) => t.vcpus === findInstanceType(original)?.vcpus && t.name !== original)
    if (sameVcpus === undefined) throw new Error(`no other type with the vCPUs of ${original}`)
    changeInstanceType(instance, sameVcpus.name, data.asOf + 3 * HOUR)
    expect(Math.min(...fiveMin(data.asOf + 3 * HOUR, data.asOf + 4 * HOUR))).toBeGreaterThanOrEqual(89)
    changeInstanceType(instance, original, data.asOf + 4 * HOUR)
    // Only the listed instances, at the level asked; off when the function says so.
    changeInstanceType(other, `${other.instanceType.split(".")[0]}.large`, data.asOf)
    surge = { instanceIds: [instance.id], cpuPercent: 99 }
    expect(Math.max(...source.points({ ...cpuQuery(other, data.asOf, data.asOf + HOUR), period: 300 }).map((p) => p.value))).toBeLessThan(80)
    changeInstanceType(instance, smaller, data.asOf + 4 * HOUR)
    expect(Math.min(...fiveMin(data.asOf + 4 * HOUR, data.asOf + 5 * HOUR))).toBeGreaterThanOrEqual(96)
    surge = undefined
    expect(Math.max(...fiveMin(data.asOf + 4 * HOUR, data.asOf + 5 * HOUR))).toBeLessThan(80)
  })

  it("serves Lambda invocations as counts that sum over the period", () => {
    const fn = estate.functions.find((f) => f.profile === "steady" && f.invocationsPerHour >= 120)
    if (fn === undefined) throw new Error("no busy function")
    const base = { accountId: fn.accountId, region: fn.region, namespace: "AWS/Lambda", metricName: "Invocations", dimensions: [{ name: "FunctionName", value: fn.name }], start: new Date(start), end: new Date(start + DAY) }
    const daily = metrics.points({ ...base, period: 86_400, stat: "Sum" })
    const hourly = metrics.points({ ...base, period: 3600, stat: "Sum" })
    expect(daily).toHaveLength(1)
    expect(hourly).toHaveLength(24)
    // Every five-minute slot counted once either way: the day's Sum is the sum of its hours'.
    expect(daily[0]?.value).toBe(hourly.reduce((a, p) => a + p.value, 0))
    expect(metrics.unit?.("AWS/Lambda", "Invocations")).toBe("Count")
  })

  it("serves ECS service CPU and RDS CPU", () => {
    const service = estate.services.find((s) => s.desiredCount > 0)
    const db = estate.dbInstances[0]
    if (service === undefined || db === undefined) throw new Error("estate lacks ECS or RDS")
    const ecs = metrics.points({
      accountId: service.accountId,
      region: service.region,
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      dimensions: [{ name: "ClusterName", value: service.clusterName }, { name: "ServiceName", value: service.name }],
      start: new Date(start),
      end: new Date(start + DAY),
      period: 3600,
      stat: "Maximum"
    })
    expect(ecs).toHaveLength(24)
    const rds = metrics.points({
      accountId: db.accountId,
      region: db.region,
      namespace: "AWS/RDS",
      metricName: "CPUUtilization",
      dimensions: [{ name: "DBInstanceIdentifier", value: db.identifier }],
      start: new Date(start),
      end: new Date(start + DAY),
      period: 3600,
      stat: "p95"
    })
    expect(rds).toHaveLength(24)
    for (const p of [...ecs, ...rds]) expect(p.value).toBeGreaterThanOrEqual(0)
  })

  it("serves every running ECS service, also when another account or region has a service of the same cluster and name", () => {
    const large = generateEstate({ seed: 11, size: "large", resources: 10_000, accounts: 20, regions: ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"] })
    const served = estateMetrics(large)
    const running = large.services.filter((s) => s.desiredCount > 0)
    const names = running.map((s) => `${s.clusterName}/${s.name}`)
    // The generator reuses cluster and service names across accounts and regions, as real estates do.
    expect(new Set(names).size).toBeLessThan(names.length)
    const unserved = running.filter((s) => served.points({
      accountId: s.accountId,
      region: s.region,
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      dimensions: [{ name: "ClusterName", value: s.clusterName }, { name: "ServiceName", value: s.name }],
      start: new Date(large.asOf - DAY),
      end: new Date(large.asOf),
      period: 3600,
      stat: "Average"
    }).length === 0)
    expect(unserved.map((s) => `${s.accountId}/${s.region}/${s.clusterName}/${s.name}`)).toEqual([])
  })

  it("raises an ECS service's CPU when its tasks get half the CPU, from the redeploy on", () => {
    const data = generateEstate({ seed: 21, size: "small" })
    const source = estateMetrics(data)
    const service = data.services.find((s) => s.desiredCount > 0 && s.launchType === "FARGATE")
    if (service === undefined) throw new Error("no running Fargate service")
    const current = data.taskDefinitions.find((d) => `${d.family}:${d.revision}` === service.taskDefinition && d.accountId === service.accountId)
    if (current === undefined) throw new Error("no task definition")
    const query = (start: number, end: number): MetricQuery => ({
      accountId: service.accountId,
      region: service.region,
      namespace: "AWS/ECS",
      metricName: "CPUUtilization",
      dimensions: [{ name: "ClusterName", value: service.clusterName }, { name: "ServiceName", value: service.name }],
      start: new Date(start),
      end: new Date(end),
      period: 3600,
      stat: "Average"
    })
    const before = mean(source.points(query(data.asOf, data.asOf + DAY)).map((p) => p.value))
    data.taskDefinitions.push({ ...current, revision: current.revision + 1, cpu: current.cpu / 2 })
    service.taskDefinition = `${current.family}:${current.revision + 1}`
    recordServiceChange(service, data.asOf)
    const after = mean(source.points(query(data.asOf, data.asOf + DAY)).map((p) => p.value))
    expect(after / before).toBeCloseTo(2, 5)
    service.desiredCount = 0
    recordServiceChange(service, data.asOf + DAY)
    expect(source.points(query(data.asOf + DAY, data.asOf + 2 * DAY))).toEqual([])
    expect(source.points(query(data.asOf - DAY, data.asOf))).toHaveLength(24)
  })

  it("finds resources added after its first query and by any dimension order, and misses what is not there", () => {
    const data = generateEstate({ seed: 21, size: "small" })
    const source = estateMetrics(data)
    const original = data.instances.find((i) => i.state === "running")
    if (original === undefined) throw new Error("no running instance")
    const window: [number, number] = [data.asOf - DAY, data.asOf]
    const before = source.points(cpuQuery(original, ...window))
    expect(before).toHaveLength(24)
    // A resource the estate gains later (as RunInstances would add it) is served by the same source.
    const added = { ...original, id: "i-0added0000000000", history: [...original.history], tags: { ...original.tags } }
    expect(source.points(cpuQuery(added, ...window))).toEqual([])
    data.instances.push(added)
    const served = source.points(cpuQuery(added, ...window))
    expect(served).toHaveLength(24)
    expect(served).not.toEqual(before)
    expect(source.points(cpuQuery(original, ...window))).toEqual(before)
    // Of two ECS dimension orders, both name the service.
    const service = data.services.find((s) => s.desiredCount > 0)
    if (service === undefined) throw new Error("no running service")
    const ecs = (dimensions: MetricQuery["dimensions"]) =>
      source.points({ ...cpuQuery(original, ...window), accountId: service.accountId, region: service.region, namespace: "AWS/ECS", dimensions })
    const forward = ecs([{ name: "ClusterName", value: service.clusterName }, { name: "ServiceName", value: service.name }])
    expect(forward).toHaveLength(24)
    expect(ecs([{ name: "ServiceName", value: service.name }, { name: "ClusterName", value: service.clusterName }])).toEqual(forward)
    expect(ecs([{ name: "ClusterName", value: `${service.clusterName}/${service.name}` }, { name: "ServiceName", value: "" }])).toEqual([])
  })

  it("answers a request's queries alike with or without sharing, and keeps nothing from one request to the next", () => {
    const data = generateEstate({ seed: 21, size: "small" })
    let surge: LoadSurge | undefined = undefined
    const source = withLoadSurge(makeSandboxEstate(data), () => surge).metrics
    const plain = estateMetrics(data, { loadSurge: () => surge })
    const sharing = "sharing" in source && typeof source.sharing === "function" ? (source.sharing as <A>(run: () => A) => A) : undefined
    if (sharing === undefined) throw new Error("the estate's source shares work across a request's queries")
    const running = data.instances.filter((i) => i.state === "running").slice(0, 5)
    const functions = data.functions.slice(0, 3)
    const queries = [
      ...running.flatMap((i) => ["Average", "Maximum", "p90", "Minimum", "SampleCount", "Average"].map((stat) => cpuQuery(i, data.asOf - 2 * DAY, data.asOf, stat))),
      ...running.map((i) => ({ ...cpuQuery(i, data.asOf - 2 * DAY, data.asOf), period: 300 })),
      ...functions.flatMap((f) =>
        ["Sum", "SampleCount", "Average"].map((stat): MetricQuery => ({
          accountId: f.accountId, region: f.region, namespace: "AWS/Lambda", metricName: "Invocations", dimensions: [{ name: "FunctionName", value: f.name }],
          start: new Date(data.asOf - DAY), end: new Date(data.asOf), period: 86_400, stat
        }))
      )
    ]
    const alone = queries.map((q) => plain.points(q))
    expect(sharing(() => queries.map((q) => source.points(q)))).toEqual(alone)
    expect(alone.every((points) => points.length > 0)).toBe(true)
    // Between two requests the estate changes: the next request sees it.
    const [first] = running
    if (first === undefined) throw new Error("no running instance")
    stopInstance(first, data.asOf - DAY)
    surge = {}
    const small = `${first.instanceType.split(".")[0]}.large`
    const second = running[1]
    if (second !== undefined && small !== second.instanceType) changeInstanceType(second, small, data.asOf - DAY)
    const afterChange = queries.map((q) => plain.points(q))
    expect(afterChange).not.toEqual(alone)
    expect(sharing(() => queries.map((q) => source.points(q)))).toEqual(afterChange)
  })
})
