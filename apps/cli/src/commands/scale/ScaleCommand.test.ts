/** `miyabi scale simulate|status` as users run them (the built CLI). */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertBuilt, miyabi } from "../sandbox/testing/BuiltCli.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-scale-test-"))
beforeAll(assertBuilt)
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe("miyabi scale (built)", () => {
  it("simulates 9,600/day through the SPEC policy and prints the SPEC comparison", () => {
    const text = miyabi(["scale", "simulate", "--arrivals", "9600/day", "--service", "15m"])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^workers\s+max 100 \(desired 100\)/m)
    expect(text.stdout).toMatch(/^SPEC\s+workers reached 100 \(SPEC 100 for 9,600\/day\)/m)

    const json = miyabi(["scale", "simulate", "--arrivals", "9600/day", "--max", "500", "--json"])
    const report = JSON.parse(json.stdout) as { policy: string; completed: number; maxWorkers: number; cost: { costPerTask: number } }
    expect(report).toMatchObject({ policy: "miyabi-workers-hyperscale", completed: 9600 })
    expect(report.maxWorkers).toBeGreaterThan(100)
    expect(report.maxWorkers).toBeLessThanOrEqual(500)
  })

  it("replays a trace file", () => {
    const trace = path.join(tmp, "trace.csv")
    fs.writeFileSync(trace, ["at,serviceSeconds,priority", ...Array.from({ length: 40 }, (_, i) => `${i * 30},600,${i % 4 === 0 ? "high" : "standard"}`)].join("\n"))
    const result = miyabi(["scale", "simulate", "--trace", trace, "--json"])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ arrived: 40, completed: 40, maxWorkers: 1 })
  })

  it.each([
    [["--arrivals", "lots"], 'miyabi: --arrivals: "lots" is not a rate such as 9600/day or 400/hour'],
    [[], "miyabi: --arrivals: give --arrivals RATE (e.g. 9600/day) or --trace FILE"],
    [["--arrivals", "96/day", "--service", "forever"], 'miyabi: --service: "forever" is not a duration such as 15m or 900s'],
    [["--trace", "/nonexistent/trace.csv"], /^miyabi: \/nonexistent\/trace\.csv: cannot read the trace: ENOENT/]
  ])("rejects %j with one line and exit 1", (args, line) => {
    const result = miyabi(["scale", "simulate", ...args])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe("")
    if (typeof line === "string") expect(result.stderr).toBe(`${line}\n`)
    else expect(result.stderr).toMatch(line)
  })

  it("reports live queue depth and oldest age, and says ECS counts need an adapter", () => {
    const store = path.join(tmp, "status.db")
    for (const priority of ["high", "standard", "standard"]) {
      expect(miyabi(["tasks", "enqueue", "echo", "--store", store, "--payload", '{"message":"x"}', "--priority", priority]).code).toBe(0)
    }
    const status = miyabi(["scale", "status", "--store", store, "--cluster", "c", "--service", "s", "--json"])
    expect(status.code).toBe(0)
    const report = JSON.parse(status.stdout) as { queueDepth: number; oldestAgeSeconds: number; lanes: Array<{ priority: string; depth: number }>; ecs: { available: boolean; reason: string } }
    expect(report.queueDepth).toBe(3)
    expect(report.oldestAgeSeconds).toBeGreaterThanOrEqual(0)
    expect(report.lanes).toEqual(expect.arrayContaining([expect.objectContaining({ priority: "high", depth: 1 }), expect.objectContaining({ priority: "standard", depth: 2 })]))
    expect(report.ecs).toEqual({ available: false, reason: expect.stringContaining("ECS DescribeServices adapter") })
  })
})
