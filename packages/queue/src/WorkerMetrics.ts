/**
 * Counters of one worker process, for its health endpoint and its logs.
 * A service rather than Effect's global metric registry so that each worker
 * (and each test) has its own.
 */
import { Context, Effect, Layer, Ref } from "effect"

export type WorkerState = "starting" | "running" | "draining" | "stopped"

export interface WorkerMetricsSnapshot {
  readonly state: WorkerState
  readonly inFlight: number
  readonly claimed: number
  readonly completed: number
  /** Attempts that failed and will be retried. */
  readonly retried: number
  /** Tasks that failed for good (attempts exhausted or not retryable). */
  readonly deadLettered: number
  /** Tasks given back to the queue during a drain. */
  readonly released: number
  /** Attempts interrupted because the lease was lost (cancelled or taken over). */
  readonly leaseLost: number
  /** Attempts whose outcome the store could not record; the task is claimable again when its lease expires. */
  readonly abandoned: number
  /** Errors of the queue store seen by the runtime (claim, complete, fail, release). */
  readonly queueErrors: number
  /** Durations of finished attempts, in milliseconds. */
  readonly durations: { readonly count: number; readonly totalMs: number; readonly maxMs: number }
  readonly lastActivityAt: Date | undefined
}

export type WorkerEvent =
  | { readonly _tag: "State"; readonly state: WorkerState }
  | { readonly _tag: "Claimed"; readonly at: Date }
  | { readonly _tag: "Finished"; readonly outcome: "completed" | "retried" | "deadLettered" | "released" | "leaseLost" | "abandoned"; readonly durationMs: number; readonly at: Date }
  | { readonly _tag: "QueueError" }

export interface WorkerMetricsShape {
  readonly record: (event: WorkerEvent) => Effect.Effect<void>
  readonly snapshot: Effect.Effect<WorkerMetricsSnapshot>
}

export class WorkerMetrics extends Context.Tag("@miyabi/queue/WorkerMetrics")<WorkerMetrics, WorkerMetricsShape>() {}

export const empty: WorkerMetricsSnapshot = {
  state: "starting",
  inFlight: 0,
  claimed: 0,
  completed: 0,
  retried: 0,
  deadLettered: 0,
  released: 0,
  leaseLost: 0,
  abandoned: 0,
  queueErrors: 0,
  durations: { count: 0, totalMs: 0, maxMs: 0 },
  lastActivityAt: undefined
}

/** The snapshot after `event`: a pure function, so the counters are easy to test. */
export const apply = (metrics: WorkerMetricsSnapshot, event: WorkerEvent): WorkerMetricsSnapshot => {
  switch (event._tag) {
    case "State":
      return { ...metrics, state: event.state }
    case "Claimed":
      return { ...metrics, claimed: metrics.claimed + 1, inFlight: metrics.inFlight + 1, lastActivityAt: event.at }
    case "QueueError":
      return { ...metrics, queueErrors: metrics.queueErrors + 1 }
    case "Finished":
      return {
        ...metrics,
        inFlight: Math.max(0, metrics.inFlight - 1),
        [event.outcome]: metrics[event.outcome] + 1,
        durations: {
          count: metrics.durations.count + 1,
          totalMs: metrics.durations.totalMs + event.durationMs,
          maxMs: Math.max(metrics.durations.maxMs, event.durationMs)
        },
        lastActivityAt: event.at
      }
  }
}

export const make: Effect.Effect<WorkerMetricsShape> = Effect.map(Ref.make(empty), (ref) => ({
  record: (event) => Ref.update(ref, (metrics) => apply(metrics, event)),
  snapshot: Ref.get(ref)
}))

export const layer: Layer.Layer<WorkerMetrics> = Layer.effect(WorkerMetrics, make)
