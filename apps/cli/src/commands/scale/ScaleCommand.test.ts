/** `miyabi scale simulate|status` as users run them (the built CLI). */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startSandbox, sandboxEstate } from "@miyabi/sandbox"
import { assertBuilt, miyabi, miyabiAsync } from "../sandbox/testing/BuiltCli.js"

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

  it("reports live queue depth and oldest age beside the ECS service's running and desired tasks", async () => {
    const store = path.join(tmp, "status.db")
    for (const priority of ["high", "standard", "standard"]) {
      expect(miyabi(["tasks", "enqueue", "echo", "--store", store, "--payload", '{"message":"x"}', "--priority", priority]).code).toBe(0)
    }
    const estate = sandboxEstate({ seed: 31, size: "small", resources: 3_000, accounts: 5 })
    const worker = estate.data.services.find((s) => s.desiredCount >= 1)
    if (worker === undefined) throw new Error("the estate has no running ECS service")
    const running = estate.data.tasks.filter((t) => t.accountId === worker.accountId && t.clusterName === worker.clusterName && t.serviceName === worker.name).length
    const sandbox = await startSandbox({ estate, dynamodb: false })
    try {
      const keys = sandbox.credentialsFor(worker.accountId)
      const env = {
        ...sandbox.env,
        AWS_REGION: worker.region,
        AWS_ACCESS_KEY_ID: keys.accessKeyId,
        AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
        AWS_SESSION_TOKEN: keys.sessionToken,
        MIYABI_AWS_MAX_ATTEMPTS: "1"
      }
      const status = await miyabiAsync(["scale", "status", "--store", store, "--cluster", worker.clusterName, "--service", worker.name, "--json"], env)
      expect(status.stderr).toBe("")
      expect(status.code).toBe(0)
      const report = JSON.parse(status.stdout) as {
        queueDepth: number
        oldestAgeSeconds: number
        lanes: Array<{ priority: string; depth: number }>
        ecs: { available: boolean; running: number; desired: number; pending: number; deployments: Array<{ status: string }> }
      }
      expect(report.queueDepth).toBe(3)
      expect(report.oldestAgeSeconds).toBeGreaterThanOrEqual(0)
      expect(report.lanes).toEqual(expect.arrayContaining([expect.objectContaining({ priority: "high", depth: 1 }), expect.objectContaining({ priority: "standard", depth: 2 })]))
      expect(report.ecs).toMatchObject({ available: true, running, desired: worker.desiredCount, pending: 0 })
      expect(report.ecs.deployments.map((d) => d.status)).toEqual(["PRIMARY"])

      // The environment names the service as well; the text output shows both figures.
      const text = await miyabiAsync(["scale", "status", "--store", store], { ...env, MIYABI_ECS_CLUSTER: worker.clusterName, MIYABI_ECS_SERVICE: worker.name })
      expect(text.code).toBe(0)
      expect(text.stdout).toMatch(/^queue depth\s+3$/m)
      expect(text.stdout).toMatch(new RegExp(`^ECS tasks\\s+${running} running / ${worker.desiredCount} desired \\(${worker.clusterName}/${worker.name}, ACTIVE\\)$`, "m"))

      const missing = await miyabiAsync(["scale", "status", "--store", store, "--cluster", worker.clusterName, "--service", "ghost"], env)
      expect(missing.code).toBe(1)
      expect(missing.stderr).toBe(`miyabi: ECS service ${worker.clusterName}/ghost: service not found in cluster ${worker.clusterName} (MISSING)\n`)
    } finally {
      await sandbox.stop()
    }
  })

  it("without a cluster and service says how to get ECS figures; one of the two alone is an error line", () => {
    const store = path.join(tmp, "status-only.db")
    const status = miyabi(["scale", "status", "--store", store, "--json"], { MIYABI_ECS_CLUSTER: "", MIYABI_ECS_SERVICE: "" })
    expect(status.code).toBe(0)
    expect(JSON.parse(status.stdout)).toMatchObject({ queueDepth: 0, ecs: { available: false, reason: expect.stringContaining("--cluster and --service") } })
    const half = miyabi(["scale", "status", "--store", store, "--cluster", "c"], { MIYABI_ECS_SERVICE: "" })
    expect(half.code).toBe(1)
    expect(half.stderr).toBe("miyabi: --service: give the ECS service of --cluster (or MIYABI_ECS_SERVICE)\n")
  })
})
