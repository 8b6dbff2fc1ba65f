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
 * Points are aggregated from five-minute samples (see `timeGrid` in
 * Utilization.ts). The queries of one request can share their sample times
 * and, for one series asked for several statistics, their samples: see
 * `EstateMetricSource.sharing`.
 */
import type { MetricPoint, MetricQuery, MetricSource } from "../EstateContract.js"
import type { EstateData } from "./EstateData.js"
import { findInstanceType } from "./InstanceCatalog.js"
import { hashString } from "./Prng.js"
import type { SandboxEstate } from "./SandboxEstate.js"
import { aggregatorFor, demandPercent, invocationsPerSlot, memoryDemandPercent, surgePercent, type TimeGrid, timeGrid } from "./Utilization.js"

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
 * A sampler gives the value at t (with `day`, the diurnal cycle's value at
 * t), or undefined when the resource has no data then. A query asks it for
 * times that only grow (period after period, slot after slot), which lets it
 * walk a resource's history once per query.
 */
interface Sampler {
  readonly at: (t: number, day: number) => number | undefined
  /** Counters sum over the slots of a period; gauges do not. */
  readonly counter: boolean
}

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

const gauge = (at: (t: number, day: number) => number | undefined): Sampler => ({ at, counter: false })

/**
 * A resource's key: where it lives and the dimensions that name it, unambiguously (whatever characters
 * they hold). CloudWatch's metrics are per account and region, so a database, function or service of the
 * same name in another account or region is another series.
 */
const placedKey = (accountId: string, region: string, ...names: ReadonlyArray<string>): string => JSON.stringify([accountId, region, ...names])

/** The estate's resources by where they live and the dimension that names them in CloudWatch. */
const resourcesOf = (data: EstateData) => ({
  instance: indexedBy(() => data.instances, (i) => placedKey(i.accountId, i.region, i.id)),
  db: indexedBy(() => data.dbInstances, (d) => placedKey(d.accountId, d.region, d.identifier)),
  fn: indexedBy(() => data.functions, (f) => placedKey(f.accountId, f.region, f.name)),
  service: indexedBy(() => data.services, (s) => placedKey(s.accountId, s.region, s.clusterName, s.name))
})

type Resources = ReturnType<typeof resourcesOf>

const samplerFor = (data: EstateData, resources: Resources, query: MetricQuery, options: EstateMetricsOptions): Sampler | undefined => {
  /** The key of the resource the query names in its own account and region; undefined when a dimension is missing. */
  const named = (...dimensions: ReadonlyArray<string>): string | undefined => {
    const names = dimensions.map((d) => dim(query, d))
    return names.every((n): n is string => n !== undefined) ? placedKey(query.accountId, query.region, ...names) : undefined
  }
  switch (query.namespace) {
    case "AWS/EC2":
    case "CWAgent": {
      const instance = resources.instance(named("InstanceId"))
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
      return gauge((t, day) => {
        const size = sizeAt(t)
        if (size === undefined || !size.running) return undefined
        const current = size.current
        if (memory) return clamp((memoryDemandPercent(instance.profile, key, t, day) * (base?.memoryGiB ?? 1)) / (current?.memoryGiB ?? 1))
        if (size.surges) return clamp(surgePercent(surge?.cpuPercent ?? 92, key, t))
        return clamp((demandPercent(instance.profile, key, t, day) * (base?.vcpus ?? 1)) / (current?.vcpus ?? 1))
      })
    }
    case "AWS/RDS": {
      const db = resources.db(named("DBInstanceIdentifier"))
      if (db === undefined) return undefined
      const key = hashString(db.resourceId)
      if (query.metricName === "CPUUtilization") {
        const baseVcpus = dbVcpus(db.baselineInstanceClass)
        const vcpusAt = perEpoch(db.history, (epoch) => dbVcpus(epoch.instanceClass))
        return gauge((t, day) => {
          const vcpus = vcpusAt(t)
          if (vcpus === undefined || db.status === "stopped") return undefined
          return clamp((demandPercent(db.profile, key, t, day) * baseVcpus) / vcpus)
        })
      }
      if (query.metricName === "DatabaseConnections") {
        return gauge((t, day) => (t < db.createTime || db.status === "stopped" ? undefined : Math.round(demandPercent(db.profile, key, t, day) / 2)))
      }
      return undefined
    }
    case "AWS/Lambda": {
      const fn = resources.fn(named("FunctionName"))
      if (fn === undefined) return undefined
      const key = hashString(fn.name + fn.accountId)
      if (query.metricName === "Invocations") return { counter: true, at: (t, day) => invocationsPerSlot(fn.profile, fn.invocationsPerHour, key, t, day) }
      if (query.metricName === "Duration") {
        const memoryAt = perEpoch(fn.memoryHistory, (epoch) => epoch.memorySize)
        // CPU scales with memory in Lambda, except for functions that never needed it.
        return gauge((t, day) => {
          if (invocationsPerSlot(fn.profile, fn.invocationsPerHour, key, t, day) === 0) return undefined
          const memory = memoryAt(t) ?? fn.memorySize
          const scale = fn.profile === "overProvisioned" ? 1 : fn.baselineMemorySize / memory
          return fn.baselineDurationMs * scale * (0.8 + demandPercent("steady", key, t, day) / 200)
        })
      }
      return undefined
    }
    case "AWS/ECS": {
      const service = resources.service(named("ClusterName", "ServiceName"))
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
        return gauge((t, day) => {
          const size = sizeAt(t)
          return size === undefined ? undefined : clamp((demandPercent(service.profile, key, t, day) * base.cpu) / size.cpu)
        })
      }
      if (query.metricName === "MemoryUtilization") {
        return gauge((t, day) => {
          const size = sizeAt(t)
          return size === undefined ? undefined : clamp((memoryDemandPercent(service.profile, key, t, day) * base.memory) / size.memory)
        })
      }
      return undefined
    }
    default:
      return undefined
  }
}

/** A series' samples over a grid: period k's defined values are `values[bounds[k]]` up to `values[bounds[k + 1]]`. */
interface SampleGrid {
  readonly values: ReadonlyArray<number>
  readonly bounds: ReadonlyArray<number>
}

const sampleGrid = (sampler: Sampler, grid: TimeGrid): SampleGrid => {
  const values: Array<number> = []
  const bounds: Array<number> = [0]
  for (let k = 0; k + 1 < grid.bounds.length; k++) {
    for (let i = grid.bounds[k] ?? 0; i < (grid.bounds[k + 1] ?? 0); i++) {
      const value = sampler.at(grid.times[i] ?? 0, grid.days[i] ?? 0)
      if (value !== undefined) values.push(value)
    }
    bounds.push(values.length)
  }
  return { values, bounds }
}

/** What the queries of one request share while `sharing` runs them: the estate cannot change in between. */
interface Shared {
  readonly grids: Map<string, TimeGrid>
  readonly samples: Map<string, SampleGrid>
}

/**
 * The last few made: a request asks the statistics of one series one after
 * the other, and keeping every series of a 500-query request alive until it
 * ends would promote them all to the old generation (more GC than sampling).
 */
const SHARED_ENTRIES = 8

const shared = <A>(cache: Map<string, A> | undefined, key: string, make: () => A): A => {
  if (cache === undefined) return make()
  const found = cache.get(key)
  if (found !== undefined) return found
  const made = make()
  cache.set(key, made)
  const oldest = cache.size > SHARED_ENTRIES ? cache.keys().next().value : undefined
  if (oldest !== undefined) cache.delete(oldest)
  return made
}

/** The estate's metric source; `sharing` runs a request's queries so that they share sample times and samples. */
export interface EstateMetricSource extends MetricSource {
  /**
   * Runs `queries` (synchronously) so that queries of one window share its
   * sample times, and queries of one series that differ only in the
   * statistic (CPU Average and Maximum of an instance) share its samples.
   * Nothing is kept once it returns: the estate may change before the next.
   */
  readonly sharing: <A>(queries: () => A) => A
}

const UNITS: Record<string, string> = {
  CPUUtilization: "Percent",
  MemoryUtilization: "Percent",
  mem_used_percent: "Percent",
  Invocations: "Count",
  DatabaseConnections: "Count",
  Duration: "Milliseconds"
}

export const estateMetrics = (data: EstateData, options: EstateMetricsOptions = {}): EstateMetricSource => {
  const resources = resourcesOf(data)
  let scope: Shared | undefined
  return {
    unit: (_namespace, metricName) => UNITS[metricName],
    sharing: (queries) => {
      if (scope !== undefined) return queries()
      scope = { grids: new Map(), samples: new Map() }
      try {
        return queries()
      } finally {
        scope = undefined
      }
    },
    points: (query) => {
      const sampler = samplerFor(data, resources, query, options)
      if (sampler === undefined) return []
      const start = query.start.getTime()
      const end = query.end.getTime()
      const window = `${start}/${end}/${query.period}`
      const grid = shared(scope?.grids, window, () => timeGrid(start, end, query.period))
      const aggregate = aggregatorFor(query.stat, sampler.counter)
      if (aggregate === undefined) return []
      // The series: what the sampler depends on besides the times (the dimensions in their order: a name may repeat).
      const series = JSON.stringify([query.accountId, query.region, query.namespace, query.metricName, query.dimensions.map((d) => [d.name, d.value]), window])
      const samples = shared(scope?.samples, series, () => sampleGrid(sampler, grid))
      const points: Array<MetricPoint> = []
      grid.periodStarts.forEach((t0, k) => {
        const from = samples.bounds[k] ?? 0
        const to = samples.bounds[k + 1] ?? 0
        const slots = (grid.bounds[k + 1] ?? 0) - (grid.bounds[k] ?? 0)
        if (to > from) points.push({ timestamp: new Date(t0), value: Math.round(aggregate(samples.values, from, to, slots) * 1e4) / 1e4 })
      })
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
