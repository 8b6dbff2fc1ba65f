/**
 * A small in-memory TaskQueue for the intake's tests: enqueue with
 * idempotency keys, get, list and stats behave like the real adapters; the
 * worker-side operations (claim, heartbeat, complete...) are out of its scope
 * and fail with QueueError. `unavailable` makes every call fail, as a store
 * that is down would. Not exported from the package.
 */
import { EnqueueRequest, NotFound, QueueStats, Task, TaskId, type Priority } from "@miyabi/types"
import { Clock, Context, Effect, Layer, Ref } from "effect"
import { QueueError, TaskQueue, type EnqueueResult, type TaskQueueShape } from "../../TaskQueue.js"

export interface MemoryTaskQueueControl {
  readonly tasks: Effect.Effect<ReadonlyArray<Task>>
  readonly setUnavailable: (down: boolean) => Effect.Effect<void>
}

export const make = Effect.gen(function* () {
  const tasks = yield* Ref.make<ReadonlyArray<Task>>([])
  const down = yield* Ref.make(false)
  const guard = (operation: string) =>
    Effect.flatMap(Ref.get(down), (isDown) =>
      isDown ? Effect.fail(new QueueError({ operation, reason: "StoreUnavailable", detail: "the test queue is down" })) : Effect.void
    )
  const unsupported = (operation: string) =>
    Effect.fail(new QueueError({ operation, reason: "StoreUnavailable", detail: "not supported by the in-memory intake test queue" }))

  const enqueue: TaskQueueShape["enqueue"] = (input) =>
    Effect.gen(function* () {
      yield* guard("enqueue")
      const request = EnqueueRequest.make(input)
      const now = new Date(yield* Clock.currentTimeMillis)
      return yield* Ref.modify(tasks, (current): readonly [EnqueueResult, ReadonlyArray<Task>] => {
        const existing = request.idempotencyKey === undefined ? undefined : current.find((t) => t.idempotencyKey === request.idempotencyKey)
        if (existing !== undefined) return [{ task: existing, created: false }, current]
        const task = Task.make({
          id: TaskId.make(`t${current.length + 1}`),
          kind: request.kind,
          payload: request.payload,
          priority: request.priority,
          ...(request.tenant === undefined ? {} : { tenant: request.tenant }),
          ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: request.idempotencyKey }),
          status: "Pending",
          attempts: 0,
          maxAttempts: request.maxAttempts,
          createdAt: now,
          updatedAt: now,
          availableAt: now
        })
        return [{ task, created: true }, [...current, task]]
      })
    })

  const get: TaskQueueShape["get"] = (id) =>
    Effect.flatMap(guard("get"), () =>
      Effect.flatMap(Ref.get(tasks), (current) => {
        const task = current.find((t) => t.id === id)
        return task === undefined ? Effect.fail(new NotFound({ entity: "task", id })) : Effect.succeed(task)
      })
    )

  const lane = (current: ReadonlyArray<Task>, priority: Priority, now: number) => {
    const pending = current.filter((t) => t.priority === priority && t.status === "Pending")
    return {
      priority,
      depth: pending.length,
      inFlight: current.filter((t) => t.priority === priority && t.status === "InProgress").length,
      oldestAgeMs: pending.reduce((max, t) => Math.max(max, now - t.createdAt.getTime()), 0)
    }
  }

  const queue: TaskQueueShape = {
    enqueue,
    get,
    list: (filter) =>
      Effect.flatMap(guard("list"), () =>
        Effect.map(Ref.get(tasks), (current) =>
          current
            .filter((t) => (filter.status === undefined || t.status === filter.status) && (filter.kind === undefined || t.kind === filter.kind) && (filter.priority === undefined || t.priority === filter.priority))
            .slice(0, filter.limit ?? current.length)
        )
      ),
    stats: () =>
      Effect.gen(function* () {
        yield* guard("stats")
        const now = yield* Clock.currentTimeMillis
        const current = yield* Ref.get(tasks)
        return QueueStats.make({
          lanes: [lane(current, "high", now), lane(current, "standard", now)],
          completed: current.filter((t) => t.status === "Completed").length,
          failed: current.filter((t) => t.status === "Failed").length,
          cancelled: current.filter((t) => t.status === "Cancelled").length,
          at: new Date(now)
        })
      }),
    claim: () => unsupported("claim"),
    heartbeat: () => unsupported("heartbeat"),
    complete: () => unsupported("complete"),
    fail: () => unsupported("fail"),
    release: () => unsupported("release"),
    cancel: () => unsupported("cancel"),
    retry: () => unsupported("retry"),
    recordExecution: () => unsupported("recordExecution"),
    executions: () => unsupported("executions"),
    appendLog: () => unsupported("appendLog"),
    logs: () => unsupported("logs")
  }
  const control: MemoryTaskQueueControl = { tasks: Ref.get(tasks), setUnavailable: (value) => Ref.set(down, value) }
  return { queue, control }
})

/** A handle on the test queue: its tasks, and a switch to take it down. */
export class MemoryTaskQueueControlTag extends Context.Tag("@miyabi/queue/testing/MemoryTaskQueueControl")<MemoryTaskQueueControlTag, MemoryTaskQueueControl>() {}

export const layer: Layer.Layer<TaskQueue | MemoryTaskQueueControlTag> = Layer.effectContext(
  Effect.map(make, ({ queue, control }) => Context.make(TaskQueue, queue).pipe(Context.add(MemoryTaskQueueControlTag, control)))
)
