/**
 * The embedded TaskQueue: one SQLite file in WAL mode shared by any number
 * of worker processes on the same machine. `layer(path)` opens the store for
 * the life of a Scope and closes it on release.
 */
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import Database from "better-sqlite3"
import { LaneStats, NotFound, QueueStats, type Task, type TaskId } from "@miyabi/types"
import { Clock, Effect, Layer, Option, Random, type Scope } from "effect"
import { defaultBackoff, delayMs, type BackoffPolicy } from "./Backoff.js"
import { newLeaseToken, newTaskId } from "./sqlite/Ids.js"
import { migrate } from "./sqlite/Migrations.js"
import { openError, storeError } from "./sqlite/SqliteErrors.js"
import { makeStore, type Guarded } from "./sqlite/Store.js"
import { leaseOf, priorityOf, priorityRank, toExecution, toJson, toLog, toTask, type TaskRow } from "./sqlite/TaskRow.js"
import { QueueError, TaskQueue, type TaskQueueShape } from "./TaskQueue.js"

export interface SqliteTaskQueueOptions {
  /** How long a statement waits for another process's write lock (default 5,000 ms). */
  readonly busyTimeoutMs?: number
  /** Retry delays after a failed attempt (default base 1 s, cap 5 min). */
  readonly backoff?: BackoffPolicy
  /** Create the store's directory when it does not exist (default false). */
  readonly createDirectory?: boolean
}

const LIST_LIMIT = 100
const LIST_LIMIT_MAX = 10_000

/** Opens (creating if needed) the store at `path` in WAL mode and brings its schema up to date. */
const open = (path: string, options: SqliteTaskQueueOptions): Effect.Effect<Database.Database, QueueError> =>
  Effect.try({
    try: () => {
      if (options.createDirectory === true && path !== ":memory:") mkdirSync(dirname(path), { recursive: true })
      const db = new Database(path, { timeout: options.busyTimeoutMs ?? 5_000 })
      try {
        db.pragma("journal_mode = WAL")
        db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5_000))}`)
        // NORMAL is durable against process crashes in WAL mode; only an OS crash can lose the last commits.
        db.pragma("synchronous = NORMAL")
        migrate(db)
        return db
      } catch (cause) {
        db.close()
        throw cause
      }
    },
    catch: (cause) => openError(path, cause)
  })

/** The TaskQueue over an open store; the store is closed when `Scope` closes. */
export const make = (path: string, options: SqliteTaskQueueOptions = {}): Effect.Effect<TaskQueueShape, QueueError, Scope.Scope> =>
  Effect.gen(function* () {
    const db = yield* Effect.acquireRelease(open(path, options), (db) => Effect.sync(() => db.close()))
    const store = yield* Effect.try({ try: () => makeStore(db), catch: (cause) => openError(path, cause) })
    const backoff = options.backoff ?? defaultBackoff

    const sql = <A>(operation: string, run: (now: number) => A): Effect.Effect<A, QueueError> =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Effect.try({ try: () => run(now), catch: (cause) => storeError(`TaskQueue.${operation}`, path, cause) })
      )

    /** Says why a lease is no longer held: the task finished, was taken over, or vanished. */
    const leaseLost = (operation: string, id: string, token: string): QueueError => {
      const row = store.byId(id)
      const why =
        row === undefined
          ? "the task no longer exists"
          : row.status !== "InProgress"
            ? `the task is ${row.status}`
            : row.lease_token !== token
              ? `the task was claimed again by worker ${row.lease_worker ?? "?"}`
              : "the lease does not match"
      return new QueueError({ operation: `TaskQueue.${operation}`, reason: "LeaseLost", detail: `task ${id}: ${why}` })
    }

    const guarded = (operation: string, id: TaskId, outcome: Guarded<TaskRow>, wanted: string): Effect.Effect<Task, QueueError | NotFound> =>
      outcome._tag === "Ok"
        ? Effect.succeed(toTask(outcome.value))
        : outcome._tag === "NotFound"
          ? Effect.fail(new NotFound({ entity: "Task", id }))
          : Effect.fail(
              new QueueError({ operation: `TaskQueue.${operation}`, reason: "InvalidTransition", detail: `task ${id} is ${outcome.row.status}; ${wanted}` })
            )

    const queue: TaskQueueShape = {
      enqueue: (request) =>
        sql("enqueue", (now) => {
          const { row, created } = store.enqueue(
            {
              id: newTaskId(now),
              kind: request.kind,
              payload: toJson(request.payload) ?? "null",
              priority: priorityRank(request.priority),
              tenant: request.tenant ?? null,
              idempotencyKey: request.idempotencyKey ?? null,
              maxAttempts: request.maxAttempts
            },
            now
          )
          return { task: toTask(row), created }
        }).pipe(Effect.withSpan("TaskQueue.enqueue", { attributes: { kind: request.kind }, captureStackTrace: false })),

      claim: (options) =>
        sql("claim", (now) => {
          // An empty list of kinds means the worker can run nothing, not everything.
          if (options.kinds !== undefined && options.kinds.length === 0) return Option.none()
          const row = store.claim(now, options.workerId, newLeaseToken(), options.leaseMs, options.kinds ?? [])
          if (row === undefined) return Option.none()
          const task = toTask(row)
          const lease = leaseOf(row)
          return lease === undefined ? Option.none() : Option.some([task, lease] as const)
        }).pipe(
          // The claimed task's id on the claim span, so a trace links claim, handling and completion.
          Effect.tap(Option.match({ onNone: () => Effect.void, onSome: ([task]) => Effect.annotateCurrentSpan("taskId", task.id) })),
          Effect.withSpan("TaskQueue.claim", { attributes: { workerId: options.workerId }, captureStackTrace: false })
        ),

      heartbeat: (lease, leaseMs) =>
        sql("heartbeat", (now) => {
          const row = store.extend(lease.taskId, lease.token, now, leaseMs)
          return row === undefined ? undefined : leaseOf(row)
        }).pipe(
          Effect.flatMap((renewed) => (renewed === undefined ? Effect.fail(leaseLost("heartbeat", lease.taskId, lease.token)) : Effect.succeed(renewed))),
          Effect.withSpan("TaskQueue.heartbeat", { attributes: { taskId: lease.taskId }, captureStackTrace: false })
        ),

      complete: (lease, result) =>
        sql("complete", (now) => store.complete(lease.taskId, lease.token, now, toJson(result))).pipe(
          Effect.flatMap((row) => (row === undefined ? Effect.fail(leaseLost("complete", lease.taskId, lease.token)) : Effect.succeed(toTask(row)))),
          Effect.withSpan("TaskQueue.complete", { attributes: { taskId: lease.taskId }, captureStackTrace: false })
        ),

      fail: (lease, error) =>
        Effect.flatMap(Random.next, (random) =>
          sql("fail", (now) =>
            store.fail(lease.taskId, lease.token, now, error.message, error.retryable, (attempt) => delayMs(backoff, attempt, random))
          )
        ).pipe(
          Effect.flatMap((row) =>
            row === undefined
              ? Effect.fail(leaseLost("fail", lease.taskId, lease.token))
              : Effect.succeed(
                  row.status === "Failed"
                    ? ({ _tag: "DeadLettered", attempt: row.attempts } as const)
                    : ({ _tag: "Retrying", attempt: row.attempts, availableAt: new Date(row.available_at) } as const)
                )
          ),
          Effect.withSpan("TaskQueue.fail", { attributes: { taskId: lease.taskId }, captureStackTrace: false })
        ),

      release: (lease) =>
        sql("release", (now) => store.release(lease.taskId, lease.token, now)).pipe(
          Effect.flatMap((row) => (row === undefined ? Effect.fail(leaseLost("release", lease.taskId, lease.token)) : Effect.void)),
          Effect.withSpan("TaskQueue.release", { attributes: { taskId: lease.taskId }, captureStackTrace: false })
        ),

      cancel: (id) =>
        sql("cancel", (now) => store.cancel(id, now)).pipe(
          Effect.flatMap((outcome) => guarded("cancel", id, outcome, "only Pending, InProgress or Blocked tasks can be cancelled")),
          Effect.withSpan("TaskQueue.cancel", { attributes: { taskId: id }, captureStackTrace: false })
        ),

      retry: (id) =>
        sql("retry", (now) => store.retry(id, now)).pipe(
          Effect.flatMap((outcome) => guarded("retry", id, outcome, "only Failed or Cancelled tasks can be retried")),
          Effect.withSpan("TaskQueue.retry", { attributes: { taskId: id }, captureStackTrace: false })
        ),

      get: (id) =>
        sql("get", () => store.byId(id)).pipe(
          Effect.flatMap((row) => (row === undefined ? Effect.fail(new NotFound({ entity: "Task", id })) : Effect.succeed(toTask(row)))),
          Effect.withSpan("TaskQueue.get", { attributes: { taskId: id }, captureStackTrace: false })
        ),

      list: (filter) =>
        sql("list", () => {
          const conditions: ReadonlyArray<readonly [string, string | number | undefined]> = [
            ["status = ?", filter.status],
            ["kind = ?", filter.kind],
            ["priority = ?", filter.priority === undefined ? undefined : priorityRank(filter.priority)]
          ]
          const used = conditions.filter((condition): condition is readonly [string, string | number] => condition[1] !== undefined)
          const where = used.length === 0 ? "" : ` WHERE ${used.map(([clause]) => clause).join(" AND ")}`
          const params = used.map(([, value]) => value)
          const limit = Math.min(LIST_LIMIT_MAX, Math.max(1, Math.floor(filter.limit ?? LIST_LIMIT)))
          return store.list(where, params, limit).map(toTask)
        }).pipe(Effect.withSpan("TaskQueue.list", { captureStackTrace: false })),

      stats: () =>
        sql("stats", (now) => {
          const { lanes, finished } = store.stats(now)
          const count = (status: string) => finished.find((row) => row.status === status)?.n ?? 0
          return new QueueStats({
            lanes: [0, 1].map((rank) => {
              const lane = lanes.find((row) => row.priority === rank)
              return new LaneStats({
                priority: priorityOf(rank),
                depth: lane?.depth ?? 0,
                inFlight: lane?.in_flight ?? 0,
                oldestAgeMs: lane?.oldest == null ? 0 : Math.max(0, now - lane.oldest)
              })
            }),
            completed: count("Completed"),
            failed: count("Failed"),
            cancelled: count("Cancelled"),
            at: new Date(now)
          })
        }).pipe(Effect.withSpan("TaskQueue.stats", { captureStackTrace: false })),

      recordExecution: (execution) =>
        sql("recordExecution", () =>
          store.recordExecution({
            taskId: execution.taskId,
            phase: execution.phase,
            attempt: execution.attempt,
            status: execution.status,
            startedAt: execution.startedAt.getTime(),
            finishedAt: execution.finishedAt?.getTime() ?? null,
            output: toJson(execution.output)
          })
        ).pipe(Effect.withSpan("TaskQueue.recordExecution", { attributes: { taskId: execution.taskId }, captureStackTrace: false })),

      executions: (id) => sql("executions", () => store.executions(id).map(toExecution)).pipe(Effect.withSpan("TaskQueue.executions", { captureStackTrace: false })),

      appendLog: (log) =>
        sql("appendLog", () => store.appendLog({ taskId: log.taskId, at: log.at.getTime(), level: log.level, message: log.message })).pipe(
          Effect.withSpan("TaskQueue.appendLog", { attributes: { taskId: log.taskId }, captureStackTrace: false })
        ),

      logs: (id) => sql("logs", () => store.logs(id).map(toLog)).pipe(Effect.withSpan("TaskQueue.logs", { captureStackTrace: false }))
    }
    return queue
  })

/** The TaskQueue backed by the SQLite file at `path` (":memory:" for a private in-memory store). */
export const layer = (path: string, options: SqliteTaskQueueOptions = {}): Layer.Layer<TaskQueue, QueueError> =>
  Layer.scoped(TaskQueue, make(path, options))
