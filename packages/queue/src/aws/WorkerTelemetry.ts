/**
 * The worker's metrics on ECS: the runtime's WorkerMetrics service (its
 * counters for the health endpoint), plus, on every event, the task
 * protection guard and one CloudWatch EMF line per finished task; and a
 * reporter of queue depth and oldest age per lane as EMF lines.
 *
 *   WorkerRuntime.run(...).pipe(Effect.provide(WorkerTelemetry.layer({ workerId })), Effect.provide(EcsTaskProtection.layerConfig))
 */
import { Clock, Effect, Layer, Schedule, type Duration } from "effect"
import { EcsTaskProtection } from "../adapters/EcsTaskProtection.js"
import { TaskQueue } from "../TaskQueue.js"
import * as WorkerMetrics from "../WorkerMetrics.js"
import { DEFAULT_NAMESPACE, eventMetrics, format, queueRecords } from "./Emf.js"
import * as TaskProtectionGuard from "./TaskProtectionGuard.js"

export interface TelemetryOptions {
  readonly workerId: string
  readonly namespace?: string
  /** Where EMF lines go (default: stdout, which the awslogs driver ships to CloudWatch Logs). */
  readonly write?: (line: string) => void
  readonly protection?: TaskProtectionGuard.GuardOptions
}

const stdout = (line: string): void => {
  process.stdout.write(`${line}\n`)
}

/** WorkerMetrics that also drives task protection and writes EMF lines. */
export const make = (options: TelemetryOptions): Effect.Effect<WorkerMetrics.WorkerMetricsShape, never, EcsTaskProtection> =>
  Effect.gen(function* () {
    const base = yield* WorkerMetrics.make
    const guard = yield* TaskProtectionGuard.make(yield* EcsTaskProtection, options.protection)
    const write = options.write ?? stdout
    const namespace = options.namespace ?? DEFAULT_NAMESPACE
    const emit = (event: WorkerMetrics.WorkerEvent) => {
      const metrics = eventMetrics(event)
      return metrics.length === 0
        ? Effect.void
        : Effect.flatMap(Clock.currentTimeMillis, (now) =>
            Effect.sync(() => write(format({ namespace, timestamp: new Date(now), dimensions: { Service: "worker" }, metrics, properties: { workerId: options.workerId } })))
          )
    }
    return {
      record: (event) => Effect.all([base.record(event), guard.record(event), emit(event)], { discard: true }),
      snapshot: base.snapshot
    }
  })

export const layer = (options: TelemetryOptions): Layer.Layer<WorkerMetrics.WorkerMetrics, never, EcsTaskProtection> =>
  Layer.effect(WorkerMetrics.WorkerMetrics, make(options))

/** Writes queue depth / in flight / oldest age per lane every `every`, forever (fork it); store errors are logged and skipped. */
export const reportQueue = (every: Duration.DurationInput, options: Pick<TelemetryOptions, "namespace" | "write"> = {}): Effect.Effect<never, never, TaskQueue> =>
  Effect.flatMap(TaskQueue, (queue) =>
    queue.stats().pipe(
      Effect.flatMap((stats) =>
        Effect.sync(() => {
          for (const record of queueRecords(stats, options.namespace ?? DEFAULT_NAMESPACE, { Service: "worker" })) (options.write ?? stdout)(format(record))
        })
      ),
      Effect.catchAll((error) => Effect.logWarning(`queue metrics skipped: ${error.message}`)),
      Effect.repeat(Schedule.spaced(every)),
      Effect.zipRight(Effect.never)
    )
  )
