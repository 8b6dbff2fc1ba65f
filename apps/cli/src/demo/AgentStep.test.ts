/**
 * The demo's agent step in process: one approved cycle θ1..θ6 on a tiny
 * seeded sandbox estate, kept in a SQLite store: World1 cheaper than World0,
 * the changes watched and learned from, the reports written.
 */
import { describe, expect, it } from "@effect/vitest"
import { SqliteTaskQueue } from "@miyabi/queue"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Output } from "../Output.js"
import { agentStep, DEMO_DEPLOY_TOP } from "./AgentStep.js"

interface AgentSummary {
  readonly world0: { readonly resources: number; readonly monthlyCostUsd: string; readonly securityScore: number; readonly coverageProblems: number }
  readonly world1: { readonly resources: number; readonly monthlyCostUsd: string; readonly securityScore: number }
  readonly plan: { readonly changes: number }
  readonly deployment: { readonly status: string; readonly changes: number; readonly applied: number; readonly changesLogged: number }
  readonly monitor: { readonly verdict: string | null; readonly alarms: number; readonly rolledBack: number }
  readonly delta: { readonly monthlyCostUsd: string }
  readonly learning: { readonly outcomes: number; readonly rules: number }
  readonly reports: ReadonlyArray<string>
}

describe("demo agent step", () => {
  it.scopedLive(
    "discovers, optimizes, deploys the top changes and prints World0 -> World1",
    () =>
      Effect.gen(function* () {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-agent-step-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
        const output = yield* Output.test({ json: false })
        const report = yield* agentStep.run({ store: path.join(dir, "miyabi.db") }).pipe(Effect.provide(output.layer), Effect.provide(SqliteTaskQueue.layer(path.join(dir, "q.db"))))
        const s = report.summary as unknown as AgentSummary
        console.log(`agent step: ${JSON.stringify(report.summary["phaseMs"])}`)
        expect(s.world0.resources).toBeGreaterThan(0)
        expect(s.world0.coverageProblems).toBe(0)
        expect(s.plan.changes).toBeGreaterThan(0)
        expect(s.deployment.changes).toBe(Math.min(DEMO_DEPLOY_TOP, s.plan.changes))
        expect(s.deployment.status).toBe("succeeded")
        expect(s.deployment.applied).toBeGreaterThan(0)
        expect(s.deployment.changesLogged).toBeGreaterThan(0)
        // The applied changes were watched and held: a healthy verdict, nothing rolled back.
        expect(s.monitor).toMatchObject({ verdict: "healthy", rolledBack: 0 })
        expect(s.monitor.alarms).toBeGreaterThan(0)
        expect(Number(s.delta.monthlyCostUsd)).toBeLessThan(0)
        expect(Number(s.world1.monthlyCostUsd)).toBeLessThan(Number(s.world0.monthlyCostUsd))
        expect(s.learning.outcomes).toBe(s.deployment.applied)
        expect(s.reports.map((file) => path.basename(file))).toEqual(expect.arrayContaining(["cycle.md", "plan.md"]))
        expect(s.reports.filter((file) => !fs.existsSync(file))).toEqual([])
        expect(report.text).toContain("World0 -> World1")
      }),
    60_000
  )
})
