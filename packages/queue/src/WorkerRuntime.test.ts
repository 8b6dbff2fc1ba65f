import { describe, expect, it } from "@effect/vitest"
import { EnqueueRequest, TaskKind, WorkerId, type Task } from "@miyabi/types"
import { Deferred, Duration, Effect, Exit, Fiber, Layer, Logger, LogLevel, Option, Ref, Schema, TestClock } from "effect"
import { EchoHandler } from "./EchoHandler.js"
import * as HandlerRegistry from "./HandlerRegistry.js"
import * as SqliteTaskQueue from "./SqliteTaskQueue.js"
import { TaskQueue } from "./TaskQueue.js"
import * as WorkerMetrics from "./WorkerMetrics.js"
import * as WorkerRuntime from "./WorkerRuntime.js"

const block = TaskKind.make("block")
const worker = WorkerId.make("worker-1")

/** A handler that never finishes by itself and notes when it is interrupted. */
const blocking = (interrupted: Ref.Ref<number>) =>
  HandlerRegistry.handler({
    kind: block,
    payload: Schema.Struct({}),
    run: () => Effect.never.pipe(Effect.onInterrupt(() => Ref.update(interrupted, (n) => n + 1)))
  })

const slowTimeout = HandlerRegistry.handler({
  kind: TaskKind.make("slow"),
  payload: Schema.Struct({}),
  timeout: "1 second",
  run: () => Effect.sleep("10 seconds")
})

const env = (interrupted: Ref.Ref<number>) =>
  Layer.mergeAll(
    SqliteTaskQueue.layer(":memory:", { backoff: { baseMs: 1_000, capMs: 10_000 } }),
    HandlerRegistry.layer([EchoHandler, blocking(interrupted), slowTimeout]),
    WorkerMetrics.layer,
    Logger.minimumLogLevel(LogLevel.None)
  )

/** Runs `test` with a fresh in-memory queue, the handlers above and quiet logs. */
const withWorld = <A, E>(test: (interrupted: Ref.Ref<number>) => Effect.Effect<A, E, TaskQueue | HandlerRegistry.HandlerRegistry | WorkerMetrics.WorkerMetrics>) =>
  Effect.flatMap(Ref.make(0), (interrupted) => test(interrupted).pipe(Effect.provide(env(interrupted))))

const enqueue = (kind: TaskKind, payload: unknown, maxAttempts = 3) =>
  Effect.flatMap(TaskQueue, (queue) => queue.enqueue(EnqueueRequest.make({ kind, payload, priority: "standard", maxAttempts }))).pipe(
    Effect.map(({ task }) => task)
  )

const reload = (task: Task) => Effect.flatMap(TaskQueue, (queue) => queue.get(task.id))

/** Moves the TestClock forward in small steps until `fiber` is done (bounded). */
const runToEnd = <A, E>(fiber: Fiber.Fiber<A, E>, step: Duration.DurationInput = "100 millis", maxSteps = 5_000) =>
  Effect.gen(function* () {
    for (let i = 0; i < maxSteps && Option.isNone(yield* Fiber.poll(fiber)); i++) yield* TestClock.adjust(step)
    return yield* Fiber.join(fiber)
  })

describe("WorkerRuntime", () => {
  it.effect("runs tasks on several slots and stops when the queue is idle", () =>
    withWorld(() =>
      Effect.gen(function* () {
        const tasks = yield* Effect.forEach([1, 2, 3, 4, 5], (n) => enqueue(EchoHandler.kind, { message: `hello ${n}`, workMs: 1_000 }))
        const fiber = yield* Effect.fork(WorkerRuntime.run({ workerId: worker, concurrency: 2, exitWhenIdle: true }))
        const report = yield* runToEnd(fiber)
        expect(report).toMatchObject({ reason: "Idle", claimed: 5, completed: 5, retried: 0, deadLettered: 0 })
        for (const [i, task] of tasks.entries()) {
          const done = yield* reload(task)
          expect(done.status).toBe("Completed")
          expect(done.result).toEqual({ echo: `hello ${i + 1}`, attempt: 1 })
        }
        const metrics = yield* Effect.flatMap(WorkerMetrics.WorkerMetrics, (m) => m.snapshot)
        expect(metrics).toMatchObject({ state: "stopped", completed: 5, inFlight: 0 })
        expect(metrics.durations.count).toBe(5)
        expect(metrics.durations.maxMs).toBeGreaterThanOrEqual(1_000)
      })
    ))

  it.effect("retries with backoff and dead-letters after 3 attempts", () =>
    withWorld(() =>
      Effect.gen(function* () {
        const task = yield* enqueue(EchoHandler.kind, { message: "never", failTimes: 10 })
        const report = yield* runToEnd(yield* Effect.fork(WorkerRuntime.run({ workerId: worker, exitWhenIdle: true })))
        expect(report).toMatchObject({ claimed: 3, retried: 2, deadLettered: 1, completed: 0 })
        const dead = yield* reload(task)
        expect(dead.status).toBe("Failed")
        expect(dead.attempts).toBe(3)
        expect(dead.lastError?.message).toMatch(/fails on purpose on attempt 3/)
      })
    ))

  it.effect("succeeds on a later attempt after transient failures", () =>
    withWorld(() =>
      Effect.gen(function* () {
        const task = yield* enqueue(EchoHandler.kind, { message: "third time", failTimes: 2 })
        const report = yield* runToEnd(yield* Effect.fork(WorkerRuntime.run({ workerId: worker, exitWhenIdle: true })))
        expect(report).toMatchObject({ claimed: 3, retried: 2, completed: 1, deadLettered: 0 })
        expect((yield* reload(task)).result).toEqual({ echo: "third time", attempt: 3 })
      })
    ))

  it.effect("dead-letters a malformed payload at once, naming the field", () =>
    withWorld(() =>
      Effect.gen(function* () {
        const task = yield* enqueue(EchoHandler.kind, { message: 42 })
        const report = yield* runToEnd(yield* Effect.fork(WorkerRuntime.run({ workerId: worker, exitWhenIdle: true })))
        expect(report).toMatchObject({ claimed: 1, deadLettered: 1, retried: 0 })
        const dead = yield* reload(task)
        expect(dead.status).toBe("Failed")
        expect(dead.attempts).toBe(1)
        expect(dead.lastError?.retryable).toBe(false)
        expect(dead.lastError?.message).toMatch(/^payload of task kind echo, field message: /)
      })
    ))

  it.effect("keeps a long task's lease with heartbeats", () =>
    withWorld(() =>
      Effect.gen(function* () {
        const queue = yield* TaskQueue
        const task = yield* enqueue(EchoHandler.kind, { message: "long", workMs: 10_000 })
        const fiber = yield* Effect.fork(WorkerRuntime.run({ workerId: worker, leaseMs: 1_000, heartbeatMs: 300, exitWhenIdle: true }))
        for (let i = 0; i < 8; i++) {
          yield* TestClock.adjust("1 second")
          expect((yield* reload(task)).status).toBe("InProgress")
          expect(Option.isNone(yield* queue.claim({ workerId: WorkerId.make("thief"), leaseMs: 1_000 }))).toBe(true)
        }
        const report = yield* runToEnd(fiber)
        expect(report).toMatchObject({ completed: 1, leaseLost: 0 })
        expect((yield* reload(task)).attempts).toBe(1)
      })
    ))

  it.effect("interrupts the handler when its lease is lost", () =>
    withWorld((interrupted) =>
      Effect.gen(function* () {
        const queue = yield* TaskQueue
        const task = yield* enqueue(block, {})
        const shutdown = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(
          WorkerRuntime.run({ workerId: worker, leaseMs: 1_000, heartbeatMs: 200, shutdown: Deferred.await(shutdown) })
        )
        yield* TestClock.adjust("500 millis")
        expect((yield* reload(task)).status).toBe("InProgress")
        yield* queue.cancel(task.id)
        yield* TestClock.adjust("500 millis")
        expect(yield* Ref.get(interrupted)).toBe(1)
        yield* Deferred.succeed(shutdown, undefined)
        const report = yield* runToEnd(fiber)
        expect(report).toMatchObject({ reason: "Shutdown", leaseLost: 1, completed: 0 })
        expect((yield* reload(task)).status).toBe("Cancelled")
      })
    ))

  it.effect("fails an attempt that overruns its timeout", () =>
    withWorld(() =>
      Effect.gen(function* () {
        const task = yield* enqueue(TaskKind.make("slow"), {}, 1)
        yield* runToEnd(yield* Effect.fork(WorkerRuntime.run({ workerId: worker, exitWhenIdle: true })))
        const dead = yield* reload(task)
        expect(dead.status).toBe("Failed")
        expect(dead.lastError?.message).toMatch(/timed out after 1s/)
      })
    ))

  it.effect("drains on shutdown: stops claiming, finishes what it can, releases the rest", () =>
    withWorld((interrupted) =>
      Effect.gen(function* () {
        const finishing = yield* enqueue(EchoHandler.kind, { message: "finish me", workMs: 2_000 })
        const stuck = yield* enqueue(block, {})
        const waiting = yield* enqueue(EchoHandler.kind, { message: "not started" })
        const shutdown = yield* Deferred.make<void>()
        const fiber = yield* Effect.fork(
          WorkerRuntime.run({ workerId: worker, concurrency: 2, drainTimeout: "5 seconds", shutdown: Deferred.await(shutdown) })
        )
        yield* TestClock.adjust("100 millis")
        expect((yield* reload(stuck)).status).toBe("InProgress")
        yield* Deferred.succeed(shutdown, undefined)
        const report = yield* runToEnd(fiber)
        expect(report).toMatchObject({ reason: "Shutdown", claimed: 2, completed: 1, released: 1 })
        expect((yield* reload(finishing)).status).toBe("Completed")
        const released = yield* reload(stuck)
        expect([released.status, released.attempts]).toEqual(["Pending", 0])
        expect(yield* Ref.get(interrupted)).toBe(1)
        const untouched = yield* reload(waiting)
        expect([untouched.status, untouched.attempts]).toEqual(["Pending", 0])
      })
    ))

  it.effect("stops after maxTasks claims", () =>
    withWorld(() =>
      Effect.gen(function* () {
        yield* Effect.forEach([1, 2, 3], (n) => enqueue(EchoHandler.kind, { message: `${n}` }))
        const report = yield* runToEnd(yield* Effect.fork(WorkerRuntime.run({ workerId: worker, concurrency: 2, maxTasks: 2 })))
        expect(report).toMatchObject({ reason: "MaxTasks", claimed: 2, completed: 2 })
        expect(yield* Effect.flatMap(TaskQueue, (queue) => queue.list({ status: "Pending" }))).toHaveLength(1)
      })
    ))

  it.effect("refuses two handlers for one kind", () =>
    Effect.gen(function* () {
      const exit = yield* Effect.exit(HandlerRegistry.make([EchoHandler, EchoHandler]))
      expect(Exit.isFailure(exit) && Exit.causeOption(exit).pipe(Option.map(String), Option.getOrElse(() => ""))).toMatch(/two handlers .* echo/)
    }))
})
