/**
 * Runs the queue's worker runtime with the given handlers, for
 * `miyabi worker run` (the built-in kinds) and the demo (echo).
 */
import { type Handler, HandlerRegistry, type TaskQueue, WorkerLogger, WorkerRuntime } from "@miyabi/queue"
import { WorkerId } from "@miyabi/types"
import { Clock, Duration, Effect, Layer, Logger } from "effect"
import { withoutCliLogs } from "../commands/discover/CommandLogs.js"
import * as os from "node:os"

export interface RunWorkerOptions {
  /** The kinds this worker runs (BuiltinKinds.builtinHandlers for `miyabi worker run`). */
  readonly handlers: ReadonlyArray<Handler>
  readonly concurrency: number
  readonly leaseMs: number
  readonly drainMs: number
  /** Stop when no task is pending or in flight (instead of waiting for SIGTERM/SIGINT). */
  readonly untilEmpty: boolean
  /** Worker logs: JSON lines on stderr, or none (the demo reports from the store instead). */
  readonly logs: "stderr" | "none"
}

export interface WorkerSummary extends WorkerRuntime.DrainReport {
  readonly elapsedMs: number
}

export const runWorker = (options: RunWorkerOptions): Effect.Effect<WorkerSummary, never, TaskQueue> =>
  Effect.gen(function* () {
    const startedMs = yield* Clock.currentTimeMillis
    const report = yield* WorkerRuntime.run({
      workerId: WorkerId.make(`${os.hostname()}-${process.pid}`.slice(0, 128)),
      concurrency: options.concurrency,
      leaseMs: options.leaseMs,
      drainTimeout: Duration.millis(options.drainMs),
      // Idle slots poll the store; the demo wants a quick finish more than a quiet store.
      pollMs: options.untilEmpty ? 25 : 500,
      exitWhenIdle: options.untilEmpty,
      shutdown: WorkerRuntime.shutdownOnSignals()
    })
    const elapsedMs = (yield* Clock.currentTimeMillis) - startedMs
    return { ...report, elapsedMs }
  }).pipe(
    Effect.provide(
      Layer.merge(
        HandlerRegistry.layer(options.handlers),
        options.logs === "stderr" ? Layer.merge(withoutCliLogs, WorkerLogger.layer({ format: "json", stream: "stderr" })) : Layer.merge(withoutCliLogs, Logger.remove(Logger.defaultLogger))
      )
    )
  )
