/** `miyabi kpi` on a store a worker has drained (the built CLI). */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertBuilt, miyabi } from "../sandbox/testing/BuiltCli.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-kpi-test-"))
beforeAll(assertBuilt)
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

interface KpiJson {
  readonly completed: number
  readonly deadLettered: number
  readonly attempts: number
  readonly kpis: ReadonlyArray<{ readonly name: string; readonly value: number | null; readonly target: string | null; readonly pass: boolean | null }>
}

describe("miyabi kpi (built)", () => {
  it("reads the finished tasks and sets each KPI beside its SPEC target", () => {
    const store = path.join(tmp, "kpi.db")
    for (const payload of ['{"message":"a"}', '{"message":"b"}', '{"message":"c"}', '{"message":"d","failTimes":99}']) {
      expect(miyabi(["tasks", "enqueue", "echo", "--store", store, "--payload", payload]).code).toBe(0)
    }
    // The failing task is tried three times (1 s and 2 s backoff) before it is dead-lettered.
    expect(miyabi(["worker", "run", "--store", store, "--until-empty"]).code).toBe(0)

    const result = miyabi(["kpi", "--store", store, "--since", "1d", "--json"])
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as KpiJson
    expect(report).toMatchObject({ completed: 3, deadLettered: 1, attempts: 6 })
    const byName = Object.fromEntries(report.kpis.map((kpi) => [kpi.name, kpi]))
    expect(byName["successRate"]).toEqual({ name: "successRate", value: 0.75, target: ">= 95 %", pass: false })
    expect(byName["errorRate"]).toEqual({ name: "errorRate", value: 0.5, target: "<= 0.5 %", pass: false })
    expect(byName["deadLettered"]).toEqual({ name: "deadLettered", value: 1, target: null, pass: null })
    expect(byName["p99LatencySeconds"]).toMatchObject({ target: "< 30 min", pass: true })

    const text = miyabi(["kpi", "--store", store])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^success rate\s+75\.00 %\s+>= 95 %\s+FAIL$/m)
    expect(text.stdout).toMatch(/^p99 task latency\s+\d+\.\d min\s+< 30 min\s+PASS$/m)
  })

  it("rejects a bad --since with one line", () => {
    const result = miyabi(["kpi", "--store", path.join(tmp, "empty.db"), "--since", "lately"])
    expect(result).toMatchObject({ code: 1, stdout: "", stderr: 'miyabi: --since: "lately" is not a window such as 7d, 24h or 90m\n' })
  })
})
