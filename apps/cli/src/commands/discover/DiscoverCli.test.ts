/**
 * `miyabi discover`, `world diff`, `optimize`, `plan` and `deploy` as users run them:
 * the built CLI (dist/main.js) as a child process against a tiny seeded
 * sandbox estate this test starts, reached through the AWS_* variables.
 * The children run asynchronously: the sandbox answers from this process.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { describe, expect, it } from "vitest"
import { estateSandboxForCli, miyabiAsync, type Ran } from "../sandbox/testing/BuiltCli.js"

const SERVICES = "ec2,s3,rds,lambda,ecs"
const { file, sandbox: running, env } = estateSandboxForCli("miyabi-discover-cli-test-")

const run = (...args: Array<string>): Promise<Ran> => miyabiAsync(args, env(), 30_000)

const ok = (r: Ran): string => {
  expect(r.stderr).toBe("")
  expect(r.code).toBe(0)
  return r.stdout
}

interface WorldJson {
  readonly resources: ReadonlyArray<{ readonly kind: string; readonly id: string; readonly monthlyCost: number }>
  readonly monthlyCost: number
  readonly securityScore: number
  readonly averageUtilization: number
  readonly findings: ReadonlyArray<unknown>
  readonly coverage: ReadonlyArray<{ readonly status: string }>
}

/** What the generator put in the estate: every resource discovery should find. */
const estateCount = (): number => {
  const d = running().estate.data
  return (
    d.instances.length +
    d.volumes.filter((v) => v.deletedAt === undefined).length +
    d.addresses.filter((a) => a.releasedAt === undefined).length +
    d.securityGroups.length +
    d.buckets.length +
    d.dbInstances.length +
    d.functions.length +
    d.services.length
  )
}

describe("miyabi discover / world diff / optimize / plan (built CLI against a sandbox)", () => {
  it("discovers the estate, diffs worlds, optimizes and plans from the world file", async () => {
    const regions = running().estate.data.regions.join(",")
    const discovered = await run("discover", "--json", "--regions", regions, "--services", SERVICES, "--out", file("world0.json"))
    const world = JSON.parse(ok(discovered)) as WorldJson
    expect(world.resources).toHaveLength(estateCount())
    expect(world.coverage.length).toBeGreaterThan(0)
    expect(world.coverage.every((c) => c.status === "ok")).toBe(true)
    expect(world.monthlyCost).toBeGreaterThan(0)
    expect(world.findings.length).toBeGreaterThan(0)
    expect(world.securityScore).toBeLessThan(100)
    // --out holds the same document.
    expect((JSON.parse(fs.readFileSync(file("world0.json"), "utf8")) as WorldJson).resources).toHaveLength(world.resources.length)

    // The summary table for people.
    const table = ok(await run("discover", "--regions", regions, "--services", SERVICES))
    expect(table).toContain("security score")
    expect(table).toContain("ec2-instance")
    expect(table).toMatch(/coverage: all \d+ units read/)

    // world diff: World1 without one resource and with its cost gone.
    const gone = world.resources.find((r) => r.monthlyCost > 0)!
    const world1 = { ...world, resources: world.resources.filter((r) => r !== gone), monthlyCost: world.monthlyCost - gone.monthlyCost }
    fs.writeFileSync(file("world1.json"), JSON.stringify(world1))
    const d = JSON.parse(ok(await run("world", "diff", file("world0.json"), file("world1.json"), "--json"))) as {
      added: ReadonlyArray<unknown>
      removed: ReadonlyArray<{ id: string }>
      changed: ReadonlyArray<unknown>
      monthlyCostDelta: number
    }
    expect(d.added).toHaveLength(0)
    expect(d.changed).toHaveLength(0)
    expect(d.removed.map((r) => r.id)).toEqual([gone.id])
    expect(d.monthlyCostDelta).toBe(-gone.monthlyCost)
    expect(ok(await run("world", "diff", file("world0.json"), file("world1.json")))).toMatch(/added \/ removed \/ changed\s+0 \/ 1 \/ 0/)

    // A bad world file: one line naming the file and the field, exit 1.
    fs.writeFileSync(file("bad.json"), JSON.stringify({ ...world, securityScore: "high" }))
    const bad = await run("world", "diff", file("world0.json"), file("bad.json"))
    expect(bad.code).toBe(1)
    expect(bad.stdout).toBe("")
    expect(bad.stderr.trim().split("\n")).toHaveLength(1)
    expect(bad.stderr).toContain(file("bad.json"))
    expect(bad.stderr).toContain("securityScore")

    // optimize: the execution plan, as JSON on stdout and in --out.
    const o = JSON.parse(ok(await run("optimize", "--world", file("world0.json"), "--out", file("plan.json"), "--json"))) as {
      plan: { changes: ReadonlyArray<{ priority: string; rule: string; expectedMonthlySavings: number }>; expectedMonthlySavings: number }
    }
    expect(o.plan.changes.length).toBeGreaterThan(0)
    expect(o.plan.expectedMonthlySavings).toBe(o.plan.changes.reduce((a, c) => a + c.expectedMonthlySavings, 0))
    expect(o.plan.changes.every((c) => /^P[0-3]$/.test(c.priority))).toBe(true)
    const saved = JSON.parse(fs.readFileSync(file("plan.json"), "utf8")) as { changes: ReadonlyArray<unknown> }
    expect(saved.changes).toHaveLength(o.plan.changes.length)
    const optimizeTable = ok(await run("optimize", "--world", file("world0.json")))
    expect(optimizeTable).toMatch(/priority\s+rule\s+resource\s+savings\/month\s+risk/)

    // plan: plan.md, plan.json and the infrastructure code.
    const outDir = file("plan")
    const p = JSON.parse(ok(await run("plan", "--world", file("world0.json"), "--out-dir", outDir, "--json"))) as { files: ReadonlyArray<string>; cost: { items: number } }
    expect(p.files).toContain("plan.md")
    expect(p.files).toContain("plan.json")
    expect(p.files.some((f) => f.startsWith("cloudformation/"))).toBe(true)
    expect(p.files.some((f) => f.endsWith("main.tf.json"))).toBe(true)
    for (const f of p.files.filter((f) => f.endsWith(".json"))) expect(() => JSON.parse(fs.readFileSync(path.join(outDir, f), "utf8"))).not.toThrow()
    expect(fs.readFileSync(path.join(outDir, "plan.md"), "utf8")).toContain("## Cost plan")
    expect(p.cost.items).toBeGreaterThan(0)

    // deploy without --approve: a dry run, nothing changes in the sandbox.
    running().log.clear()
    const dry = JSON.parse(ok(await run("deploy", "--plan", file("plan.json"), "--top", "3", "--records", file("deployments"), "--json"))) as {
      mode: string
      status: string
      executions: ReadonlyArray<{ status: string }>
    }
    expect(dry.mode).toBe("dry-run")
    expect(dry.status).toBe("dry-run")
    expect(dry.executions.length).toBeGreaterThan(0)
    expect(dry.executions.every((e) => e.status === "would-apply" || e.status === "skipped")).toBe(true)
    expect(running().log.changes()).toHaveLength(0)
    const dryTable = ok(await run("deploy", "--plan", file("plan.json"), "--top", "3", "--records", file("deployments")))
    expect(dryTable).toContain("dry run (nothing changed; --approve to apply)")
    expect(running().log.changes()).toHaveLength(0)

    // The blast radius: more changes than --max-changes is refused in one line, nothing changed.
    const refused = await run("deploy", "--plan", file("plan.json"), "--top", "3", "--max-changes", "1", "--records", file("deployments"))
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim().split("\n")).toHaveLength(1)
    expect(refused.stderr).toContain("deploy refused")
    expect(running().log.changes()).toHaveLength(0)
  }, 60_000)

  it("rebuilds the pricing catalog from the sandbox's Price List API", async () => {
    const r = JSON.parse(ok(await run("pricing", "refresh", "--regions", "us-east-1", "--out", file("catalog.json"), "--json"))) as { out: string; instanceTypes: number; prices: number }
    expect(r.out).toBe(file("catalog.json"))
    expect(r.instanceTypes).toBeGreaterThan(0)
    expect(r.prices).toBeGreaterThan(0)
    const catalog = JSON.parse(fs.readFileSync(file("catalog.json"), "utf8")) as { source: string; prices: Record<string, number> }
    expect(Object.keys(catalog.prices)).toHaveLength(r.prices)
    expect(catalog.prices["ec2:us-east-1:m5.large"]).toBeGreaterThan(0)
  })

  it("refuses a region AWS does not list, naming --regions, in one line", async () => {
    const r = await run("discover", "--regions", "us-east-1,us-esat-1", "--services", "ec2")
    expect(r.code).toBe(1)
    expect(r.stdout).toBe("")
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
    expect(r.stderr).toMatch(/^miyabi: --regions: unknown region us-esat-1: not among the 34 regions EC2 DescribeRegions lists \(af-south-1, /)
  })

  it("names a bad flag in one line", async () => {
    const r = await run("discover", "--regions", "not a region")
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split("\n")).toHaveLength(1)
    expect(r.stderr).toContain("--regions")
  })
})
