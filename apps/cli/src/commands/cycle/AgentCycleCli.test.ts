/**
 * `miyabi cycle`, `cycle history`, `learn` and `monitor` as users run them:
 * the built CLI (dist/main.js) as a child process against a tiny seeded
 * sandbox estate this test starts, the cycles kept in a SQLite store and
 * θ4's deployment records beside them (or in --records DIR when given).
 */
import * as fs from "node:fs"
import { describe, expect, it } from "vitest"
import { estateSandboxForCli, miyabiAsync, type Ran } from "../sandbox/testing/BuiltCli.js"

const { file, sandbox: running, env } = estateSandboxForCli("miyabi-cycle-cli-test-")
const store = `sqlite:${file("miyabi.db")}`

const run = (...args: Array<string>): Promise<Ran> => miyabiAsync(args, env(), 60_000)
const inStore = () => ["--store", store, "--regions", running().estate.data.regions.join(","), "--services", "ec2,s3,rds,lambda,ecs", "--out-dir", file("cycles")]
const scope = () => [...inStore(), "--records", file("deployments")]

const ok = (r: Ran): string => {
  expect(r.stderr).toBe("")
  expect(r.code).toBe(0)
  return r.stdout
}

interface CycleJson {
  readonly cycleId: string
  readonly deployment: { readonly mode: string; readonly status: string; readonly executions: ReadonlyArray<{ readonly status: string }> }
  readonly monitor: { readonly observation: { readonly verdict: string } | null; readonly note: string }
  readonly learn: { readonly record: { readonly outcomes: ReadonlyArray<unknown> }; readonly infinity: { readonly reached: boolean } }
  readonly world0: { readonly world: { readonly monthlyCost: number } }
  readonly world1: { readonly world: { readonly monthlyCost: number } }
  readonly files: ReadonlyArray<string>
}

describe("miyabi cycle", () => {
  it("a dry-run cycle changes nothing, stores six phases and writes its reports", async () => {
    const c = JSON.parse(ok(await run("cycle", "--json", "--id", "dry-1", ...scope()))) as CycleJson
    expect(c.cycleId).toBe("dry-1")
    expect(c.deployment.mode).toBe("dry-run")
    expect(c.deployment.executions.length).toBeGreaterThan(0)
    expect(c.monitor.observation).toBeNull()
    expect(c.learn.record.outcomes).toEqual([])
    expect(c.world1.world.monthlyCost).toBe(c.world0.world.monthlyCost)
    expect(running().log.changes()).toEqual([])
    for (const name of ["cycle.md", "cycle.json", "plan.md"]) expect(fs.existsSync(file(`cycles/dry-1/${name}`))).toBe(true)
    expect(fs.readFileSync(file("cycles/dry-1/cycle.md"), "utf8")).toContain("A dry run: nothing was changed.")
    // --records DIR: the record is a JSON file there.
    expect(fs.readdirSync(file("deployments"))).toEqual(["dry-1-deploy.json"])
  }, 90_000)

  it("an approved cycle applies its top changes and lowers the cost; its deployment is kept in the store; history, learn and monitor read the store", async () => {
    const c = JSON.parse(ok(await run("cycle", "--json", "--approve", "--top", "3", "--watch", "0.02m", "--id", "live-1", ...inStore()))) as CycleJson
    expect(c.deployment.mode).toBe("apply")
    expect(c.deployment.executions.filter((e) => e.status === "applied").length).toBeGreaterThan(0)
    expect(running().log.changes().length).toBeGreaterThan(0)
    expect(c.world1.world.monthlyCost).toBeLessThan(c.world0.world.monthlyCost)
    expect(c.learn.record.outcomes.length).toBeGreaterThan(0)

    const history = JSON.parse(ok(await run("cycle", "history", "--json", "--store", store))) as ReadonlyArray<{ cycleId: string; phases: ReadonlyArray<string>; mode: string }>
    expect(history.map((h) => [h.cycleId, h.phases.length, h.mode])).toEqual([
      ["live-1", 6, "apply"],
      ["dry-1", 6, "dry-run"]
    ])
    const learned = JSON.parse(ok(await run("learn", "--json", "--store", store))) as { cycleId: string; record: { rules: ReadonlyArray<{ rule: string; applied: number }> } }
    expect(learned.cycleId).toBe("live-1")
    expect(learned.record.rules.reduce((n, r) => n + r.applied, 0)).toBe(c.learn.record.outcomes.length)
    const text = ok(await run("cycle", "history", "--store", store))
    expect(text).toContain("live-1")

    // Without --records the deployment lives in the store's SQLite file: no folder, and monitor finds it there.
    expect(fs.readdirSync(file("deployments"))).toEqual(["dry-1-deploy.json"])
    const watched = JSON.parse(ok(await run("monitor", "--json", "--store", store, "--deployment", "live-1-deploy", "--watch", "0.02m"))) as { verdict: string }
    expect(["healthy", "regressed", "insufficient-data"]).toContain(watched.verdict)
    const notThere = await run("monitor", "--store", store, "--deployment", "live-1-deploy", "--records", file("deployments"))
    expect(notThere.code).not.toBe(0)
    expect(notThere.stderr).toContain(`no deployment live-1-deploy in ${file("deployments")}`)
  }, 120_000)

  it("bad input names the flag and exits non-zero; nothing is stored", async () => {
    const badWatch = await run("cycle", "--watch", "soon", ...scope())
    expect(badWatch.code).not.toBe(0)
    expect(badWatch.stderr).toContain("--watch")
    const badRegion = await run("cycle", "--store", store, "--regions", "mars-1")
    expect(badRegion.code).not.toBe(0)
    expect(badRegion.stderr).toContain("--regions")
    const badOu = await run("cycle", "--production-ous", "prod", ...scope())
    expect(badOu.code).not.toBe(0)
    expect(badOu.stderr).toContain("--production-ous")
    const missing = await run("cycle", "--resume", "nope", ...scope())
    expect(missing.code).not.toBe(0)
    expect(missing.stderr).toContain("no stored cycle")
    const history = JSON.parse(ok(await run("cycle", "history", "--json", "--store", store))) as ReadonlyArray<{ cycleId: string }>
    expect(history.map((h) => h.cycleId)).not.toContain("nope")
  }, 90_000)
})
