/**
 * The TaskQueue on AWS: SQS for delivery (a high and a standard lane, a
 * dead-letter queue after 3 receives), DynamoDB for the task records. The
 * record is the arbiter of every outcome; messages only wake workers up.
 *
 *   complete  = conditional update to Completed FIRST, then DeleteMessage: a
 *               crash in between leaves a message whose record is Completed,
 *               and the next worker to receive it just deletes it
 *   fail      = record the attempt, then hide the message for the backoff
 *               (retry) or delete it (dead-letter, record Failed)
 *   heartbeat = conditional lease extension, then ChangeMessageVisibility
 *   release   = record back to Pending, message visible again
 *
 * Lease length on AWS is the message's visibility timeout as well: claims
 * receive with VisibilityTimeout = the lease, so a crashed worker's task
 * comes back when its lease ends (the lanes' own 3,600 s / 7,200 s apply to
 * consumers that name none).
 */
import { LaneStats, NotFound, QueueStats, type Priority, type TaskStatus } from "@miyabi/types"
import { Chunk, Clock, Effect, Layer, Option, Random, Ref, Schedule, Stream } from "effect"
import { DynamoTaskTable, type DynamoTaskTableShape } from "../adapters/DynamoTaskTable.js"
import { Sqs, type QueueCounts, type SqsShape } from "../adapters/Sqs.js"
import { defaultBackoff, delayMs, type BackoffPolicy } from "../Backoff.js"
import { newTaskId } from "../sqlite/Ids.js"
import { QueueError, TaskQueue, type TaskQueueShape } from "../TaskQueue.js"
import { laneUrl, type AwsQueueResources } from "./AwsQueueResources.js"
import { makeClaim } from "./Claim.js"
import { makeReconcile, type ReconcileReport } from "./DeadLetters.js"
import { bestEffort, handBack, heldFromRecord, storeError } from "./Delivery.js"
import { encodeMessage, messageAttributes, messageOf } from "./TaskMessage.js"
import { errorJson, executionOf, LEASE_FIELDS, logOf, toJson, toTask, type TaskRecord } from "./TaskRecord.js"

export interface AwsTaskQueueOptions {
  /** Retry delays after a failed attempt (default base 1 s, cap 5 min). */
  readonly backoff?: BackoffPolicy
}

/** SQS's own view of the lanes (approximate, as SQS says). */
export interface LaneCounts {
  readonly high: QueueCounts
  readonly standard: QueueCounts
  readonly deadLetter: QueueCounts
}

export interface AwsTaskQueueShape extends TaskQueueShape {
  readonly resources: AwsQueueResources
  readonly laneCounts: () => Effect.Effect<LaneCounts, QueueError>
  /** Puts dead-lettered messages of unfinished tasks back in their lanes and drops stale ones (see DeadLetters.ts). */
  readonly reconcileDeadLetters: () => Effect.Effect<ReconcileReport, QueueError>
}

/** An idle claim looks at the dead-letter queue at most this often (per queue instance). */
const RECONCILE_EVERY_MS = 10_000
const LIST_LIMIT = 100
const LIST_LIMIT_MAX = 10_000
const STATUSES: ReadonlyArray<TaskStatus> = ["Pending", "InProgress", "Completed", "Failed", "Cancelled", "Blocked"]

const span = (name: string, attributes: Record<string, unknown> = {}) => Effect.withSpan(`TaskQueue.${name}`, { attributes, captureStackTrace: false })

/** Lost the race for a record: read it again and decide again (bounded). */
const raced = (operation: string, id: string) => new QueueError({ operation: `TaskQueue.${operation}`, reason: "Conflict", detail: `task ${id} changed while it was being updated` })
const retryRaces = <A, E extends { readonly _tag: string }>(effect: Effect.Effect<A, E | QueueError>) =>
  Effect.retry(effect, { while: (error) => error instanceof QueueError && error.reason === "Conflict", schedule: Schedule.recurs(4) })

export const make = (resources: AwsQueueResources, options: AwsTaskQueueOptions = {}): Effect.Effect<AwsTaskQueueShape, never, Sqs | DynamoTaskTable> =>
  Effect.gen(function* () {
    const sqs: SqsShape = yield* Sqs
    const table: DynamoTaskTableShape = yield* DynamoTaskTable
    const backoff = options.backoff ?? defaultBackoff
    const claimNext = makeClaim({ sqs, table, resources })
    const logSequence = yield* Ref.make(0)
    const reconcile = makeReconcile({ sqs, table, resources })
    const lastReconcile = yield* Ref.make(Number.NEGATIVE_INFINITY)
    /** When a claim found nothing: time to look at the dead-letter queue? */
    const reconcileIfDue = Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const due = yield* Ref.modify(lastReconcile, (last) => (now - last >= RECONCILE_EVERY_MS ? [true, now] : [false, last]))
      if (due) yield* reconcile.pipe(Effect.catchAll((error) => Effect.logWarning(`dead-letter reconciliation failed: ${error.message}`)))
    })

    const read = (operation: string, id: string): Effect.Effect<TaskRecord, QueueError | NotFound> =>
      table.getTask(id).pipe(
        Effect.mapError(storeError(operation)),
        Effect.flatMap(Option.match({ onNone: () => Effect.fail(new NotFound({ entity: "Task", id })), onSome: Effect.succeed }))
      )

    /** Why a lease-conditioned update did not apply. */
    const leaseLost = (operation: string, id: string, token: string): Effect.Effect<never, QueueError> =>
      table.getTask(id).pipe(
        Effect.mapError(storeError(operation)),
        Effect.flatMap((found) => {
          const why = Option.match(found, {
            onNone: () => "the task no longer exists",
            onSome: (record) =>
              record.status !== "InProgress"
                ? `the task is ${record.status}`
                : record.leaseToken !== token
                  ? `the task was claimed again by worker ${record.leaseWorker ?? "?"}`
                  : "the lease does not match"
          })
          return Effect.fail(new QueueError({ operation: `TaskQueue.${operation}`, reason: "LeaseLost", detail: `task ${id}: ${why}` }))
        })
      )

    /** A transition conditioned on holding the lease; LeaseLost when it is not held. */
    const underLease = (operation: string, id: string, token: string, set: Parameters<DynamoTaskTableShape["transition"]>[2], remove: Parameters<DynamoTaskTableShape["transition"]>[3] = []) =>
      table.transition(id, { leaseToken: token, status: ["InProgress"] }, set, remove).pipe(
        Effect.mapError(storeError(operation)),
        Effect.flatMap(Option.match({ onNone: () => leaseLost(operation, id, token), onSome: Effect.succeed }))
      )

    const deleteHeld = (record: TaskRecord): Effect.Effect<void> => {
      const held = heldFromRecord(record)
      return held === undefined ? Effect.void : bestEffort("DeleteMessage")(sqs.delete(laneUrl(resources, held.lane), held.receiptHandle))
    }

    const send = (record: TaskRecord, generation: number) => {
      const message = messageOf(record, generation)
      return sqs.send(laneUrl(resources, record.priority), encodeMessage(message), messageAttributes(message))
    }

    const queue: AwsTaskQueueShape = {
      resources,

      enqueue: (request) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const fresh = newTaskId(now)
          const key = request.idempotencyKey
          const owner = key === undefined ? { taskId: fresh as string, created: true } : yield* table.claimIdempotencyKey(key, fresh, now)
          if (!owner.created) {
            const existing = yield* table.getTask(owner.taskId)
            if (Option.isSome(existing)) return { task: toTask(existing.value), created: false }
            // The first enqueuer stopped between the key and the record (or is still going): finish its work.
          }
          const record: TaskRecord = {
            id: owner.taskId,
            kind: request.kind,
            payload: toJson(request.payload) ?? "null",
            priority: request.priority,
            ...(request.tenant === undefined ? {} : { tenant: request.tenant }),
            ...(key === undefined ? {} : { idempotencyKey: key }),
            status: "Pending",
            attempts: 0,
            maxAttempts: request.maxAttempts,
            version: 0,
            generation: 1,
            createdAt: now,
            updatedAt: now,
            availableAt: now
          }
          // Message first: it carries the whole task, so a crash before the record is written loses nothing.
          yield* send(record, 1)
          const created = yield* table.putTask(record)
          if (created) return { task: toTask(record), created: owner.created }
          const existing = yield* table.getTask(record.id)
          return { task: toTask(Option.getOrElse(existing, () => record)), created: false }
        }).pipe(Effect.mapError(storeError("enqueue")), span("enqueue", { kind: request.kind })),

      claim: (claimOptions) =>
        claimNext(claimOptions).pipe(
          Effect.tap((claimed) => (Option.isNone(claimed) ? reconcileIfDue : Effect.annotateCurrentSpan("taskId", claimed.value[0].id))),
          Effect.mapError(storeError("claim")),
          span("claim", { workerId: claimOptions.workerId })
        ),

      reconcileDeadLetters: () => reconcile.pipe(Effect.mapError(storeError("reconcileDeadLetters")), span("reconcileDeadLetters")),

      heartbeat: (lease, leaseMs) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const record = yield* underLease("heartbeat", lease.taskId, lease.token, { leaseExpiresAt: now + leaseMs, updatedAt: now })
          const held = heldFromRecord(record)
          if (held !== undefined) {
            yield* bestEffort("ChangeMessageVisibility")(sqs.changeVisibility(laneUrl(resources, held.lane), held.receiptHandle, Math.ceil(leaseMs / 1_000)))
          }
          return toTask(record).lease ?? lease
        }).pipe(span("heartbeat", { taskId: lease.taskId })),

      complete: (lease, result) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const record = yield* underLease(
            "complete",
            lease.taskId,
            lease.token,
            { status: "Completed", finishedAt: now, updatedAt: now, ...(result === undefined ? {} : { result: toJson(result) }) },
            ["leaseToken", "leaseWorker", "leaseExpiresAt"]
          )
          // Only after the record says Completed: a crash here leaves a message the next receiver deletes.
          yield* deleteHeld(record)
          return toTask(record)
        }).pipe(span("complete", { taskId: lease.taskId })),

      fail: (lease, error) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const current = yield* read("fail", lease.taskId).pipe(Effect.catchTag("NotFound", () => leaseLost("fail", lease.taskId, lease.token)))
          if (current.status !== "InProgress" || current.leaseToken !== lease.token) return yield* leaseLost("fail", lease.taskId, lease.token)
          const dead = !error.retryable || current.attempts >= current.maxAttempts
          const lastError = errorJson({ message: error.message, attempt: current.attempts, at: now, retryable: error.retryable })
          if (dead) {
            const record = yield* underLease("fail", lease.taskId, lease.token, { status: "Failed", finishedAt: now, updatedAt: now, lastError }, LEASE_FIELDS)
            yield* deleteHeld(record)
            return { _tag: "DeadLettered", attempt: record.attempts } as const
          }
          const wait = delayMs(backoff, current.attempts, yield* Random.next)
          const record = yield* underLease("fail", lease.taskId, lease.token, { status: "Pending", availableAt: now + wait, updatedAt: now, lastError }, LEASE_FIELDS)
          const held = heldFromRecord(record)
          if (held !== undefined) yield* bestEffort("hand back")(handBack(sqs, resources, held, wait))
          return { _tag: "Retrying", attempt: record.attempts, availableAt: new Date(now + wait) } as const
        }).pipe(span("fail", { taskId: lease.taskId })),

      release: (lease) =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const record = yield* underLease(
            "release",
            lease.taskId,
            lease.token,
            { status: "Pending", attempts: Math.max(0, lease.attempt - 1), availableAt: now, updatedAt: now },
            LEASE_FIELDS
          )
          const held = heldFromRecord(record)
          if (held !== undefined) yield* bestEffort("hand back")(handBack(sqs, resources, held, 0))
        }).pipe(span("release", { taskId: lease.taskId })),

      cancel: (id) =>
        retryRaces(
          Effect.gen(function* () {
            const now = yield* Clock.currentTimeMillis
            const record = yield* read("cancel", id)
            if (record.status === "Cancelled") return toTask(record)
            if (record.status === "Completed" || record.status === "Failed") {
              return yield* new QueueError({ operation: "TaskQueue.cancel", reason: "InvalidTransition", detail: `task ${id} is ${record.status}; only Pending, InProgress or Blocked tasks can be cancelled` })
            }
            // The message stays in its lane; whoever receives it sees Cancelled and deletes it.
            const updated = yield* table
              .transition(id, { version: record.version }, { status: "Cancelled", finishedAt: now, updatedAt: now }, ["leaseToken", "leaseWorker", "leaseExpiresAt"])
              .pipe(Effect.mapError(storeError("cancel")))
            return yield* Option.match(updated, { onNone: () => Effect.fail(raced("cancel", id)), onSome: (r) => Effect.succeed(toTask(r)) })
          })
        ).pipe(span("cancel", { taskId: id })),

      retry: (id) =>
        retryRaces(
          Effect.gen(function* () {
            const now = yield* Clock.currentTimeMillis
            const record = yield* read("retry", id)
            if (record.status !== "Failed" && record.status !== "Cancelled") {
              return yield* new QueueError({ operation: "TaskQueue.retry", reason: "InvalidTransition", detail: `task ${id} is ${record.status}; only Failed or Cancelled tasks can be retried` })
            }
            const generation = record.generation + 1
            // Message first (it carries the new generation): a crash before the update is finished by the receiver.
            yield* send(record, generation).pipe(Effect.mapError(storeError("retry")))
            const updated = yield* table
              .transition(
                id,
                { version: record.version },
                { status: "Pending", attempts: 0, availableAt: now, updatedAt: now, generation },
                ["startedAt", "finishedAt", "leaseToken", "leaseWorker", "leaseExpiresAt"]
              )
              .pipe(Effect.mapError(storeError("retry")))
            if (Option.isSome(updated)) return toTask(updated.value)
            const now2 = yield* read("retry", id)
            return now2.generation >= generation && now2.status !== "Failed" && now2.status !== "Cancelled" ? toTask(now2) : yield* Effect.fail(raced("retry", id))
          })
        ).pipe(span("retry", { taskId: id })),

      get: (id) => read("get", id).pipe(Effect.map(toTask), span("get", { taskId: id })),

      list: (filter) => {
        const limit = Math.min(LIST_LIMIT_MAX, Math.max(1, Math.floor(filter.limit ?? LIST_LIMIT)))
        const statuses = filter.status === undefined ? STATUSES : [filter.status]
        return Effect.forEach(
          statuses,
          (status) =>
            table.byStatus(status, { newestFirst: true, priority: filter.priority, kind: filter.kind }).pipe(Stream.take(limit), Stream.runCollect, Effect.map(Chunk.toReadonlyArray)),
          { concurrency: 3 }
        ).pipe(
          Effect.map((groups) =>
            groups
              .flat()
              .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : -1))
              .slice(0, limit)
              .map(toTask)
          ),
          Effect.mapError(storeError("list")),
          span("list")
        )
      },

      stats: () =>
        Effect.gen(function* () {
          const now = yield* Clock.currentTimeMillis
          const lane = (priority: Priority) =>
            Effect.all(
              [
                table.countByStatus("Pending", priority),
                table.countByStatus("InProgress", priority),
                table.byStatus("Pending", { newestFirst: false, priority }).pipe(
                  Stream.filter((record) => record.availableAt <= now),
                  Stream.take(1),
                  Stream.runHead
                )
              ],
              { concurrency: 3 }
            ).pipe(
              Effect.map(
                ([depth, inFlight, oldest]) =>
                  new LaneStats({ priority, depth, inFlight, oldestAgeMs: Option.match(oldest, { onNone: () => 0, onSome: (r) => Math.max(0, now - r.availableAt) }) })
              )
            )
          const [high, standard, completed, failed, cancelled] = yield* Effect.all(
            [lane("high"), lane("standard"), table.countByStatus("Completed"), table.countByStatus("Failed"), table.countByStatus("Cancelled")],
            { concurrency: 2 }
          )
          return new QueueStats({ lanes: [high, standard], completed, failed, cancelled, at: new Date(now) })
        }).pipe(Effect.mapError(storeError("stats")), span("stats")),

      laneCounts: () =>
        Effect.all(
          {
            high: sqs.approximateStats(resources.highUrl),
            standard: sqs.approximateStats(resources.standardUrl),
            deadLetter: sqs.approximateStats(resources.deadLetterUrl)
          },
          { concurrency: 3 }
        ).pipe(Effect.mapError(storeError("laneCounts")), span("laneCounts")),

      recordExecution: (execution) =>
        table
          .putExecution({
            taskId: execution.taskId,
            phase: execution.phase,
            attempt: execution.attempt,
            status: execution.status,
            startedAt: execution.startedAt.getTime(),
            finishedAt: execution.finishedAt?.getTime(),
            output: toJson(execution.output)
          })
          .pipe(Effect.mapError(storeError("recordExecution")), span("recordExecution", { taskId: execution.taskId })),

      executions: (id) =>
        table.executions(id).pipe(Effect.map((items) => items.map(executionOf)), Effect.mapError(storeError("executions")), span("executions")),

      appendLog: (log) =>
        Ref.getAndUpdate(logSequence, (n) => n + 1).pipe(
          Effect.flatMap((n) => table.putLog({ taskId: log.taskId, at: log.at.getTime(), level: log.level, message: log.message }, `${String(n).padStart(9, "0")}-${newTaskId(0).slice(10, 16)}`)),
          Effect.mapError(storeError("appendLog")),
          span("appendLog", { taskId: log.taskId })
        ),

      logs: (id) => table.logs(id).pipe(Effect.map((items) => items.map(logOf)), Effect.mapError(storeError("logs")), span("logs"))
    }
    return queue
  })

/** The TaskQueue over the Sqs and DynamoTaskTable adapters in context, for the given resources. */
export const layer = (resources: AwsQueueResources, options: AwsTaskQueueOptions = {}): Layer.Layer<TaskQueue, never, Sqs | DynamoTaskTable> =>
  Layer.effect(TaskQueue, make(resources, options))

