/**
 * CloudWatch Embedded Metric Format: a log line that CloudWatch Logs turns
 * into metrics, no PutMetricData call needed. One JSON object with an `_aws`
 * block naming the namespace, dimension sets and metrics, and the values as
 * top-level fields. Pure functions; the writer is WorkerTelemetry.
 */
import type { QueueStats } from "@miyabi/types"
import type { WorkerEvent } from "../WorkerMetrics.js"

export type EmfUnit = "Count" | "Milliseconds" | "Seconds" | "None"

export interface EmfMetric {
  readonly name: string
  readonly unit: EmfUnit
  readonly value: number
}

export interface EmfRecord {
  readonly namespace: string
  readonly timestamp: Date
  /** Dimension names and values; every metric of the line is published under exactly this set. */
  readonly dimensions: Readonly<Record<string, string>>
  readonly metrics: ReadonlyArray<EmfMetric>
  /** Extra fields for Logs Insights (not metrics, not dimensions). */
  readonly properties?: Readonly<Record<string, string | number | boolean>>
}

export const DEFAULT_NAMESPACE = "Miyabi/Workers"

/** The EMF JSON line of a record (no trailing newline). */
export const format = (record: EmfRecord): string => {
  const names = Object.keys(record.dimensions)
  const line: Record<string, unknown> = {
    _aws: {
      Timestamp: record.timestamp.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: record.namespace,
          Dimensions: [names],
          Metrics: record.metrics.map((m) => ({ Name: m.name, Unit: m.unit }))
        }
      ]
    },
    ...record.properties,
    ...record.dimensions
  }
  for (const metric of record.metrics) line[metric.name] = metric.value
  return JSON.stringify(line)
}

/** The metrics a worker event stands for: completions, failures, retries and durations; none for the others. */
export const eventMetrics = (event: WorkerEvent): ReadonlyArray<EmfMetric> => {
  if (event._tag !== "Finished") return []
  const duration: EmfMetric = { name: "TaskDuration", unit: "Milliseconds", value: event.durationMs }
  switch (event.outcome) {
    case "completed":
      return [{ name: "TasksCompleted", unit: "Count", value: 1 }, duration]
    case "deadLettered":
      return [{ name: "TasksFailed", unit: "Count", value: 1 }, duration]
    case "retried":
      return [{ name: "TaskRetries", unit: "Count", value: 1 }, duration]
    default:
      return [{ name: "TasksInterrupted", unit: "Count", value: 1 }]
  }
}

/** One record per lane: depth, in flight and oldest waiting age, dimension Priority. */
export const queueRecords = (stats: QueueStats, namespace: string, base: Readonly<Record<string, string>> = {}): ReadonlyArray<EmfRecord> =>
  stats.lanes.map((lane) => ({
    namespace,
    timestamp: stats.at,
    dimensions: { ...base, Priority: lane.priority },
    metrics: [
      { name: "QueueDepth", unit: "Count", value: lane.depth },
      { name: "TasksInFlight", unit: "Count", value: lane.inFlight },
      { name: "OldestTaskAge", unit: "Seconds", value: Math.floor(lane.oldestAgeMs / 1_000) }
    ]
  }))
