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

/**
 * A sampler gives the value at t, or undefined when the resource has no data
 * then. A query asks it for times that only grow (period after period, slot
 * after slot), which lets it walk a resource's history once per query.
 */
interface Sampler {
  readonly at: (t: number) => number | undefined
  /** Counters sum over the slots of a period; gauges do not. */
  readonly counter: boolean
}

const MAX_POINTS = 10_080
const MAX_SAMPLES_PER_POINT = 24

const dim = (query: MetricQuery, name: string): string | undefined => query.dimensions.find((d) => d.name === name)?.value

/**
 * The epoch in force at t: the last of the leading epochs that began at or
 * before t. Asked for growing times it moves forward from where it was
 * instead of scanning the history from its start; a time earlier than the
 * last one starts over, so any order of asking gets the same answer.
 */
const epochCursor = <A extends { readonly at: number }>(history: ReadonlyArray<A>): ((t: number) => A | undefined) => {
  let index = -1
  let last = Number.NEGATIVE_INFINITY
  return (t) => {
    if (t < last) index = -1
    last = t
    for (let next = history[index + 1]; next !== undefined && next.at <= t; next = history[index + 1]) index += 1
    return index < 0 ? undefined : history[index]
  }
}

/** `derive(epoch)` for the epoch in force at t, computed once per epoch rather than once per sample. */
const perEpoch = <A extends { readonly at: number }, B>(history: ReadonlyArray<A>, derive: (epoch: A) => B): ((t: number) => B | undefined) => {
  const epochAt = epochCursor(history)
  let epoch: A | undefined
  let derived: B | undefined
  return (t) => {
    const current = epochAt(t)
    if (current !== epoch) {
      epoch = current
      derived = current === undefined ? undefined : derive(current)
    }
    return derived
  }
}

/**
 * A resource list looked up by key (first match, as `find` gives), without
 * a scan per query. The services change resources in place and the lists
 * only grow (resources are never removed; terminated ones keep their
 * entry), so the index is rebuilt when a list's identity or length changes.
 * A hit is checked against its key; a miss is answered by a scan of the list
 * (and rebuilds the index if the scan finds what it missed), so an index out
 * of date costs time, never a wrong answer.
 */
const indexedBy = <A>(items: () => ReadonlyArray<A>, keyOf: (item: A) => string): ((key: string | undefined) => A | undefined) => {
  let indexed: ReadonlyArray<A> | undefined
  let length = -1
  let positions = new Map<string, number>()
  const build = (list: ReadonlyArray<A>): void => {
    positions = new Map()
    list.forEach((item, i) => {
      const key = keyOf(item)
      if (!positions.has(key)) positions.set(key, i)
    })
    indexed = list
    length = list.length
  }
  return (key) => {
    if (key === undefined) return undefined
    const list = items()
    if (list !== indexed || list.length !== length) build(list)
    const position = positions.get(key)
    const hit = position === undefined ? undefined : list[position]
    if (hit !== undefined && keyOf(hit) === key) return hit
    const found = list.find((item) => keyOf(item) === key)
    if (found !== undefined || hit !== undefined) build(list)
    return found
  }
}

const dbVcpus = (instanceClass: string): number => {
  const size = instanceClass.split(".")[2] ?? "large"
  return { micro: 2, small: 2, medium: 2, large: 2, xlarge: 4, "2xlarge": 8, "4xlarge": 16 }[size] ?? 2
}

const clamp = (value: number): number => Math.min(100, Math.max(0, value))

const gauge = (at: (t: number) => number | undefined): Sampler => ({ at, counter: false })

/** An ECS service's key: its cluster and name, unambiguously (whatever characters they hold). */
const serviceKey = (clusterName: string, serviceName: string): string => JSON.stringify([clusterName, serviceName])

/** The estate's resources by the dimension that names them in CloudWatch. */
const resourcesOf = (data: EstateData) => ({
  instance: indexedBy(() => data.instances, (i) => i.id),
  db: indexedBy(() => data.dbInstances, (d) => d.identifier),
  fn: indexedBy(() => data.functions, (f) => f.name),
  service: indexedBy(() => data.services, (s) => serviceKey(s.clusterName, s.name))
})

type Resources = ReturnType<typeof resourcesOf>

const samplerFor = (data: EstateData, resources: Resources, query: MetricQuery, options: EstateMetricsOptions): Sampler | undefined => {
  const owned = <A extends { readonly accountId: string; readonly region: string }>(r: A | undefined): A | undefined =>
    r !== undefined && r.accountId === query.accountId && r.region === query.region ? r : undefined
  switch (query.namespace) {
    case "AWS/EC2":
    case "CWAgent": {
      const instance = owned(resources.instance(dim(query, "InstanceId")))
      if (instance === undefined) return undefined
      const memory = query.namespace === "CWAgent"
      if (memory ? query.metricName !== "mem_used_percent" : query.metricName !== "CPUUtilization") return undefined
      const base = findInstanceType(instance.baselineInstanceType)
      const key = hashString(instance.id)
      // Read once per query (a test may turn it on and off between queries).
      const surge = options.loadSurge?.()
      const surging = surge !== undefined && (surge.instanceIds === undefined || surge.instanceIds.includes(instance.id))
      const sizeAt = perEpoch(instance.history, (epoch) => {
        const current = findInstanceType(epoch.instanceType)
        // Right-sized: another type than the workload's, not a bigger one (fewer vCPUs, or as many on a cheaper type).
        const downsized = epoch.instanceType !== instance.baselineInstanceType && (current?.vcpus ?? 1) <= (base?.vcpus ?? 1)
        return { running: epoch.running, current, surges: surging && downsized }
      })
      return gauge((t) => {
        const size = sizeAt(t)
        if (size === undefined || !size.running) return undefined
        const current = size.current
        if (memory) return clamp((memoryDemandPercent(instance.profile, key, t) * (base?.memoryGiB ?? 1)) / (current?.memoryGiB ?? 1))
        if (size.surges) return clamp(surgePercent(surge?.cpuPercent ?? 92, key, t))
        return clamp((demandPercent(instance.profile, key, t) * (base?.vcpus ?? 1)) / (current?.vcpus ?? 1))
      })
    }
    case "AWS/RDS": {
      const db = owned(resources.db(dim(query, "DBInstanceIdentifier")))
      if (db === undefined) return undefined
      const key = hashString(db.resourceId)
      if (query.metricName === "CPUUtilization") {
        const baseVcpus = dbVcpus(db.baselineInstanceClass)
        const vcpusAt = perEpoch(db.history, (epoch) => dbVcpus(epoch.instanceClass))
        return gauge((t) => {
          const vcpus = vcpusAt(t)
          if (vcpus === undefined || db.status === "stopped") return undefined
          return clamp((demandPercent(db.profile, key, t) * baseVcpus) / vcpus)
        })
      }
      if (query.metricName === "DatabaseConnections") {
        return gauge((t) => (t < db.createTime || db.status === "stopped" ? undefined : Math.round(demandPercent(db.profile, key, t) / 2)))
      }
      return undefined
    }
    case "AWS/Lambda": {
      const fn = owned(resources.fn(dim(query, "FunctionName")))
      if (fn === undefined) return undefined
      const key = hashString(fn.name + fn.accountId)
      if (query.metricName === "Invocations") return { counter: true, at: (t) => invocationsPerSlot(fn.profile, fn.invocationsPerHour, key, t) }
      if (query.metricName === "Duration") {
        const memoryAt = perEpoch(fn.memoryHistory, (epoch) => epoch.memorySize)
        // CPU scales with memory in Lambda, except for functions that never needed it.
        return gauge((t) => {
          if (invocationsPerSlot(fn.profile, fn.invocationsPerHour, key, t) === 0) return undefined
          const memory = memoryAt(t) ?? fn.memorySize
          const scale = fn.profile === "overProvisioned" ? 1 : fn.baselineMemorySize / memory
          return fn.baselineDurationMs * scale * (0.8 + demandPercent("steady", key, t) / 200)
        })
      }
      return undefined
    }
    case "AWS/ECS": {
      const clusterName = dim(query, "ClusterName")
      const serviceName = dim(query, "ServiceName")
      const service = owned(clusterName === undefined || serviceName === undefined ? undefined : resources.service(serviceKey(clusterName, serviceName)))
      if (service === undefined) return undefined
      const family = service.taskDefinition.split(":")[0]
      const defs = data.taskDefinitions.filter((d) => d.family === family && d.accountId === service.accountId && d.region === service.region)
      const base = defs[0]
      if (base === undefined) return undefined
      const key = hashString(`${service.accountId}/${service.clusterName}/${service.name}`)
      /** The task size running at t, or undefined when no task runs. */
      const sizeAt = perEpoch(service.history, (epoch) =>
        epoch.desiredCount === 0 ? undefined : (defs.find((d) => `${d.family}:${d.revision}` === epoch.taskDefinition) ?? base)
      )
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

const sum = (samples: ReadonlyArray<number>): number => {
  let total = 0
  for (const sample of samples) total += sample
  return total
}

/** The statistic over one period's samples (never empty), or undefined for a statistic not served. */
const aggregatorFor = (stat: string, counter: boolean, slots: number): ((samples: ReadonlyArray<number>) => number) | undefined => {
  switch (stat) {
    case "Average":
      return (samples) => sum(samples) / samples.length
    case "Sum":
      return counter ? (samples) => Math.round((sum(samples) / samples.length) * slots) : sum
    case "SampleCount":
      return counter ? () => slots : (samples) => samples.length
    case "Maximum":
      return (samples) => Math.max(...samples)
    case "Minimum":
      return (samples) => Math.min(...samples)
    default: {
      const p = /^p(\d+(?:\.\d+)?)$/.exec(stat)
      if (p === null) return undefined
      const rank = Number(p[1])
      return (samples) => percentile([...samples].sort((a, b) => a - b), rank)
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

export const estateMetrics = (data: EstateData, options: EstateMetricsOptions = {}): MetricSource => {
  const resources = resourcesOf(data)
  return {
    unit: (_namespace, metricName) => UNITS[metricName],
    points: (query) => {
      const sampler = samplerFor(data, resources, query, options)
      if (sampler === undefined) return []
      const periodMs = Math.max(60, query.period) * 1000
      const start = query.start.getTime()
      const end = query.end.getTime()
      const slots = Math.max(1, Math.floor(periodMs / SAMPLE_MS))
      const stride = Math.max(1, Math.ceil(slots / MAX_SAMPLES_PER_POINT))
      const aggregate = aggregatorFor(query.stat, sampler.counter, slots)
      if (aggregate === undefined) return []
      const points: Array<MetricPoint> = []
      // One buffer for every period's samples: a 14-day hourly query has 336 periods.
      const samples: Array<number> = []
      for (let t0 = start, n = 0; t0 < end && n < MAX_POINTS; t0 += periodMs, n++) {
        samples.length = 0
        for (let s = 0; s < slots; s += stride) {
          const value = sampler.at(t0 + s * SAMPLE_MS)
          if (value !== undefined) samples.push(value)
        }
        if (samples.length > 0) points.push({ timestamp: new Date(t0), value: Math.round(aggregate(samples) * 1e4) / 1e4 })
      }
      return points
    }
  }
}

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
