/**
 * The built CLI (dist/main.js) run as a child process, the way users run it.
 * Nx builds the CLI before its tests (apps/cli/package.json: test dependsOn build).
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import packageJson from "../package.json" with { type: "json" }
import { miyabiAsync } from "./commands/sandbox/testing/BuiltCli.js"

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url))
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-main-test-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

beforeAll(() => {
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build the CLI first (npx nx run @miyabi/cli:build)`)
})

// Asynchronous on purpose: a synchronous spawn blocks vitest's worker and its RPC.
const miyabi = (...args: Array<string>) => miyabiAsync(args, { XDG_DATA_HOME: path.join(tmp, "xdg") })

const json = <A>(text: string): A => JSON.parse(text) as A

// Whole runs of the built CLI (the demo; a dozen commands one after another): a hang guard that holds on a loaded machine.
const HEAVY = 120_000

describe("miyabi (built)", () => {
  it("prints help listing the command groups, and its version", async () => {
    const help = await miyabi("--help")
    expect(help.code).toBe(0)
    for (const command of ["tasks enqueue", "tasks list", "tasks show", "tasks stats", "tasks retry", "tasks cancel", "worker run", "demo", "--json", "--store"]) {
      expect(help.stdout).toContain(command)
    }
    const version = await miyabi("--version")
    expect(version).toMatchObject({ code: 0 })
    expect(version.stdout.trim()).toBe(packageJson.version)
  })

  it("runs the demo and reports its counts as one JSON document", async () => {
    const { code, stderr, stdout } = await miyabi("demo", "--json")
    expect(stderr).toBe("")
    expect(code).toBe(0)
    const report = json<{ temporary: boolean; store: string; steps: { queue: Record<string, unknown> } }>(stdout)
    expect(report.temporary).toBe(true)
    expect(report.steps.queue).toMatchObject({
      enqueued: 24,
      total: 24,
      completed: 23,
      deadLettered: 1,
      retried: 2,
      attempts: 27,
      highClaimedFirst: true,
      byPriority: [
        { priority: "high", enqueued: 6, completed: 6, deadLettered: 0 },
        { priority: "standard", enqueued: 18, completed: 17, deadLettered: 1 }
      ]
    })
    // The dead-lettered task is in the store the demo names, with its three attempts.
    const shown = await miyabi("tasks", "show", String(report.steps.queue["deadLetteredTaskId"]), "--store", report.store, "--json")
    expect(json<{ task: { status: string; attempts: number } }>(shown.stdout).task).toMatchObject({ status: "Failed", attempts: 3 })
    fs.rmSync(path.dirname(report.store), { recursive: true, force: true })
  }, HEAVY)

  it("enqueues, lists, shows, counts, cancels and retries tasks on one store", async () => {
    const store = `sqlite:${path.join(tmp, "round-trip.db")}`
    const enqueued = await miyabi("tasks", "enqueue", "echo", "--store", store, "--json", "--payload", '{"message":"one"}', "--priority", "high")
    expect(enqueued.code).toBe(0)
    const id = json<{ task: { id: string } }>(enqueued.stdout).task.id
    const again = await miyabi("tasks", "enqueue", "echo", "--store", store, "--json", "--payload", '{"message":"two"}', "--idempotency-key", "k")
    const twice = await miyabi("tasks", "enqueue", "echo", "--store", store, "--json", "--payload", '{"message":"two"}', "--idempotency-key", "k")
    expect(json<{ created: boolean }>(again.stdout).created).toBe(true)
    expect(json<{ created: boolean; task: { id: string } }>(twice.stdout)).toMatchObject({ created: false, task: { id: json<{ task: { id: string } }>(again.stdout).task.id } })

    const listed = json<{ tasks: Array<{ id: string; status: string }> }>((await miyabi("tasks", "list", "--store", store, "--json")).stdout).tasks
    expect(listed.map((task) => task.id)).toContain(id)
    expect(listed).toHaveLength(2)
    expect((await miyabi("tasks", "list", "--store", store)).stdout).toContain(id)

    const stats = json<{ lanes: Array<{ priority: string; depth: number }> }>((await miyabi("tasks", "stats", "--store", store, "--json")).stdout)
    expect(stats.lanes.find((lane) => lane.priority === "high")?.depth).toBe(1)
    expect(stats.lanes.find((lane) => lane.priority === "standard")?.depth).toBe(1)

    const cancelled = await miyabi("tasks", "cancel", id, "--store", store, "--json")
    expect(json<{ task: { status: string } }>(cancelled.stdout).task.status).toBe("Cancelled")
    const retried = await miyabi("tasks", "retry", id, "--store", store)
    expect(retried).toMatchObject({ code: 0, stdout: `${id} is now Pending\n` })

    const shown = await miyabi("tasks", "show", id, "--store", store, "--json")
    expect(json<{ task: { id: string; status: string; payload: unknown }; logs: Array<unknown> }>(shown.stdout)).toMatchObject({
      task: { id, status: "Pending", payload: { message: "one" } }
    })

    const worked = await miyabi("worker", "run", "--store", store, "--until-empty", "--json")
    expect(worked.code).toBe(0)
    expect(json<{ completed: number; reason: string }>(worked.stdout)).toMatchObject({ completed: 2, reason: "Idle" })
    const done = json<{ task: { status: string; result: unknown } }>((await miyabi("tasks", "show", id, "--store", store, "--json")).stdout)
    expect(done.task).toMatchObject({ status: "Completed", result: { echo: "one" } })
  }, HEAVY)

  it.each([
    ["a directory", () => tmp, `miyabi: --store: ${tmp} is a directory, not a SQLite file`],
    ["an unknown scheme", () => "redis://localhost", 'miyabi: --store: unknown store scheme "redis:"; use sqlite:PATH, a file path, or aws:...'],
    ["a missing directory", () => "/nonexistent-miyabi/q.db", "miyabi: --store: directory /nonexistent-miyabi does not exist"],
    ["a bad aws: setting", () => "aws:us-east-1", 'miyabi: --store: unknown aws: setting "us-east-1"; use prefix, table, high, standard, dlq, provision']
  ])("rejects --store naming %s with one line and exit 1", async (_, store, line) => {
    const result = await miyabi("tasks", "list", "--store", store())
    expect(result).toMatchObject({ code: 1, stdout: "", stderr: `${line}\n` })
  })

  it("rejects a malformed echo payload naming the field, and bad JSON naming the position", async () => {
    const store = path.join(tmp, "payload.db")
    const missing = await miyabi("tasks", "enqueue", "echo", "--store", store, "--payload", '{"mesage":"typo"}')
    expect(missing).toMatchObject({ code: 1, stdout: "", stderr: "miyabi: --payload, field message: is missing\n" })
    const wrongType = await miyabi("tasks", "enqueue", "echo", "--store", store, "--payload", '{"message":"hi","workMs":"soon"}')
    expect(wrongType.code).toBe(1)
    expect(wrongType.stderr).toMatch(/^miyabi: --payload, field workMs: Expected number, actual "soon"( \(and 1 more\))?\n$/)
    const syntax = await miyabi("tasks", "enqueue", "echo", "--store", store, "--payload", '{"message": hi}')
    expect(syntax).toMatchObject({ code: 1, stderr: 'miyabi: --payload, line 1:13: invalid JSON: unexpected "h" (position 12)\n' })
    const file = path.join(tmp, "payload.json")
    fs.writeFileSync(file, '{\n  "message": "hi",\n  "failTimes": -1\n}\n')
    const fromFile = await miyabi("tasks", "enqueue", "echo", "--store", store, "--payload-file", file)
    expect(fromFile.code).toBe(1)
    expect(fromFile.stderr).toMatch(new RegExp(`^miyabi: --payload-file ${file}, line 3:16, field failTimes: Expected a number between 0 and 100, actual -1( \\(and 1 more\\))?\n$`))
    fs.writeFileSync(file, '{\n  "message": "hi",\n  "workMs": 5,,\n}\n')
    expect((await miyabi("tasks", "enqueue", "echo", "--store", store, "--payload-file", file)).stderr).toBe(
      `miyabi: --payload-file ${file}, line 3:15: invalid JSON: expected a property name in double quotes (position 35)\n`
    )
    // Nothing was enqueued.
    expect(json<{ tasks: Array<unknown> }>((await miyabi("tasks", "list", "--store", store, "--json")).stdout).tasks).toEqual([])
  })

  it("worker run drains on SIGTERM: the running task completes and the command exits 0", async () => {
    const store = path.join(tmp, "worker-run.db")
    const enqueued = await miyabi("tasks", "enqueue", "echo", "--store", store, "--json", "--payload", '{"message":"slow","workMs":8000}')
    const id = json<{ task: { id: string } }>(enqueued.stdout).task.id
    const child = spawn(process.execPath, [main, "worker", "run", "--store", store, "--json", "--drain", "30s"], {
      env: { ...process.env, XDG_DATA_HOME: path.join(tmp, "xdg") },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
    try {
      const deadline = Date.now() + 60_000
      while (json<{ task: { status: string } }>((await miyabi("tasks", "show", id, "--store", store, "--json")).stdout).task.status !== "InProgress") {
        if (Date.now() > deadline) throw new Error("the worker never claimed the task")
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      child.kill("SIGTERM")
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL")
    }
    expect(json<{ reason: string; completed: number }>(stdout)).toMatchObject({ reason: "Shutdown", completed: 1 })
    expect(json<{ task: { status: string } }>((await miyabi("tasks", "show", id, "--store", store, "--json")).stdout).task.status).toBe("Completed")
  })

  it("exits 2 on a usage error", async () => {
    expect((await miyabi("tasks", "frobnicate")).code).toBe(2)
  })
})
