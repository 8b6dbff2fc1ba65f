import { Task, TaskId, TaskKind, type TaskStatus } from "@miyabi/types"
import { describe, expect, it } from "vitest"
import { computeKpis, formatValue, type KpiName, parseSince, percentile } from "./Kpi.js"

const NOW = new Date("2026-11-27T12:00:00Z")
const MIN = 60_000
const DAY = 86_400_000
let counter = 0

/** A finished task: created `ageMs` before now, started `waitMs` after creation, ran `runMs`. */
const task = (status: TaskStatus, options: { ageMs?: number; waitMs?: number; runMs?: number; attempts?: number } = {}): Task => {
  const created = new Date(NOW.getTime() - (options.ageMs ?? 60 * MIN))
  const started = new Date(created.getTime() + (options.waitMs ?? 0))
  const finished = new Date(started.getTime() + (options.runMs ?? 15 * MIN))
  counter += 1
  return Task.make({
    id: TaskId.make(`01KPITEST${String(counter).padStart(17, "0")}`),
    kind: TaskKind.make("echo"),
    payload: {},
    priority: "standard",
    status,
    attempts: options.attempts ?? 1,
    maxAttempts: 3,
    createdAt: created,
    updatedAt: finished,
    availableAt: created,
    startedAt: started,
    finishedAt: finished
  })
}

const values = (tasks: ReadonlyArray<Task>, options: { sinceMs?: number; workers?: number } = {}) => {
  const report = computeKpis(tasks, { now: NOW, sinceMs: options.sinceMs ?? 7 * DAY, ...(options.workers === undefined ? {} : { workers: options.workers }) })
  return Object.fromEntries(report.rows.map((row) => [row.name, { value: row.value, pass: row.pass }])) as Record<KpiName, { value: number | null; pass: boolean | null }>
}

describe("Kpi", () => {
  it.each([
    [[], 50, undefined],
    [[5], 50, 5],
    [[1, 2, 3, 4], 50, 2],
    [[1, 2, 3, 4], 99, 4],
    // Rank ceil(0.6 x 4) = ceil(2.4) = 3: the rank rounds up, never to the nearest.
    [[1, 2, 3, 4], 60, 3],
    [Array.from({ length: 100 }, (_, i) => i + 1), 99, 99],
    [Array.from({ length: 100 }, (_, i) => i + 1), 50, 50]
  ])("nearest-rank percentile of %j at p%d is %s", (sorted, p, expected) => {
    expect(percentile(sorted, p)).toBe(expected)
  })

  it.each([
    ["7d", 7 * DAY],
    ["24h", DAY],
    ["90m", 90 * MIN],
    ["2w", 14 * DAY],
    ["1.5d", 1.5 * DAY],
    ["0d", undefined],
    ["week", undefined],
    ["7", undefined]
  ])("parses --since %s", (text, ms) => {
    expect(parseSince(text)).toBe(ms)
  })

  it("96 fifteen-minute tasks by busy time are 96 tasks/day per worker, all targets met", () => {
    const tasks = Array.from({ length: 96 }, (_, i) => task("Completed", { ageMs: (i + 1) * 20 * MIN, waitMs: MIN }))
    const kpis = values(tasks)
    expect(kpis.tasksPerWorkerDay).toEqual({ value: 96, pass: true })
    expect(kpis.p50LatencySeconds).toEqual({ value: 16 * 60, pass: null })
    expect(kpis.p99LatencySeconds).toEqual({ value: 16 * 60, pass: true })
    expect(kpis.successRate).toEqual({ value: 1, pass: true })
    expect(kpis.errorRate).toEqual({ value: 0, pass: true })
    expect(kpis.deadLettered).toEqual({ value: 0, pass: null })
  })

  it("misses the targets it misses: slow latency, dead letters, retried attempts", () => {
    const tasks = [
      ...Array.from({ length: 18 }, () => task("Completed", { waitMs: 40 * MIN, runMs: 15 * MIN, ageMs: 2 * DAY })),
      task("Completed", { attempts: 2 }),
      task("Failed", { attempts: 3 })
    ]
    const kpis = values(tasks)
    // 19 of 20 succeeded: exactly 95 % passes.
    expect(kpis.successRate).toEqual({ value: 19 / 20, pass: true })
    // 18 + 2 + 3 = 23 attempts, 19 succeeded: 4 failed attempts.
    expect(kpis.errorRate).toEqual({ value: 4 / 23, pass: false })
    expect(kpis.p99LatencySeconds).toEqual({ value: 55 * 60, pass: false })
    expect(kpis.deadLettered.value).toBe(1)
  })

  it("holds the targets' edges: a p99 of exactly 30 min misses < 30 min, an error rate of exactly 0.5 % meets <= 0.5 %", () => {
    // 199 tasks of 30 minutes each (15 waiting, 15 running); one needed a second attempt: 1 failed attempt of 200.
    const tasks = [...Array.from({ length: 198 }, () => task("Completed", { waitMs: 15 * MIN })), task("Completed", { waitMs: 15 * MIN, attempts: 2 })]
    const kpis = values(tasks)
    expect(kpis.p99LatencySeconds).toEqual({ value: 30 * 60, pass: false })
    expect(kpis.errorRate).toEqual({ value: 0.005, pass: true })
  })

  it("counts only tasks finished inside the window, and divides by --workers when given", () => {
    const inside = Array.from({ length: 10 }, () => task("Completed", { ageMs: 2 * DAY }))
    const outside = Array.from({ length: 5 }, () => task("Completed", { ageMs: 9 * DAY }))
    const report = computeKpis([...inside, ...outside, task("Cancelled"), task("Pending")], { now: NOW, sinceMs: 7 * DAY, workers: 2 })
    expect(report.completed).toBe(10)
    expect(report.rows.find((row) => row.name === "tasksPerWorkerDay")?.value).toBeCloseTo(10 / 7 / 2, 12)
    expect(report.workersBasis).toContain("2 workers")
  })

  it("reports n/a, not a pass, when the window is empty", () => {
    const report = computeKpis([], { now: NOW, sinceMs: DAY })
    const shown = report.rows.map((row) => [row.name, formatValue(row), row.pass])
    expect(shown).toEqual([
      ["tasksPerWorkerDay", "n/a", null],
      ["p50LatencySeconds", "n/a", null],
      ["p99LatencySeconds", "n/a", null],
      ["successRate", "n/a", null],
      ["errorRate", "n/a", null],
      ["deadLettered", "0", null]
    ])
  })
})
