/**
 * The runtime as real worker processes (test/fixtures/worker.ts, started as
 * described in test/fixtures/Child.ts): a worker killed with SIGKILL loses no
 * task, and SIGTERM drains and exits 0. Waits are bounded and assert outcomes.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { EnqueueRequest, TaskKind, type Task } from "@miyabi/types"
import { Effect } from "effect"
import { startChild, type Child } from "../test/fixtures/Child.js"
import * as SqliteTaskQueue from "./SqliteTaskQueue.js"
import { TaskQueue, type TaskQueueShape } from "./TaskQueue.js"

const dir = mkdtempSync(join(tmpdir(), "miyabi-worker-procs-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const withQueue = <A>(path: string, use: (queue: TaskQueueShape) => Effect.Effect<A, unknown>) =>
  Effect.runPromise(Effect.flatMap(TaskQueue, use).pipe(Effect.provide(SqliteTaskQueue.layer(path))))

const enqueueAll = (path: string, tasks: ReadonlyArray<readonly [string, unknown]>) =>
  withQueue(path, (queue) =>
    Effect.forEach(tasks, ([kind, payload]) =>
      queue.enqueue(EnqueueRequest.make({ kind: TaskKind.make(kind), payload, priority: "standard", maxAttempts: 3 })).pipe(Effect.map(({ task }) => task))
    )
  )

const reload = (path: string, tasks: ReadonlyArray<Task>) => withQueue(path, (queue) => Effect.forEach(tasks, (task) => queue.get(task.id)))

interface LogLine {
  readonly message: string
  readonly taskId?: string
  readonly kind?: string
  readonly attempt?: number
  readonly workerId?: string
}

const logLines = (child: Child): Array<LogLine> =>
  child.lines.filter((line) => line.startsWith("{") && !line.startsWith('{"report"')).map((line) => JSON.parse(line) as LogLine)

const startedCount = (child: Child, n: number) => child.waitForLine(() => logLines(child).filter((log) => log.message === "task started").length >= n, 60_000)

/** Child processes start slowly on a busy machine (tsx compiles on the fly); outcomes, not durations, are asserted. */
const PROCESS_TEST_TIMEOUT_MS = 180_000

describe("WorkerRuntime as processes", () => {
  it("loses nothing when a worker is killed with SIGKILL mid-task", async () => {
    const path = join(dir, "crash.db")
    const tasks = await enqueueAll(path, [["hang-once", {}], ["hang-once", {}], ["hang-once", {}]])
    const doomed = startChild("worker.ts", [path, "doomed", "1500", "3", "5000"])
    let survivor: Child | undefined
    try {
      await startedCount(doomed, 3)
      doomed.process.kill("SIGKILL")
      expect((await doomed.exited).signal).toBe("SIGKILL")
      const orphaned = await reload(path, tasks)
      expect(orphaned.map((task) => [task.status, task.lease?.workerId])).toEqual(tasks.map(() => ["InProgress", "doomed"]))

      survivor = startChild("worker.ts", [path, "survivor", "1500", "3", "5000", "idle"])
      expect((await survivor.exited).code).toBe(0)
      const done = await reload(path, tasks)
      for (const task of done) {
        expect(task.status).toBe("Completed")
        expect(task.attempts).toBe(2)
        expect(task.result).toEqual({ by: "survivor", attempt: 2 })
        expect(task.lastError?.message).toMatch(/lease of worker doomed expired/)
      }
    } finally {
      doomed.process.kill("SIGKILL")
      survivor?.process.kill("SIGKILL")
    }
  }, PROCESS_TEST_TIMEOUT_MS)

  it("drains on SIGTERM: in-flight tasks finish, nothing new is claimed, a stuck task is released, exit 0", async () => {
    const path = join(dir, "drain.db")
    const tasks = await enqueueAll(path, [
      ["echo", { message: "slow 1", workMs: 2_000 }],
      ["echo", { message: "slow 2", workMs: 2_000 }],
      ["block", {}],
      ["echo", { message: "later 1" }],
      ["echo", { message: "later 2" }]
    ])
    const worker = startChild("worker.ts", [path, "drainer", "2000", "3", "4000"])
    try {
      await startedCount(worker, 3)
      worker.process.kill("SIGTERM")
      expect((await worker.exited).code).toBe(0)
      const report = JSON.parse(worker.lines.find((line) => line.startsWith('{"report"')) ?? "{}") as { report?: unknown }
      expect(report.report).toMatchObject({ reason: "Shutdown", claimed: 3, completed: 2, released: 1 })
      const [slow1, slow2, stuck, later1, later2] = await reload(path, tasks)
      expect([slow1?.status, slow2?.status]).toEqual(["Completed", "Completed"])
      expect([stuck?.status, stuck?.attempts]).toEqual(["Pending", 0])
      expect([later1?.status, later1?.attempts, later2?.status, later2?.attempts]).toEqual(["Pending", 0, "Pending", 0])

      // The structured logs carry the task's fields at the top level.
      const started = logLines(worker).filter((log) => log.message === "task started")
      expect(started.map((log) => log.taskId).sort()).toEqual(tasks.slice(0, 3).map((task) => task.id).sort())
      expect(started.every((log) => log.workerId === "drainer" && log.attempt === 1 && (log.kind === "echo" || log.kind === "block"))).toBe(true)
    } finally {
      worker.process.kill("SIGKILL")
    }
  }, PROCESS_TEST_TIMEOUT_MS)
})
