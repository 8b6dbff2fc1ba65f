import { describe, expect, it } from "vitest"
import { overall, perSecond, table, type RunResult } from "./Throughput.js"

const run = (backend: RunResult["backend"], workers: number, enqueueMs: number, drainMs: number, drainCpuMs = 500): RunResult => ({
  backend,
  workers,
  tasks: 1_000,
  enqueueMs,
  drainMs,
  drainCpuMs
})

describe("Throughput", () => {
  it("counts enqueue and drain time in the overall rate", () => {
    expect(perSecond(1_000, 500)).toBe(2_000)
    expect(overall(run("sqlite", 1, 250, 250))).toBe(2_000)
    expect(perSecond(10, 0)).toBe(0)
  })

  it("prints the SQLite / BullMQ ratio per worker count", () => {
    const text = table([run("sqlite", 1, 250, 250, 250), run("bullmq", 1, 500, 500, 1_000), run("sqlite", 2, 100, 100), run("bullmq", 4, 100, 100)])
    expect(text).toContain(" 1 worker(s): 2.00x tasks/s, 0.25x CPU per task")
    expect(text).toContain(" 2 worker(s): n/a")
    expect(text).toContain(" 4 worker(s): n/a")
    expect(text).toMatch(/sqlite\s+1\s+1000\s+4,000\/s\s+4,000\/s\s+2,000\/s\s+0\.250/)
  })
})
