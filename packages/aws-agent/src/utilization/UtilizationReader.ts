/**
 * Utilization from CloudWatch: one set of queries per resource (CPU average
 * and maximum for instances and databases, invocations and duration for
 * functions, CPU and memory for ECS services), batched 500 to a
 * GetMetricData call per (account, region), over a window (default 14 days)
 * at hourly resolution where percentiles are wanted (CPU, Lambda duration);
 * what needs only a total or a mean over the window (the instances' and
 * databases' peak, Lambda's invocations, ECS memory) is one datapoint for the
 * whole window. A failed batch leaves its resources without utilization and
 * is reported, not fatal.
 */
import type { AwsError } from "@miyabi/aws-runtime"
import { type Resource, Utilization } from "@miyabi/types"
import { Chunk, Clock, Effect } from "effect"
import { CloudWatchMetrics, MAX_QUERIES_PER_CALL, type MetricQuery } from "../adapters/CloudWatchMetrics.js"
import { patchResource } from "../ResourcePatch.js"
import { type MetricStats, metricStats } from "./MetricStats.js"

export const DEFAULT_WINDOW_DAYS = 14
const PERIOD = 3600
const DAY_MS = 86_400_000

type Role = "cpuAvg" | "cpuMax" | "invocations" | "duration" | "memAvg"

interface Wanted {
  readonly role: Role
  readonly namespace: string
  readonly metricName: string
  readonly dimensions: ReadonlyArray<{ readonly name: string; readonly value: string }>
  readonly stat: MetricQuery["stat"]
  /**
   * "window": one datapoint for the whole window, for a series of which only
   * the window's Maximum, Sum or mean is used: the window's Maximum is the
   * largest hourly Maximum, its Sum the sum of the hourly Sums, and its
   * Average the mean of every sample (the hourly averages' mean when every
   * hour has as many samples). Asking for it alone halves the datapoints of an
   * instance, a function or a service (discovery's client spent half its CPU
   * decoding GetMetricData's hourly series).
   */
  readonly period?: "window"
}

/** What to ask CloudWatch about a resource; nothing for kinds (or states) without useful metrics. */
export const wantedMetrics = (r: Resource): ReadonlyArray<Wanted> => {
  const d = r.details
  switch (d._tag) {
    case "ec2-instance": {
      if (r.state !== "running") return []
      const dims = [{ name: "InstanceId", value: r.id }]
      return [
        { role: "cpuAvg", namespace: "AWS/EC2", metricName: "CPUUtilization", dimensions: dims, stat: "Average" },
        { role: "cpuMax", namespace: "AWS/EC2", metricName: "CPUUtilization", dimensions: dims, stat: "Maximum", period: "window" }
      ]
    }
    case "rds-instance": {
      if (r.state === "stopped") return []
      const dims = [{ name: "DBInstanceIdentifier", value: r.id }]
      return [
        { role: "cpuAvg", namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions: dims, stat: "Average" },
        { role: "cpuMax", namespace: "AWS/RDS", metricName: "CPUUtilization", dimensions: dims, stat: "Maximum", period: "window" }
      ]
    }
    case "lambda-function": {
      const dims = [{ name: "FunctionName", value: r.id }]
      return [
        { role: "invocations", namespace: "AWS/Lambda", metricName: "Invocations", dimensions: dims, stat: "Sum", period: "window" },
        { role: "duration", namespace: "AWS/Lambda", metricName: "Duration", dimensions: dims, stat: "Average" }
      ]
    }
    case "ecs-service": {
      const cluster = d.clusterArn.split("/").pop() ?? ""
      const dims = [{ name: "ClusterName", value: cluster }, { name: "ServiceName", value: r.name ?? r.id }]
      return [
        { role: "cpuAvg", namespace: "AWS/ECS", metricName: "CPUUtilization", dimensions: dims, stat: "Average" },
        { role: "memAvg", namespace: "AWS/ECS", metricName: "MemoryUtilization", dimensions: dims, stat: "Average", period: "window" }
      ]
    }
    default:
      return []
  }
}

export type SeriesByRole = Partial<Record<Role, ReadonlyArray<number>>>

const clampPercent = (n: number): number => Math.min(100, Math.max(0, n))

/** Hourly datapoints: the history they cover, in hours. */
const history = (datapoints: number) => ({ periodSeconds: PERIOD, historyHours: (datapoints * PERIOD) / 3600 })

/** Mean and maximum without sorting: the series that need no percentile. */
const meanAndMax = (values: ReadonlyArray<number>): { readonly count: number; readonly avg: number; readonly max: number } => {
  let count = 0
  let sum = 0
  let max = 0
  for (const v of values) {
    if (!Number.isFinite(v)) continue
    max = count === 0 ? v : Math.max(max, v)
    sum += v
    count++
  }
  return { count, avg: count === 0 ? 0 : sum / count, max }
}

/** The series whose percentiles are recorded (and returned as `stats`): CPU average, or Lambda duration. */
const mainSeries = (series: SeriesByRole): ReadonlyArray<number> | undefined => series.cpuAvg ?? series.duration

/**
 * The resource's Utilization from its series (pure). `main` is the main
 * series' stats when the caller has them already (sorting 336 values per
 * resource twice showed in discovery's profile).
 */
export const utilizationOf = (r: Resource, series: SeriesByRole, windowDays: number, main?: MetricStats): Utilization | undefined => {
  if (r.details._tag === "lambda-function") {
    const invocations = series.invocations ?? []
    const durations = series.duration ?? []
    if (invocations.length === 0 && durations.length === 0) return undefined
    const total = invocations.reduce((a, b) => a + b, 0)
    const duration = main ?? metricStats(durations)
    const timeoutMs = r.details.timeoutSeconds * 1000
    const share = (ms: number) => clampPercent((ms / timeoutMs) * 100)
    // Invocations come as one Sum over the window; the hourly durations tell how much history there is.
    const datapoints = durations.length
    return Utilization.make({
      metric: "Duration/Timeout",
      averagePercent: share(duration.avg),
      peakPercent: share(duration.max),
      windowDays,
      datapoints,
      invocations: Math.round(total),
      averageDurationMs: duration.avg,
      ...(duration.count === 0 ? {} : { p50Percent: share(duration.p50), p95Percent: share(duration.p95) }),
      ...history(datapoints)
    }, true)
  }
  const avg = main ?? metricStats(series.cpuAvg ?? [])
  if (avg.count === 0) return undefined
  const peak = series.cpuMax === undefined ? avg.max : meanAndMax(series.cpuMax).max
  const memory = series.memAvg === undefined ? undefined : meanAndMax(series.memAvg)
  return Utilization.make({
    metric: "CPUUtilization",
    averagePercent: clampPercent(avg.avg),
    peakPercent: clampPercent(peak),
    windowDays,
    datapoints: avg.count,
    ...(memory === undefined || memory.count === 0 ? {} : { memoryAveragePercent: clampPercent(memory.avg) }),
    p50Percent: clampPercent(avg.p50),
    p95Percent: clampPercent(avg.p95),
    ...history(avg.count)
  }, true)
}

export interface UtilizationOptions {
  readonly windowDays?: number
  /** End of the window; default now. */
  readonly end?: Date
}

export interface UtilizationResult {
  readonly resources: ReadonlyArray<Resource>
  /** p50/p95/max/avg of each resource's main series (CPU, or Lambda duration), by ARN. */
  readonly stats: ReadonlyMap<string, MetricStats>
  /** (account, region) pairs whose metrics could not be read. */
  readonly failures: ReadonlyArray<AwsError>
  readonly calls: number
}

/** Reads utilization for resources of ONE account and region (the caller groups). */
export const readUtilization = (
  resources: ReadonlyArray<Resource>,
  options: UtilizationOptions = {}
): Effect.Effect<UtilizationResult, never, CloudWatchMetrics> =>
  Effect.gen(function* () {
    const first = resources[0]
    if (first === undefined) return { resources, stats: new Map(), failures: [], calls: 0 }
    const cw = yield* CloudWatchMetrics
    const windowDays = options.windowDays ?? DEFAULT_WINDOW_DAYS
    const end = options.end ?? new Date(yield* Clock.currentTimeMillis)
    // Whole hours, so every query gets the same aligned datapoints.
    const endAligned = new Date(Math.floor(end.getTime() / 3_600_000) * 3_600_000)
    const window = { start: new Date(endAligned.getTime() - windowDays * DAY_MS), end: endAligned }
    // One period covering the window, in whole minutes as CloudWatch requires.
    const windowPeriod = Math.max(60, Math.ceil((windowDays * DAY_MS) / 60_000) * 60)
    const queries: Array<{ readonly query: MetricQuery; readonly index: number; readonly role: Role }> = []
    resources.forEach((r, index) => {
      for (const w of wantedMetrics(r)) {
        queries.push({
          index,
          role: w.role,
          query: { id: `q${queries.length}`, namespace: w.namespace, metricName: w.metricName, dimensions: w.dimensions, stat: w.stat, periodSeconds: w.period === "window" ? windowPeriod : PERIOD }
        })
      }
    })
    const batches = Chunk.toReadonlyArray(Chunk.chunksOf(Chunk.fromIterable(queries), MAX_QUERIES_PER_CALL)).map(Chunk.toReadonlyArray)
    const target = { account: first.account, region: first.region }
    const answers = yield* Effect.forEach(
      batches,
      (batch) =>
        cw.getMetricData(target, batch.map((b) => b.query), window).pipe(
          Effect.map((series) => ({ batch, series, error: undefined })),
          Effect.catchAll((error) => Effect.succeed({ batch, series: [], error }))
        ),
      { concurrency: 4 }
    )
    const byResource = new Map<number, SeriesByRole>()
    for (const { batch, series } of answers) {
      const values = new Map(series.map((s) => [s.id, s.values]))
      for (const b of batch) {
        const got = values.get(b.query.id)
        if (got === undefined) continue
        byResource.set(b.index, { ...byResource.get(b.index), [b.role]: got })
      }
    }
    const stats = new Map<string, MetricStats>()
    const updated = resources.map((r, index) => {
      const series = byResource.get(index)
      if (series === undefined) return r
      const values = mainSeries(series)
      const main = values === undefined ? undefined : metricStats(values)
      if (main !== undefined) stats.set(r.arn, main)
      const utilization = utilizationOf(r, series, windowDays, main)
      return utilization === undefined ? r : patchResource(r, { utilization })
    })
    return {
      resources: updated,
      stats,
      failures: answers.flatMap((a) => (a.error === undefined ? [] : [a.error])),
      calls: batches.length
    }
  }).pipe(Effect.withSpan("Utilization.read", { attributes: { resources: resources.length } }))
