/**
 * The AWS queue's behaviour against the sandbox's SQS and dynalite: the
 * semantics it shares with the SQLite queue (idempotent enqueue, priority,
 * lease expiry, retry then dead-letter, release, cancel/retry, stats), and
 * the AWS-specific guarantees (a crash between the record update and the
 * message delete completes nothing twice; poison messages reach the SQS
 * dead-letter queue; a message whose record was never written is not lost).
 *
 * Time: the Effect clock is a TestClock set to wall time, and `elapse` moves
 * it and the sandbox's clock together, so lease expiry and backoff need no sleeping.
 */
import { describe, expect, it } from "@effect/vitest"
import { EnqueueRequest, IdempotencyKey, TaskKind, WorkerId } from "@miyabi/types"
import { Effect, Fiber, Option, TestClock } from "effect"
import { sandboxQueue } from "../../test/aws/SandboxQueue.js"
import { encodeMessage } from "./TaskMessage.js"

const echo = TaskKind.make("echo")
const worker = WorkerId.make("w1")
const request = (payload: unknown, extra: Partial<ConstructorParameters<typeof EnqueueRequest>[0]> = {}) =>
  EnqueueRequest.make({ kind: echo, payload, ...extra })

const setup = (options: Parameters<typeof sandboxQueue>[0] = {}) =>
  Effect.gen(function* () {
    yield* TestClock.setTime(Date.now())
    const env = yield* sandboxQueue({ backoff: { baseMs: 1_000, capMs: 4_000 }, ...options })
    const elapse = (ms: number) => Effect.zipRight(Effect.sync(() => env.sandbox.clock.advance(ms)), TestClock.adjust(ms))
    return { ...env, elapse }
  })

describe("AwsTaskQueue", () => {
  it.scoped("enqueue is idempotent by key: one record, one message", () =>
    Effect.gen(function* () {
      const { queue } = yield* setup()
      const key = IdempotencyKey.make("delivery-1")
      const first = yield* queue.enqueue(request({ n: 1 }, { idempotencyKey: key }))
      const second = yield* queue.enqueue(request({ n: 2 }, { idempotencyKey: key }))
      expect(first.created).toBe(true)
      expect(second.created).toBe(false)
      expect(second.task.id).toBe(first.task.id)
      expect(second.task.payload).toEqual({ n: 1 })
      const counts = yield* queue.laneCounts()
      expect(counts.standard.visible).toBe(1)
      expect((yield* queue.list({})).map((t) => t.id)).toEqual([first.task.id])
    })
  )

  it.scoped("claims high before standard, and records the lease", () =>
    Effect.gen(function* () {
      const { queue, elapse } = yield* setup()
      const low = yield* queue.enqueue(request("low"))
      yield* elapse(5)
      const high = yield* queue.enqueue(request("high", { priority: "high" }))
      const a = yield* queue.claim({ workerId: worker, leaseMs: 30_000 })
      const b = yield* queue.claim({ workerId: worker, leaseMs: 30_000 })
      const none = yield* queue.claim({ workerId: worker, leaseMs: 30_000 })
      expect(Option.map(a, ([task]) => task.id)).toEqual(Option.some(high.task.id))
      expect(Option.map(b, ([task]) => task.id)).toEqual(Option.some(low.task.id))
      expect(Option.isNone(none)).toBe(true)
      const [task, lease] = Option.getOrThrow(a)
      expect(task.status).toBe("InProgress")
      expect(lease.attempt).toBe(1)
      const stored = yield* queue.get(task.id)
      expect(stored.lease?.token).toBe(lease.token)
      const stats = yield* queue.stats()
      expect(stats.lanes.map((l) => [l.priority, l.depth, l.inFlight])).toEqual([["high", 0, 1], ["standard", 0, 1]])
      // Only this worker's kinds are claimed; others are left for another worker.
      yield* queue.enqueue(request("other", { kind: TaskKind.make("other") }))
      expect(Option.isNone(yield* queue.claim({ workerId: worker, leaseMs: 1_000, kinds: [echo] }))).toBe(true)
    })
  )

  it.scoped("a lease that is not renewed expires and the task is claimed again; heartbeats keep it", () =>
    Effect.gen(function* () {
      const { queue, elapse } = yield* setup()
      const { task } = yield* queue.enqueue(request("x"))
      const [, lease] = Option.getOrThrow(yield* queue.claim({ workerId: worker, leaseMs: 2_000 }))
      yield* elapse(1_500)
      const renewed = yield* queue.heartbeat(lease, 2_000)
      expect(renewed.token).toBe(lease.token)
      yield* elapse(1_500)
      expect(Option.isNone(yield* queue.claim({ workerId: WorkerId.make("w2"), leaseMs: 2_000 }))).toBe(true)
      yield* elapse(2_000)
      const [again, lease2] = Option.getOrThrow(yield* queue.claim({ workerId: WorkerId.make("w2"), leaseMs: 2_000 }))
      expect(again.id).toBe(task.id)
      expect(lease2.attempt).toBe(2)
      expect(again.lastError?.message).toContain("expired")
      const lost = yield* Effect.flip(queue.complete(lease, "late"))
      expect(lost.reason).toBe("LeaseLost")
      expect(lost.detail).toContain("claimed again by worker w2")
      const done = yield* queue.complete(lease2, { ok: true })
      expect(done.status).toBe("Completed")
      expect(done.result).toEqual({ ok: true })
    })
  )

  it.scoped("retries with backoff, then dead-letters after 3 attempts; nothing reaches the SQS dead-letter queue", () =>
    Effect.gen(function* () {
      const { queue, elapse } = yield* setup()
      const { task } = yield* queue.enqueue(request("boom", { maxAttempts: 3 }))
      const outcomes: Array<string> = []
      for (let i = 0; i < 3; i++) {
        const claimed = yield* queue.claim({ workerId: worker, leaseMs: 10_000 })
        const [t, lease] = Option.getOrThrow(claimed)
        expect(t.id).toBe(task.id)
        expect(lease.attempt).toBe(i + 1)
        // Not available again before the backoff is over.
        const outcome = yield* queue.fail(lease, { message: `boom ${i + 1}`, retryable: true })
        outcomes.push(outcome._tag)
        if (outcome._tag === "Retrying") {
          expect(Option.isNone(yield* queue.claim({ workerId: worker, leaseMs: 10_000 }))).toBe(true)
          yield* elapse(outcome.availableAt.getTime() - Date.now() + 5_000)
        }
      }
      expect(outcomes).toEqual(["Retrying", "Retrying", "DeadLettered"])
      const failed = yield* queue.get(task.id)
      expect(failed.status).toBe("Failed")
      expect(failed.attempts).toBe(3)
      expect(failed.lastError?.message).toBe("boom 3")
      yield* elapse(60_000)
      const counts = yield* queue.laneCounts()
      expect([counts.standard.visible, counts.standard.inFlight, counts.deadLetter.visible]).toEqual([0, 0, 0])
      const stats = yield* queue.stats()
      expect(stats.failed).toBe(1)
    })
  )

  it.scoped("a non-retryable failure dead-letters at once; release gives the attempt back", () =>
    Effect.gen(function* () {
      const { queue } = yield* setup()
      const a = yield* queue.enqueue(request("a"))
      const [, leaseA] = Option.getOrThrow(yield* queue.claim({ workerId: worker, leaseMs: 10_000 }))
      expect(yield* queue.fail(leaseA, { message: "bad input", retryable: false })).toEqual({ _tag: "DeadLettered", attempt: 1 })
      const b = yield* queue.enqueue(request("b"))
      const [, leaseB] = Option.getOrThrow(yield* queue.claim({ workerId: worker, leaseMs: 10_000 }))
      yield* queue.release(leaseB)
      const released = yield* queue.get(b.task.id)
      expect([released.status, released.attempts]).toEqual(["Pending", 0])
      const [again, leaseB2] = Option.getOrThrow(yield* queue.claim({ workerId: worker, leaseMs: 10_000 }))
      expect([again.id, leaseB2.attempt]).toEqual([b.task.id, 1])
      expect((yield* queue.get(a.task.id)).status).toBe("Failed")
    })
  )

  it.scoped("completes exactly once when interrupted between the record update and the message delete", () =>
    Effect.gen(function* () {
      const { queue, sandbox, elapse } = yield* setup()
      const { task } = yield* queue.enqueue(request("once"))
      const [, lease] = Option.getOrThrow(yield* queue.claim({ workerId: worker, leaseMs: 5_000 }))
      // DeleteMessage hangs, then fails: the "crash" window after the record says Completed.
      sandbox.faults.set({ rules: [{ service: "sqs", operation: "DeleteMessage", latencyMs: 1_000, errorRate: 1 }] })
      const completing = yield* Effect.fork(queue.complete(lease, "done"))
      const completed = yield* queue.get(task.id).pipe(Effect.repeat({ until: (t) => t.status === "Completed", times: 2_000 }))
      yield* Fiber.interrupt(completing)
      // An interrupted SDK call may still leave the process a moment later; let it meet the fault too.
      yield* Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 300)))
      sandbox.faults.reset()
      expect(completed.status).toBe("Completed")
      expect(sandbox.log.changes().filter((c) => c.operation === "DeleteMessage")).toHaveLength(0)
      const counts = yield* queue.laneCounts()
      expect(counts.standard.inFlight).toBe(1)
      // The message comes back; the record says Completed, so it is deleted and nothing runs again.
      yield* elapse(6_000)
      expect(Option.isNone(yield* queue.claim({ workerId: WorkerId.make("w2"), leaseMs: 5_000 }))).toBe(true)
      const after = yield* queue.get(task.id)
      expect([after.status, after.attempts, after.finishedAt?.getTime()]).toEqual(["Completed", 1, completed.finishedAt?.getTime()])
      const left = yield* queue.laneCounts()
      expect([left.standard.visible, left.standard.inFlight]).toEqual([0, 0])
      // The record was not written again (same update time), and the redelivered message was deleted once.
      expect(after.updatedAt.getTime()).toBe(completed.updatedAt.getTime())
      expect(sandbox.log.changes().filter((c) => c.operation === "DeleteMessage")).toHaveLength(1)
    })
  )

  it.scoped("a message whose record was never written is not lost; a poison message goes to the SQS dead-letter queue", () =>
    Effect.gen(function* () {
      const { queue, sandbox, elapse } = yield* setup()
      const url = queue.resources.standardUrl
      // What an enqueuer that crashed after sending (before writing the record) leaves behind.
      const orphan = { v: 1, id: "ORPHAN0001", kind: "echo", payload: '{"x":1}', priority: "standard", maxAttempts: 3, createdAt: Date.now(), generation: 1 } as const
      const { SQSClient, SendMessageCommand } = yield* Effect.promise(() => import("@aws-sdk/client-sqs"))
      const client = new SQSClient({ region: "us-east-1", endpoint: sandbox.endpoint, credentials: sandbox.credentials })
      yield* Effect.promise(() => client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: encodeMessage(orphan) })))
      yield* Effect.promise(() => client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: "not a task" })))
      client.destroy()
      const seen: Array<string> = []
      for (let i = 0; i < 6; i++) {
        const claimed = yield* queue.claim({ workerId: worker, leaseMs: 1_000 })
        if (Option.isSome(claimed)) {
          seen.push(claimed.value[0].id)
          yield* queue.complete(claimed.value[1], null)
        }
        yield* elapse(1_500)
      }
      expect(seen).toEqual(["ORPHAN0001"])
      expect((yield* queue.get(orphan.id as never)).status).toBe("Completed")
      const counts = yield* queue.laneCounts()
      expect([counts.standard.visible + counts.standard.inFlight, counts.deadLetter.visible]).toEqual([0, 1])
    })
  )

  it.scoped("reconciling the dead-letter queue requeues unfinished tasks, drops stale copies and keeps poison", () =>
    Effect.gen(function* () {
      const { queue, sandbox } = yield* setup()
      const pending = yield* queue.enqueue(request("pending"))
      const done = yield* queue.enqueue(request("done", { priority: "high" }))
      const [, lease] = Option.getOrThrow(yield* queue.claim({ workerId: worker, leaseMs: 10_000 }))
      yield* queue.complete(lease, null)
      // What SQS redrive leaves behind: copies of both tasks' messages, and a poison message.
      const copy = (task: typeof pending.task) =>
        encodeMessage({ v: 1, id: task.id, kind: task.kind, payload: JSON.stringify(task.payload), priority: task.priority, maxAttempts: 3, createdAt: task.createdAt.getTime(), generation: 1 })
      const { SQSClient, SendMessageCommand } = yield* Effect.promise(() => import("@aws-sdk/client-sqs"))
      const client = new SQSClient({ region: "us-east-1", endpoint: sandbox.endpoint, credentials: sandbox.credentials })
      for (const body of [copy(pending.task), copy(done.task), "poison"]) {
        yield* Effect.promise(() => client.send(new SendMessageCommand({ QueueUrl: queue.resources.deadLetterUrl, MessageBody: body })))
      }
      client.destroy()
      expect(yield* queue.reconcileDeadLetters()).toEqual({ requeued: 1, dropped: 1, poison: 1 })
      const counts = yield* queue.laneCounts()
      expect([counts.standard.visible, counts.deadLetter.visible, counts.deadLetter.inFlight]).toEqual([2, 0, 1])
      const [again] = Option.getOrThrow(yield* queue.claim({ workerId: worker, leaseMs: 10_000 }))
      expect(again.id).toBe(pending.task.id)
    })
  )

  it.scoped("cancel and retry: a cancelled task's message is dropped, a retried task runs again", () =>
    Effect.gen(function* () {
      const { queue } = yield* setup()
      const { task } = yield* queue.enqueue(request("c"))
      expect((yield* queue.cancel(task.id)).status).toBe("Cancelled")
      expect(Option.isNone(yield* queue.claim({ workerId: worker, leaseMs: 1_000 }))).toBe(true)
      const retried = yield* queue.retry(task.id)
      expect([retried.status, retried.attempts]).toEqual(["Pending", 0])
      const [again] = Option.getOrThrow(yield* queue.claim({ workerId: worker, leaseMs: 1_000 }))
      expect(again.id).toBe(task.id)
      const invalid = yield* Effect.flip(queue.retry(task.id))
      expect(invalid._tag === "QueueError" && invalid.reason).toBe("InvalidTransition")
      const missing = yield* Effect.flip(queue.get("NOPE" as never))
      expect(missing._tag).toBe("NotFound")
    })
  )

  it.scoped("executions and logs are kept under the task's key", () =>
    Effect.gen(function* () {
      const { queue } = yield* setup()
      const { task } = yield* queue.enqueue(request("e"))
      const at = new Date(Date.now())
      yield* queue.recordExecution({ taskId: task.id, phase: "discovery", attempt: 1, status: "Running", startedAt: at } as never)
      yield* queue.recordExecution({ taskId: task.id, phase: "discovery", attempt: 1, status: "Succeeded", startedAt: at, finishedAt: at, output: { n: 3 } } as never)
      yield* queue.appendLog({ taskId: task.id, at, level: "info", message: "one" } as never)
      yield* queue.appendLog({ taskId: task.id, at, level: "warn", message: "two" } as never)
      const executions = yield* queue.executions(task.id)
      expect(executions.map((e) => [e.phase, e.status, e.output])).toEqual([["discovery", "Succeeded", { n: 3 }]])
      expect((yield* queue.logs(task.id)).map((l) => l.message)).toEqual(["one", "two"])
    })
  )
})

