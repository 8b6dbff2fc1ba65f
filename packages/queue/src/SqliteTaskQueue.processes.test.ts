/**
 * Several OS processes share one SQLite file, as worker processes on one
 * machine do. Each child runs test/fixtures/claimer.ts (see test/fixtures/Child.ts).
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { EnqueueRequest, TaskKind } from "@miyabi/types"
import { Effect } from "effect"
import { startChild } from "../test/fixtures/Child.js"
import * as SqliteTaskQueue from "./SqliteTaskQueue.js"
import { TaskQueue } from "./TaskQueue.js"

const dir = mkdtempSync(join(tmpdir(), "miyabi-queue-procs-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const TASKS = 300
const PROCESSES = 4

/** Child processes start slowly on a busy machine (tsx compiles on the fly); outcomes, not durations, are asserted. */
const PROCESS_TEST_TIMEOUT_MS = 180_000

describe("SqliteTaskQueue across processes", () => {
  it("never gives one task to two workers claiming at the same time", async () => {
    const path = join(dir, "shared.db")
    await Effect.runPromise(
      Effect.flatMap(TaskQueue, (queue) =>
        Effect.forEach(Array.from({ length: TASKS }, (_, n) => n), (n) =>
          queue.enqueue(EnqueueRequest.make({ kind: TaskKind.make("echo"), payload: { n }, priority: n % 3 === 0 ? "high" : "standard", maxAttempts: 3 }))
        )
      ).pipe(Effect.provide(SqliteTaskQueue.layer(path)))
    )
    const children = Array.from({ length: PROCESSES }, (_, i) => startChild("claimer.ts", [path, `claimer-${i}`]))
    try {
      await Promise.all(children.map((child) => child.waitForLine((line) => line === "ready", 60_000)))
      for (const child of children) child.process.stdin?.write("go\n")
      const reports = await Promise.all(
        children.map(async (child) => JSON.parse(await child.waitForLine((line) => line.startsWith("{"), 60_000)) as { name: string; completed: Array<string> })
      )
      const exits = await Promise.all(children.map((child) => child.exited))
      expect(exits.map((exit) => exit.code)).toEqual(children.map(() => 0))

      const all = reports.flatMap((report) => report.completed)
      expect(all).toHaveLength(TASKS)
      expect(new Set(all).size).toBe(TASKS)
      // More than one process did some of the work, so the claims really competed.
      expect(reports.filter((report) => report.completed.length > 0).length).toBeGreaterThan(1)

      const tasks = await Effect.runPromise(
        Effect.flatMap(TaskQueue, (queue) => queue.list({ limit: TASKS })).pipe(Effect.provide(SqliteTaskQueue.layer(path)))
      )
      expect(tasks.every((task) => task.status === "Completed" && task.attempts === 1)).toBe(true)
      for (const report of reports) {
        for (const id of report.completed) expect(tasks.find((task) => task.id === id)?.result).toEqual({ by: report.name })
      }
    } finally {
      for (const child of children) child.process.kill("SIGKILL")
    }
  }, PROCESS_TEST_TIMEOUT_MS)
})
