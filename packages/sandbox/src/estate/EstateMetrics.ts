/**
 * The CloudWatch MetricSource over an estate. Serves:
 *
 * - AWS/EC2 CPUUtilization and CWAgent mem_used_percent by InstanceId (only
 *   while the instance runs; scaled by baseline over current vCPUs / memory);
 * - AWS/RDS CPUUtilization and DatabaseConnections by DBInstanceIdentifier;
 * - AWS/Lambda Invocations and Duration by FunctionName;
 * - AWS/ECS CPUUtilization and MemoryUtilization by ClusterName + ServiceName.
 *
 * With `loadSurge` (see `withLoadSurge`), an instance right-sized away from
 * the type its workload was sized for (another type with no more vCPUs)
 * shows CPU at the surge level instead, from the resize on, until it is back
 * on its type.
 *
 * Points are aggregated from five-minute samples (at most 24 per period, so a
 * one-day period costs 24 samples, not 288).
 */
import type { MetricPoint, MetricQuery, MetricSource } from "../EstateContract.js"
import { findInstanceType } from "./InstanceCatalog.js"
import type { EstateData } from "./Model.js"
import { hashString } from "./Prng.js"
import type { SandboxEstate } from "./SandboxEstate.js"
import { demandPercent, invocationsPerSlot, memoryDemandPercent, SAMPLE_MS, surgePercent } from "./Utilization.js"

/** A test's knob: downsized instances get more load than their new size can take. */
export interface LoadSurge {
  /** CPU percent a downsized instance shows (+/- 3); default 92. */
  readonly cpuPercent?: number
  /** The instances that surge when downsized; all when absent. */
  readonly instanceIds?: ReadonlyArray<string>
}

export interface EstateMetricsOptions {
  /** Read at every query, so a test may turn the surge on and off; undefined: no surge. */
  readonly loadSurge?: () => LoadSurge | undefined
}

/** A sampler gives the value at t, or undefined when the resource has no data then. */
interface Sampler {
  readonly at: (t: number) => number | undefined
  /** Counters sum over the slots of a period; gauges do not. */
  readonly counter: boolean
}

const MAX_POINTS = 10_080
const MAX_SAMPLES_PER_POINT = 24

const dim = (query: MetricQuery, name: string): string | undefined => query.dimensions.find((d) => d.name === name)?.value

const epochAt = <A extends { readonly at: number }>(history: ReadonlyArray<A>, t: number): A | undefined => {
  let found: A | undefined
  for (const epoch of history) {
    if (epoch.at <= t) found = epoch
    else break
  }
  return found
}

const dbVcpus = (instanceClass: string): number => {
  const size = instanceClass.split(".")[2] ?? "large"
  return { micro: 2, small: 2, medium: 2, large: 2, xlarge: 4, "2xlarge": 8, "4xlarge": 16 }[size] ?? 2
}

const clamp = (value: number): number => Math.min(100, Math.max(0, value))

const gauge = (at: (t: number) => number | undefined): Sampler => ({ at, counter: false })

const samplerFor = (data: EstateData, query: MetricQuery, options: EstateMetricsOptions): Sampler | undefined => {
  const owned = <A extends { readonly accountId: string; readonly region: string }>(r: A | undefined): A | undefined =>
    r !== undefined && r.accountId === query.accountId && r.region === query.region ? r : undefined
  switch (query.namespace) {
    case "AWS/EC2":
    case "CWAgent": {
      const instance = owned(data.instances.find((i) => i.id === dim(query, "InstanceId")))
      if (instance === undefined) return undefined
      const memory = query.namespace === "CWAgent"
      if (memory ? query.metricName !== "mem_used_percent" : query.metricName !== "CPUUtilization") return undefined
      const base = findInstanceType(instance.baselineInstanceType)
      const key = hashString(instance.id)
      return gauge((t) => {
        const epoch = epochAt(instance.history, t)
        if (epoch === undefined || !epoch.running) return undefined
        const current = findInstanceType(epoch.instanceType)
        if (memory) return clamp((memoryDemandPercent(instance.profile, key, t) * (base?.memoryGiB ?? 1)) / (current?.memoryGiB ?? 1))
        const surge = options.loadSurge?.()
        // Right-sized: another type than the workload's, not a bigger one (fewer vCPUs, or as many on a cheaper type).
        const downsized = epoch.instanceType !== instance.baselineInstanceType && (current?.vcpus ?? 1) <= (base?.vcpus ?? 1)
        if (surge !== undefined && downsized && (surge.instanceIds === undefined || surge.instanceIds.includes(instance.id))) return clamp(surgePercent(surge.cpuPercent ?? 92, key, t))
        return clamp((demandPercent(instance.profile, key, t) * (base?.vcpus ?? 1)) / (current?.vcpus ?? 1))
      })
    }
    case "AWS/RDS": {
      const db = owned(data.dbInstances.find((d) => d.identifier === dim(query, "DBInstanceIdentifier")))
      if (db === undefined) return undefined
      const key = hashString(db.resourceId)
      if (query.metricName === "CPUUtilization") {
        return gauge((t) => {
          const epoch = epochAt(db.history, t)
          if (epoch === undefined || db.status === "stopped") return undefined
          return clamp((demandPercent(db.profile, key, t) * dbVcpus(db.baselineInstanceClass)) / dbVcpus(epoch.instanceClass))
        })
      }
      if (query.metricName === "DatabaseConnections") {
        return gauge((t) => (t < db.createTime || db.status === "stopped" ? undefined : Math.round(demandPercent(db.profile, key, t) / 2)))
      }
      return undefined
    }
    case "AWS/Lambda": {
      const fn = owned(data.functions.find((f) => f.name === dim(query, "FunctionName")))
      if (fn === undefined) return undefined
      const key = hashString(fn.name + fn.accountId)
      if (query.metricName === "Invocations") return { counter: true, at: (t) => invocationsPerSlot(fn.profile, fn.invocationsPerHour, key, t) }
      if (query.metricName === "Duration") {
        // CPU scales with memory in Lambda, except for functions that never needed it.
        return gauge((t) => {
          if (invocationsPerSlot(fn.profile, fn.invocationsPerHour, key, t) === 0) return undefined
          const memory = epochAt(fn.memoryHistory, t)?.memorySize ?? fn.memorySize
          const scale = fn.profile === "overProvisioned" ? 1 : fn.baselineMemorySize / memory
          return fn.baselineDurationMs * scale * (0.8 + demandPercent("steady", key, t) / 200)
        })
      }
      return undefined
    }
    case "AWS/ECS": {
      const service = owned(data.services.find((s) => s.name === dim(query, "ServiceName") && s.clusterName === dim(query, "ClusterName")))
      if (service === undefined) return undefined
      const family = service.taskDefinition.split(":")[0]
      const defs = data.taskDefinitions.filter((d) => d.family === family && d.accountId === service.accountId && d.region === service.region)
      const base = defs[0]
      if (base === undefined) return undefined
      const key = hashString(`${service.accountId}/${service.clusterName}/${service.name}`)
      /** The task size running at t, or undefined when no task runs. */
      const sizeAt = (t: number) => {
        const epoch = epochAt(service.history, t)
        if (epoch === undefined || epoch.desiredCount === 0) return undefined
        return defs.find((d) => `${d.family}:${d.revision}` === epoch.taskDefinition) ?? base
      }
      if (query.metricName === "CPUUtilization") {
        return gauge((t) => {
          const size = sizeAt(t)
          return size === undefined ? undefined : clamp((demandPercent(service.profile, key, t) * base.cpu) / size.cpu)
        })
      }
      if (query.metricName === "MemoryUtilization") {
        return gauge((t) => {
          const size = sizeAt(t)
          return size === undefined ? undefined : clamp((memoryDemandPercent(service.profile, key, t) * base.memory) / size.memory)
        })
      }
      return undefined
    }
    default:
      return undefined
  }
}

const percentile = (sorted: ReadonlyArray<number>, p: number): number => {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] ?? 0
}

const aggregate = (samples: ReadonlyArray<number>, stat: string, counter: boolean, slots: number): number | undefined => {
  if (samples.length === 0) return undefined
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length
  switch (stat) {
    case "Average":
      return mean
    case "Sum":
      return counter ? Math.round(mean * slots) : samples.reduce((a, b) => a + b, 0)
    case "SampleCount":
      return counter ? slots : samples.length
    case "Maximum":
      return Math.max(...samples)
    case "Minimum":
      return Math.min(...samples)
    default: {
      const p = /^p(\d+(?:\.\d+)?)$/.exec(stat)
      return p === null ? undefined : percentile([...samples].sort((a, b) => a - b), Number(p[1]))
    }
  }
}

const UNITS: Record<string, string> = {
  CPUUtilization: "Percent",
  MemoryUtilization: "Percent",
  mem_used_percent: "Percent",
  Invocations: "Count",
  DatabaseConnections: "Count",
  Duration: "Milliseconds"
}

export const estateMetrics = (data: EstateData, options: EstateMetricsOptions = {}): MetricSource => ({
  unit: (_namespace, metricName) => UNITS[metricName],
  points: (query) => {
    const sampler = samplerFor(data, query, options)
    if (sampler === undefined) return []
    const periodMs = Math.max(60, query.period) * 1000
    const start = query.start.getTime()
    const end = query.end.getTime()
    const slots = Math.max(1, Math.floor(periodMs / SAMPLE_MS))
    const stride = Math.max(1, Math.ceil(slots / MAX_SAMPLES_PER_POINT))
    const points: Array<MetricPoint> = []
    for (let t0 = start, n = 0; t0 < end && n < MAX_POINTS; t0 += periodMs, n++) {
      const samples: Array<number> = []
      for (let s = 0; s < slots; s += stride) {
        const value = sampler.at(t0 + s * SAMPLE_MS)
        if (value !== undefined) samples.push(value)
      }
      const value = aggregate(samples, query.stat, sampler.counter, slots)
      if (value !== undefined) points.push({ timestamp: new Date(t0), value: Math.round(value * 1e4) / 1e4 })
    }
    return points
  }
})

/**
 * The estate with the "load surge after resize" knob: every downsized EC2
 * instance (moved off the type its workload was sized for to one with no more
 * vCPUs; or those of `instanceIds`) runs at `cpuPercent` (default 92 %) from
 * its resize until it is back on its type, so a right-sizing regresses
 * on purpose: its CPU alarm (> 80 % for 3 x 5 min) fires and θ5 rolls it
 * back. Pass a function to turn the surge on and off while the sandbox runs.
 * Give the result to `Sandbox.start({ estate })`.
 */
export const withLoadSurge = (estate: SandboxEstate, surge: LoadSurge | (() => LoadSurge | undefined) = {}): SandboxEstate => ({
  ...estate,
  metrics: estateMetrics(estate.data, { loadSurge: typeof surge === "function" ? surge : () => surge })
})
