/**
 * The demo's first step: the task queue and its worker. Enqueues a batch of
 * `echo` tasks (a quarter of them high priority, one that fails once and is
 * retried, one that always fails and dead-letters), runs a worker until the
 * queue is empty, and reports what happened from the store itself.
 */
import { Echo, TaskQueue } from "@miyabi/queue"
import { EnqueueRequest, type Task } from "@miyabi/types"
import { Effect } from "effect"
import { Output } from "../Output.js"
import { renderFields, renderTable } from "../render/Table.js"
import { runWorker } from "../worker/RunWorker.js"
import type { DemoStep, StepReport } from "./DemoStep.js"

export const DEMO_TASKS = 24
export const DEMO_CONCURRENCY = 4

/** The batch: every fourth task is high priority; task 5 fails once, task 11 always fails. */
export const demoBatch = (): ReadonlyArray<EnqueueRequest> =>
  Array.from({ length: DEMO_TASKS }, (_, i) => {
    const n = i + 1
    const payload: Echo.EchoPayload = {
      message: `hello from demo task ${n}`,
      workMs: 20,
      ...(n === 5 ? { failTimes: 1 } : n === 11 ? { failTimes: 99 } : {})
    }
    return EnqueueRequest.make({
      kind: Echo.kind,
      payload,
      priority: n % 4 === 0 ? "high" : "standard",
      maxAttempts: 3,
      tenant: n % 2 === 0 ? "acme" : "globex"
    })
  })

interface Outcome {
  readonly total: number
  readonly completed: number
  readonly deadLettered: number
  readonly retried: number
  readonly attempts: number
  readonly highClaimedFirst: boolean
}

/** Facts about the batch, read back from the queue. */
export const outcomeOf = (tasks: ReadonlyArray<Task>): Outcome => {
  const firstTry = tasks.filter((task) => task.attempts === 1 && task.startedAt !== undefined)
  const lastHigh = Math.max(...firstTry.filter((t) => t.priority === "high").map((t) => t.startedAt!.getTime()))
  const firstStandard = Math.min(...firstTry.filter((t) => t.priority === "standard").map((t) => t.startedAt!.getTime()))
  return {
    total: tasks.length,
    completed: tasks.filter((task) => task.status === "Completed").length,
    deadLettered: tasks.filter((task) => task.status === "Failed").length,
    retried: tasks.filter((task) => task.attempts > 1).length,
    attempts: tasks.reduce((sum, task) => sum + task.attempts, 0),
    highClaimedFirst: lastHigh <= firstStandard
  }
}

export const queueStep: DemoStep = {
  name: "queue",
  title: "Task queue and worker",
  run: (context) =>
    Effect.gen(function* () {
      const queue = yield* TaskQueue
      const output = yield* Output
      const requests = demoBatch()
      const enqueued = yield* Effect.forEach(requests, (request) => queue.enqueue(request))
      const ids = new Set(enqueued.map((result) => result.task.id))
      yield* output.progress(`enqueued ${enqueued.length} echo tasks; running ${DEMO_CONCURRENCY} worker slots until the queue drains...`)
      const summary = yield* runWorker({ handlers: [Echo.EchoHandler], concurrency: DEMO_CONCURRENCY, leaseMs: 30_000, drainMs: 5_000, untilEmpty: true, logs: "none" })
      const tasks = (yield* queue.list({ limit: 10_000 })).filter((task) => ids.has(task.id))
      const outcome = outcomeOf(tasks)
      const throughput = summary.elapsedMs === 0 ? 0 : (outcome.completed / summary.elapsedMs) * 1_000
      const byPriority = (["high", "standard"] as const).map((priority) => {
        const lane = tasks.filter((task) => task.priority === priority)
        return {
          priority,
          enqueued: lane.length,
          completed: lane.filter((task) => task.status === "Completed").length,
          deadLettered: lane.filter((task) => task.status === "Failed").length
        }
      })
      const deadLetteredTask = tasks.find((task) => task.status === "Failed")
      const report: StepReport = {
        summary: {
          ...outcome,
          enqueued: enqueued.length,
          concurrency: DEMO_CONCURRENCY,
          elapsedMs: Math.round(summary.elapsedMs),
          throughputPerSecond: Math.round(throughput * 10) / 10,
          byPriority,
          deadLetteredTaskId: deadLetteredTask?.id ?? null
        },
        text: [
          renderTable(
            ["lane", "enqueued", "completed", "dead-lettered"],
            byPriority.map((lane) => [lane.priority, lane.enqueued, lane.completed, lane.deadLettered]),
            { colour: output.colour }
          ),
          "",
          renderFields([
            ["completed", `${outcome.completed} of ${outcome.total}`],
            ["retried", `${outcome.retried} tasks needed more than one attempt (${outcome.attempts} attempts in all)`],
            ["dead-lettered", deadLetteredTask === undefined ? "none" : `${outcome.deadLettered} (${deadLetteredTask.id}: ${deadLetteredTask.lastError?.message ?? "failed"})`],
            ["priority", outcome.highClaimedFirst ? "every high-priority task was claimed before any standard one" : "high-priority tasks were NOT all claimed first"],
            ["throughput", `${throughput.toFixed(1)} tasks/s with ${DEMO_CONCURRENCY} slots (${(summary.elapsedMs / 1_000).toFixed(2)} s)`]
          ]),
          "",
          `inspect: miyabi tasks show ${deadLetteredTask?.id ?? "<id>"} --store ${context.store}`
        ].join("\n")
      }
      return report
    })
}
