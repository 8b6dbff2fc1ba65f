import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { EnqueueRequest, IdempotencyKey, NotFound, TaskExecution, TaskId, TaskKind, TaskLog, WorkerId, type Priority } from "@miyabi/types"
import Database from "better-sqlite3"
import { Effect, Exit, Option, TestClock } from "effect"
import * as SqliteTaskQueue from "./SqliteTaskQueue.js"
import { QueueError, TaskQueue } from "./TaskQueue.js"

const dir = mkdtempSync(join(tmpdir(), "miyabi-queue-test-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const echo = TaskKind.make("echo")
const alice = WorkerId.make("alice")
const bob = WorkerId.make("bob")

const request = (payload: unknown, options: { priority?: Priority; key?: string; maxAttempts?: number; kind?: TaskKind } = {}) =>
  EnqueueRequest.make({
    kind: options.kind ?? echo,
    payload,
    priority: options.priority ?? "standard",
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.key === undefined ? {} : { idempotencyKey: IdempotencyKey.make(options.key) })
  })

const inMemory = SqliteTaskQueue.layer(":memory:", { backoff: { baseMs: 1_000, capMs: 10_000 } })

const claimOne = (workerId: WorkerId, leaseMs = 10_000) =>
  Effect.flatMap(TaskQueue, (queue) => queue.claim({ workerId, leaseMs }))

const mustClaim = (workerId: WorkerId, leaseMs = 10_000) =>
  Effect.flatMap(claimOne(workerId, leaseMs), (claimed) =>
    Option.match(claimed, { onNone: () => Effect.dieMessage("expected a task to claim"), onSome: Effect.succeed })
  )

describe("SqliteTaskQueue", () => {
  it.effect("enqueues idempotently: the same key returns the first task", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      const first = yield* queue.enqueue(request({ n: 1 }, { key: "job-1" }))
      const second = yield* queue.enqueue(request({ n: 2 }, { key: "job-1" }))
      const other = yield* queue.enqueue(request({ n: 3 }, { key: "job-2" }))
      expect(first.created).toBe(true)
      expect(second.created).toBe(false)
      expect(second.task.id).toBe(first.task.id)
      expect(second.task.payload).toEqual({ n: 1 })
      expect(other.task.id).not.toBe(first.task.id)
      expect(yield* queue.list({})).toHaveLength(2)
    }).pipe(Effect.provide(inMemory)))

  it.effect("claims high before standard and oldest first within a lane", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      for (const [name, priority] of [["s1", "standard"], ["h1", "high"], ["s2", "standard"], ["h2", "high"]] as const) {
        yield* queue.enqueue(request({ name }, { priority }))
        yield* TestClock.adjust("1 millis")
      }
      const order: Array<unknown> = []
      for (let i = 0; i < 4; i++) order.push((yield* mustClaim(alice))[0].payload)
      expect(order).toEqual([{ name: "h1" }, { name: "h2" }, { name: "s1" }, { name: "s2" }])
      expect(Option.isNone(yield* claimOne(alice))).toBe(true)
    }).pipe(Effect.provide(inMemory)))

  it.effect("keeps FIFO order among tasks enqueued in the same millisecond", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      for (let n = 0; n < 20; n++) yield* queue.enqueue(request({ n }))
      const order: Array<unknown> = []
      for (let i = 0; i < 20; i++) order.push((yield* mustClaim(alice))[0].payload)
      expect(order).toEqual(Array.from({ length: 20 }, (_, n) => ({ n })))
    }).pipe(Effect.provide(inMemory)))

  it.effect("claims only the kinds asked for", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      yield* queue.enqueue(request({}, { kind: TaskKind.make("other") }))
      const wanted = yield* queue.enqueue(request({}))
      expect(Option.isNone(yield* queue.claim({ workerId: alice, leaseMs: 1_000, kinds: [TaskKind.make("nothing")] }))).toBe(true)
      const claimed = yield* queue.claim({ workerId: alice, leaseMs: 1_000, kinds: [echo] })
      expect(Option.map(claimed, ([task]) => task.id)).toEqual(Option.some(wanted.task.id))
    }).pipe(Effect.provide(inMemory)))

  it.effect("gives an expired lease to the next worker and counts the lost attempt", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      const { task } = yield* queue.enqueue(request({}))
      const [, aliceLease] = yield* mustClaim(alice, 1_000)
      expect(aliceLease.attempt).toBe(1)
      expect(Option.isNone(yield* claimOne(bob))).toBe(true)
      yield* TestClock.adjust("1001 millis")
      const [reclaimed, bobLease] = yield* mustClaim(bob)
      expect(reclaimed.id).toBe(task.id)
      expect(bobLease.attempt).toBe(2)
      expect(reclaimed.lastError?.message).toMatch(/lease of worker alice expired/)
      const lost = yield* Effect.flip(queue.heartbeat(aliceLease, 1_000))
      expect(lost).toBeInstanceOf(QueueError)
      expect(lost.reason).toBe("LeaseLost")
      expect(lost.detail).toMatch(/claimed again by worker bob/)
      expect((yield* Effect.flip(queue.complete(aliceLease))).reason).toBe("LeaseLost")
      const done = yield* queue.complete(bobLease, { ok: true })
      expect(done.status).toBe("Completed")
      expect(done.result).toEqual({ ok: true })
      expect(done.lease).toBeUndefined()
    }).pipe(Effect.provide(inMemory)))

  it.effect("keeps a lease alive with heartbeats", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      yield* queue.enqueue(request({}))
      let [, lease] = yield* mustClaim(alice, 1_000)
      for (let i = 0; i < 5; i++) {
        yield* TestClock.adjust("800 millis")
        lease = yield* queue.heartbeat(lease, 1_000)
        expect(Option.isNone(yield* claimOne(bob))).toBe(true)
      }
      expect(lease.expiresAt.getTime()).toBe(5 * 800 + 1_000)
      expect((yield* queue.complete(lease)).status).toBe("Completed")
    }).pipe(Effect.provide(inMemory)))

  it.effect("backs off exponentially with jitter and dead-letters after maxAttempts", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      const { task } = yield* queue.enqueue(request({}))
      for (const attempt of [1, 2]) {
        const [, lease] = yield* mustClaim(alice)
        expect(lease.attempt).toBe(attempt)
        const now = yield* TestClock.currentTimeMillis
        const outcome = yield* queue.fail(lease, { message: `boom ${attempt}`, retryable: true })
        if (outcome._tag !== "Retrying") return expect.fail("expected a retry")
        const step = 1_000 * 2 ** (attempt - 1)
        const delay = outcome.availableAt.getTime() - now
        expect(delay).toBeGreaterThanOrEqual(step / 2)
        expect(delay).toBeLessThanOrEqual(step)
        expect(Option.isNone(yield* claimOne(alice))).toBe(true)
        yield* TestClock.adjust(delay)
      }
      const [, last] = yield* mustClaim(alice)
      expect(last.attempt).toBe(3)
      expect(yield* queue.fail(last, { message: "boom 3", retryable: true })).toEqual({ _tag: "DeadLettered", attempt: 3 })
      const dead = yield* queue.get(task.id)
      expect(dead.status).toBe("Failed")
      expect(dead.attempts).toBe(3)
      expect(dead.lastError?.message).toBe("boom 3")
      yield* TestClock.adjust("1 hour")
      expect(Option.isNone(yield* claimOne(alice))).toBe(true)
    }).pipe(Effect.provide(inMemory)))

  it.effect("dead-letters a non-retryable failure at once", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      yield* queue.enqueue(request({}))
      const [, lease] = yield* mustClaim(alice)
      expect(yield* queue.fail(lease, { message: "bad payload", retryable: false })).toEqual({ _tag: "DeadLettered", attempt: 1 })
    }).pipe(Effect.provide(inMemory)))

  it.effect("dead-letters a task whose lease expired on its last attempt", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      const { task } = yield* queue.enqueue(request({}, { maxAttempts: 1 }))
      yield* mustClaim(alice, 1_000)
      yield* TestClock.adjust("2 seconds")
      expect(Option.isNone(yield* claimOne(bob))).toBe(true)
      const dead = yield* queue.get(task.id)
      expect(dead.status).toBe("Failed")
      expect(dead.lastError?.message).toMatch(/expired on the last attempt/)
    }).pipe(Effect.provide(inMemory)))

  it.effect("releases a task without counting the attempt", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      const { task } = yield* queue.enqueue(request({}))
      const [, lease] = yield* mustClaim(alice)
      yield* queue.release(lease)
      const released = yield* queue.get(task.id)
      expect(released.status).toBe("Pending")
      expect(released.attempts).toBe(0)
      const [, again] = yield* mustClaim(bob)
      expect(again.attempt).toBe(1)
      expect((yield* Effect.flip(queue.release(lease))).reason).toBe("LeaseLost")
    }).pipe(Effect.provide(inMemory)))

  it.effect("cancels, retries and refuses transitions that make no sense", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      const { task } = yield* queue.enqueue(request({}))
      expect((yield* queue.cancel(task.id)).status).toBe("Cancelled")
      expect((yield* queue.cancel(task.id)).status).toBe("Cancelled")
      const retried = yield* queue.retry(task.id)
      expect(retried.status).toBe("Pending")
      const [, lease] = yield* mustClaim(alice)
      yield* queue.complete(lease)
      const refused = yield* Effect.flip(queue.cancel(task.id))
      expect(refused).toBeInstanceOf(QueueError)
      expect(refused.message).toMatch(/is Completed/)
      expect((yield* Effect.flip(queue.retry(task.id))).message).toMatch(/only Failed or Cancelled/)
      const missing = yield* Effect.flip(queue.get(TaskId.make("nope")))
      expect(missing).toEqual(new NotFound({ entity: "Task", id: "nope" }))
      expect(yield* Effect.flip(queue.cancel(TaskId.make("nope")))).toBeInstanceOf(NotFound)
    }).pipe(Effect.provide(inMemory)))

  it.effect("a cancelled in-flight task loses its lease", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      const { task } = yield* queue.enqueue(request({}))
      const [, lease] = yield* mustClaim(alice)
      yield* queue.cancel(task.id)
      const lost = yield* Effect.flip(queue.heartbeat(lease, 1_000))
      expect([lost.reason, lost.detail]).toEqual(["LeaseLost", expect.stringMatching(/is Cancelled/)])
      // Its worker cannot complete it either: it stays Cancelled.
      expect((yield* Effect.flip(queue.complete(lease, { ok: true }))).reason).toBe("LeaseLost")
      expect((yield* queue.get(task.id)).status).toBe("Cancelled")
    }).pipe(Effect.provide(inMemory)))

  it.effect("lists with a filter and reports stats per lane", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      yield* queue.enqueue(request({ n: 1 }, { priority: "high" }))
      yield* TestClock.adjust("1 second")
      yield* queue.enqueue(request({ n: 2 }, { priority: "high" }))
      for (let n = 3; n <= 5; n++) yield* queue.enqueue(request({ n }))
      const { task: cancelled } = yield* queue.enqueue(request({ n: 6 }))
      yield* queue.cancel(cancelled.id)
      yield* TestClock.adjust("4 seconds")
      const [, lease] = yield* mustClaim(alice)
      yield* queue.complete(lease)
      yield* mustClaim(alice)
      const stats = yield* queue.stats()
      expect(stats.lanes.map(({ priority, depth, inFlight, oldestAgeMs }) => ({ priority, depth, inFlight, oldestAgeMs }))).toEqual([
        { priority: "high", depth: 0, inFlight: 1, oldestAgeMs: 0 },
        { priority: "standard", depth: 3, inFlight: 0, oldestAgeMs: 4_000 }
      ])
      expect([stats.completed, stats.failed, stats.cancelled]).toEqual([1, 0, 1])
      expect((yield* queue.list({ status: "Pending" })).map((t) => t.payload)).toEqual([{ n: 5 }, { n: 4 }, { n: 3 }])
      expect(yield* queue.list({ priority: "high", limit: 1 })).toHaveLength(1)
      expect(yield* queue.list({ kind: TaskKind.make("other") })).toHaveLength(0)
    }).pipe(Effect.provide(inMemory)))

  it.effect("records executions by phase and logs by time", () =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      const { task } = yield* queue.enqueue(request({}))
      const at = new Date(0)
      yield* queue.recordExecution(new TaskExecution({ taskId: task.id, phase: "observe", attempt: 1, status: "Running", startedAt: at }))
      yield* queue.recordExecution(
        new TaskExecution({ taskId: task.id, phase: "observe", attempt: 1, status: "Succeeded", startedAt: at, finishedAt: new Date(5), output: { found: 2 } })
      )
      yield* queue.recordExecution(new TaskExecution({ taskId: task.id, phase: "plan", attempt: 1, status: "Running", startedAt: new Date(6) }))
      const executions = yield* queue.executions(task.id)
      expect(executions.map((e) => [e.phase, e.status, e.output])).toEqual([
        ["observe", "Succeeded", { found: 2 }],
        ["plan", "Running", undefined]
      ])
      yield* queue.appendLog(new TaskLog({ taskId: task.id, at, level: "info", message: "one" }))
      yield* queue.appendLog(new TaskLog({ taskId: task.id, at, level: "warn", message: "two" }))
      expect((yield* queue.logs(task.id)).map((l) => [l.level, l.message])).toEqual([
        ["info", "one"],
        ["warn", "two"]
      ])
    }).pipe(Effect.provide(inMemory)))

  it.effect("keeps tasks in a file across openings", () =>
    Effect.gen(function* () {
      const path = join(dir, "nested", "store.db")
      const open = SqliteTaskQueue.layer(path, { createDirectory: true })
      const { task } = yield* Effect.flatMap(TaskQueue, (q) => q.enqueue(request({ kept: true }))).pipe(Effect.provide(open))
      const again = yield* Effect.flatMap(TaskQueue, (q) => q.get(task.id)).pipe(Effect.provide(open))
      expect(again.payload).toEqual({ kept: true })
    }))

  it.effect("fails with a clear error naming the path of a store it cannot open", () =>
    Effect.gen(function* () {
      const notADb = join(dir, "not-a-db.db")
      writeFileSync(notADb, "this is not a SQLite file, just some text that is long enough to have a header".repeat(20))
      const cases: ReadonlyArray<readonly [string, RegExp]> = [
        [notADb, /not a SQLite database/],
        [dir, /cannot be opened/],
        [join(dir, "missing", "dir", "store.db"), /directory does not exist/]
      ]
      for (const [path, why] of cases) {
        const exit = yield* Effect.exit(Effect.scoped(Layer_build(path)))
        expect(Exit.isFailure(exit)).toBe(true)
        const error = yield* Effect.flip(Effect.scoped(Layer_build(path)))
        expect(error).toBeInstanceOf(QueueError)
        expect(error.reason).toBe("StoreUnavailable")
        expect(error.message).toContain(JSON.stringify(path))
        expect(error.message).toMatch(why)
      }
    }))
})

const Layer_build = (path: string) => SqliteTaskQueue.make(path)

describe("SqliteTaskQueue on a busy store", () => {
  it.effect("reports a store locked by another process as a readable QueueError", () =>
    Effect.gen(function* () {
      const path = join(dir, "busy.db")
      const queue = yield* SqliteTaskQueue.make(path, { busyTimeoutMs: 50 })
      // Another connection (as another process would) holds the write lock.
      const other = new Database(path)
      other.exec("BEGIN EXCLUSIVE")
      const error = yield* Effect.flip(queue.enqueue(request({})))
      other.exec("ROLLBACK")
      other.close()
      expect(error.reason).toBe("StoreUnavailable")
      expect(error.message).toMatch(/^TaskQueue\.enqueue: StoreUnavailable: the store is locked by another process/)
      expect(error.message).toContain(JSON.stringify(path))
      expect((yield* queue.enqueue(request({}))).created).toBe(true)
    }).pipe(Effect.scoped))
})
