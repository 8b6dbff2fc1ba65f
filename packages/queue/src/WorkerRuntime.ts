/**
 * The generic worker: N slots that claim tasks of the registered kinds, run
 * their handlers with a timeout while heartbeating the lease, and settle each
 * attempt (complete, retry with backoff, dead-letter) through the queue.
 *
 * Shutdown is a drain: once `shutdown` completes the slots stop claiming,
 * in-flight tasks get until the drain deadline to finish, the rest are
 * released back to the queue (their attempt not counted), and `run` returns
 * a report. The app wires SIGTERM to `shutdown` and exits 0 afterwards.
 */
import type { Lease, Task, WorkerId } from "@miyabi/types"
import { Cause, Clock, Deferred, Duration, Effect, Exit, Fiber, Inspectable, Option, Predicate, Ref, Schedule } from "effect"
import { HandlerRegistry, TaskFailure, type TaskContext } from "./HandlerRegistry.js"
import { TaskQueue, type QueueError } from "./TaskQueue.js"
import * as Metrics from "./WorkerMetrics.js"

export type StopReason = "Shutdown" | "Idle" | "MaxTasks"

export interface WorkerRuntimeOptions {
  readonly workerId: WorkerId
  /** Tasks run at once (default 1). */
  readonly concurrency?: number
  /** Lease length; a crashed worker's task is claimable again after it (default 60 s). */
  readonly leaseMs?: number
  /** Heartbeat period (default a third of the lease). */
  readonly heartbeatMs?: number
  /** How long an idle slot waits before claiming again (default 1 s). */
  readonly pollMs?: number
  /** Per-task timeout unless the handler sets its own (default 15 min). */
  readonly taskTimeout?: Duration.DurationInput
  /** How long in-flight tasks may run after shutdown before they are released (default 30 s). */
  readonly drainTimeout?: Duration.DurationInput
  /** Completes when the worker should drain and stop (SIGTERM). */
  readonly shutdown?: Effect.Effect<void>
  /** Stop once the queue has no Pending or InProgress task at all (the demo's mode). */
  readonly exitWhenIdle?: boolean
  /** Stop after claiming this many tasks. */
  readonly maxTasks?: number
}

/** Why the worker stopped, and its counters at that moment (abandoned attempts are in its metrics only). */
export interface DrainReport
  extends Pick<Metrics.WorkerMetricsSnapshot, "claimed" | "completed" | "retried" | "deadLettered" | "released" | "leaseLost" | "queueErrors"> {
  readonly reason: StopReason
}

type Outcome =
  | { readonly _tag: "Finished"; readonly exit: Exit.Exit<unknown, unknown> }
  | { readonly _tag: "LeaseLost"; readonly error: QueueError }

const describe = (error: unknown): string =>
  Predicate.hasProperty(error, "message") && typeof error.message === "string" ? error.message : Inspectable.format(error)

/** What a failed attempt tells the queue: its message and whether another attempt may help. */
const failureOf = (cause: Cause.Cause<unknown>): { readonly message: string; readonly retryable: boolean } =>
  Option.match(Cause.failureOption(cause), {
    onSome: (error) => (error instanceof TaskFailure ? { message: error.message, retryable: error.retryable } : { message: describe(error), retryable: true }),
    onNone: () => ({ message: `the handler died: ${Cause.pretty(cause).split("\n")[0] ?? "unknown defect"}`, retryable: true })
  })

/** Runs the worker until it is shut down (or idle, or has claimed `maxTasks`); never fails. */
export const run = (options: WorkerRuntimeOptions): Effect.Effect<DrainReport, never, TaskQueue | HandlerRegistry> =>
  Effect.gen(function* () {
    const queue = yield* TaskQueue
    const registry = yield* HandlerRegistry
    const external = yield* Effect.serviceOption(Metrics.WorkerMetrics)
    const workerId = options.workerId
    const leaseMs = options.leaseMs ?? 60_000
    const heartbeatMs = options.heartbeatMs ?? Math.max(1, Math.floor(leaseMs / 3))
    const pollMs = options.pollMs ?? 1_000
    const taskTimeout = options.taskTimeout ?? Duration.minutes(15)
    const drainTimeout = options.drainTimeout ?? Duration.seconds(30)

    const local = yield* Ref.make(Metrics.empty)
    const record = (event: Metrics.WorkerEvent) =>
      Ref.update(local, (metrics) => Metrics.apply(metrics, event)).pipe(
        Effect.zipRight(Option.match(external, { onNone: () => Effect.void, onSome: (metrics) => metrics.record(event) }))
      )
    const stop = yield* Deferred.make<StopReason>()
    const budget = yield* Ref.make(options.maxTasks ?? Number.POSITIVE_INFINITY)

    /** Logs and counts a store failure; the worker keeps going (the next poll tries again). */
    const queueFailed = (what: string) => (error: QueueError) =>
      Effect.logError(`${what} failed: ${error.message}`).pipe(Effect.zipRight(record({ _tag: "QueueError" })))

    const finished = (outcome: "completed" | "retried" | "deadLettered" | "released" | "leaseLost" | "abandoned", startedMs: number) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) => record({ _tag: "Finished", outcome, durationMs: now - startedMs, at: new Date(now) }))

    const beat = (lease: Lease) =>
      queue.heartbeat(lease, leaseMs).pipe(
        // A busy store is worth a few more tries; a lost lease is final.
        Effect.retry({ while: (error) => error.reason === "StoreUnavailable", times: 3, schedule: Schedule.exponential("100 millis") })
      )

    /**
     * Watches a running attempt: heartbeats every `heartbeatMs` and ends the
     * attempt at its timeout or when the lease is lost. One fiber with one
     * timer per task (rather than a fiber each for heartbeats, timeout and
     * drain) keeps the runtime's cost per task close to the queue's own.
     */
    const watch = (lease: Lease, timeoutAt: number, timeout: Duration.Duration) => {
      const loop = (lastBeatAt: number): Effect.Effect<Outcome> =>
        Effect.flatMap(Clock.currentTimeMillis, (now) => {
          if (now >= timeoutAt) {
            const error = new TaskFailure({ reason: "Timeout", message: `the handler timed out after ${Duration.format(timeout)}` })
            return Effect.succeed<Outcome>({ _tag: "Finished", exit: Exit.fail(error) })
          }
          const beatAt = lastBeatAt + heartbeatMs
          if (now >= beatAt) {
            return Effect.matchEffect(beat(lease), {
              onFailure: (error) => Effect.succeed<Outcome>({ _tag: "LeaseLost", error }),
              onSuccess: () => loop(now)
            })
          }
          return Effect.zipRight(Effect.sleep(Math.min(beatAt, timeoutAt) - now), loop(lastBeatAt))
        })
      return loop
    }

    const settle = (lease: Lease, outcome: Outcome, startedMs: number): Effect.Effect<void> => {
      switch (outcome._tag) {
        case "Finished":
          return Exit.match(outcome.exit, {
            onSuccess: (result) =>
              queue.complete(lease, result).pipe(
                Effect.zipRight(Effect.logInfo("task completed")),
                Effect.zipRight(finished("completed", startedMs)),
                Effect.catchAll((error) =>
                  error.reason === "LeaseLost"
                    ? Effect.logWarning(`task finished but its lease was lost: ${error.detail}`).pipe(Effect.zipRight(finished("leaseLost", startedMs)))
                    : queueFailed("complete")(error).pipe(Effect.zipRight(finished("abandoned", startedMs)))
                )
              ),
            onFailure: (cause) => {
              const failure = failureOf(cause)
              return queue.fail(lease, failure).pipe(
                Effect.flatMap((result) =>
                  result._tag === "Retrying"
                    ? Effect.logWarning(`attempt failed, retrying at ${result.availableAt.toISOString()}: ${failure.message}`).pipe(
                        Effect.zipRight(finished("retried", startedMs))
                      )
                    : Effect.logError(`task dead-lettered: ${failure.message}`).pipe(Effect.zipRight(finished("deadLettered", startedMs)))
                ),
                Effect.catchAll((error) =>
                  error.reason === "LeaseLost"
                    ? Effect.logWarning(`attempt failed but its lease was lost: ${error.detail}`).pipe(Effect.zipRight(finished("leaseLost", startedMs)))
                    : queueFailed("fail")(error).pipe(Effect.zipRight(finished("abandoned", startedMs)))
                )
              )
            }
          })
        case "LeaseLost":
          return Effect.logWarning(`lease lost, handler interrupted: ${outcome.error.detail}`).pipe(Effect.zipRight(finished("leaseLost", startedMs)))
      }
    }

    /** Gives the task back when the drain deadline interrupts it; the attempt does not count. */
    const release = (lease: Lease, startedMs: number) =>
      queue.release(lease).pipe(
        Effect.zipRight(Effect.logWarning("drain deadline reached, task released")),
        Effect.zipRight(finished("released", startedMs)),
        Effect.catchAll((error) => queueFailed("release")(error).pipe(Effect.zipRight(finished("abandoned", startedMs))))
      )

    /**
     * Runs one claimed task. Called with interruption masked: only the
     * handler and its watch can be interrupted (by the drain deadline), and
     * then the task is released before the slot stops.
     */
    const runTask = (task: Task, lease: Lease, restore: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>): Effect.Effect<void> =>
      Effect.gen(function* () {
        const startedMs = yield* Clock.currentTimeMillis
        yield* record({ _tag: "Claimed", at: new Date(startedMs) })
        yield* Effect.logInfo("task started")
        const handler = registry.get(task.kind)
        const context: TaskContext = { task, lease, attempt: lease.attempt, workerId }
        const timeout = Duration.decode(Option.match(handler, { onNone: () => taskTimeout, onSome: (h) => h.timeout ?? taskTimeout }))
        const attempt = Option.match(handler, {
          onNone: () => Effect.fail(new TaskFailure({ reason: "Permanent", message: `no handler for task kind ${task.kind}` })),
          onSome: (h) => h.run(task.payload, context)
        }).pipe(
          Effect.withSpan("WorkerRuntime.handle", { attributes: { taskId: task.id, kind: task.kind, attempt: lease.attempt }, captureStackTrace: false }),
          Effect.exit,
          Effect.map((exit): Outcome => ({ _tag: "Finished", exit }))
        )
        const outcome = yield* restore(Effect.race(attempt, watch(lease, startedMs + Duration.toMillis(timeout), timeout)(startedMs))).pipe(Effect.exit)
        yield* Exit.match(outcome, { onFailure: () => release(lease, startedMs), onSuccess: (settled) => settle(lease, settled, startedMs) })
      }).pipe(
        Effect.annotateLogs({ taskId: task.id, kind: task.kind, attempt: lease.attempt }),
        Effect.withSpan("WorkerRuntime.task", { attributes: { taskId: task.id, kind: task.kind, attempt: lease.attempt }, captureStackTrace: false })
      )

    const isIdle = queue.stats().pipe(
      Effect.map((stats) => stats.lanes.every((lane) => lane.depth === 0 && lane.inFlight === 0)),
      Effect.catchAll((error) => queueFailed("stats")(error).pipe(Effect.as(false)))
    )

    /**
     * One claim-and-run step of a slot; false once the slot should stop.
     * Uninterruptible except while idle or running a handler, so the drain
     * deadline never lands between a claim and the bookkeeping of its task.
     */
    const step: Effect.Effect<boolean> = Effect.uninterruptibleMask((restore) =>
      Effect.gen(function* () {
        if (yield* Deferred.isDone(stop)) return false
        if (!(yield* Ref.modify(budget, (left) => (left > 0 ? [true, left - 1] : [false, left])))) {
          yield* Deferred.succeed(stop, "MaxTasks")
          return false
        }
        const claimed = yield* queue.claim({ workerId, leaseMs, kinds: registry.kinds }).pipe(
          Effect.catchAll((error) => queueFailed("claim")(error).pipe(Effect.as(Option.none<readonly [Task, Lease]>())))
        )
        if (Option.isSome(claimed)) {
          yield* runTask(claimed.value[0], claimed.value[1], restore)
          return true
        }
        yield* Ref.update(budget, (left) => left + 1)
        if (options.exitWhenIdle === true && (yield* isIdle)) {
          yield* Deferred.succeed(stop, "Idle")
          return false
        }
        yield* restore(Effect.race(Effect.sleep(pollMs), Deferred.await(stop)))
        return true
      })
    )

    const slots = Math.max(1, Math.floor(options.concurrency ?? 1))
    yield* Effect.logInfo(`worker started with ${slots} slot(s) for kinds ${registry.kinds.join(", ") || "(none)"}`)
    yield* Effect.scoped(
      Effect.gen(function* () {
        if (options.shutdown !== undefined) yield* Effect.forkScoped(Effect.zipRight(options.shutdown, Deferred.succeed(stop, "Shutdown")))
        yield* record({ _tag: "State", state: "running" })
        const running = yield* Effect.fork(
          Effect.forEach(Array.from({ length: slots }, (_, i) => i), () => Effect.repeat(step, { while: (more) => more }), {
            concurrency: "unbounded",
            discard: true
          })
        )
        // The drain deadline interrupts the slots; each releases the task it still runs.
        yield* Effect.forkScoped(
          Deferred.await(stop).pipe(
            Effect.tap((reason) => Effect.logInfo(`draining (${reason}): no new claims; in-flight tasks have ${Duration.format(drainTimeout)}`)),
            Effect.zipRight(record({ _tag: "State", state: "draining" })),
            Effect.zipRight(Effect.sleep(drainTimeout)),
            Effect.zipRight(Fiber.interrupt(running))
          )
        )
        yield* Fiber.await(running)
      })
    )
    yield* record({ _tag: "State", state: "stopped" })
    const metrics = yield* Ref.get(local)
    const reason = Option.getOrElse(yield* Deferred.poll(stop).pipe(Effect.flatMap(Effect.transposeOption)), () => "Shutdown" as const)
    const report: DrainReport = {
      reason,
      claimed: metrics.claimed,
      completed: metrics.completed,
      retried: metrics.retried,
      deadLettered: metrics.deadLettered,
      released: metrics.released,
      leaseLost: metrics.leaseLost,
      queueErrors: metrics.queueErrors
    }
    yield* Effect.logInfo(`worker stopped (${reason}): ${JSON.stringify(report)}`)
    return report
  }).pipe(Effect.annotateLogs({ workerId: options.workerId }), Effect.withSpan("WorkerRuntime.run"))

/**
 * Completes on the first of `signals` (SIGTERM from ECS, SIGINT from a
 * terminal): pass it as `shutdown`. The listeners are removed when the
 * effect completes or is interrupted.
 */
export const shutdownOnSignals = (signals: ReadonlyArray<NodeJS.Signals> = ["SIGTERM", "SIGINT"]): Effect.Effect<NodeJS.Signals> =>
  Effect.async<NodeJS.Signals>((resume) => {
    const listeners: Array<readonly [NodeJS.Signals, () => void]> = []
    const remove = () => listeners.forEach(([signal, listener]) => process.removeListener(signal, listener))
    for (const signal of signals) {
      const listener = () => {
        remove()
        resume(Effect.succeed(signal))
      }
      listeners.push([signal, listener])
      process.on(signal, listener)
    }
    return Effect.sync(remove)
  })
