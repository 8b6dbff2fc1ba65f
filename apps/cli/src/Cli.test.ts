/**
 * The command tree parses what users type (in-process, sources through
 * vitest); end-to-end runs of the built CLI are in main.test.ts.
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import { it } from "@effect/vitest"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, afterEach, beforeEach, describe, expect, vi } from "vitest"
import { runCli } from "./Cli.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-cli-test-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

let stdout: Array<string> = []
let stderr: Array<string> = []
beforeEach(() => {
  stdout = []
  stderr = []
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (stdout.push(String(chunk)), true))
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (stderr.push(String(chunk)), true))
  vi.spyOn(console, "log").mockImplementation((...parts: Array<unknown>) => void stdout.push(parts.join(" ")))
  vi.spyOn(console, "error").mockImplementation((...parts: Array<unknown>) => void stderr.push(parts.join(" ")))
})
afterEach(() => vi.restoreAllMocks())

const miyabi = (...args: Array<string>) => runCli(["node", "miyabi", ...args]).pipe(Effect.provide(NodeContext.layer))

describe("miyabi command tree", () => {
  it.effect("accepts global flags before or after the command", () =>
    Effect.gen(function* () {
      const store = path.join(tmp, "a.db")
      expect(yield* miyabi("--json", "--store", store, "tasks", "list")).toBe(0)
      expect(JSON.parse(stdout.join(""))).toEqual({ tasks: [] })
      stdout = []
      expect(yield* miyabi("tasks", "list", "--json", "--store", `sqlite:${store}`, "--limit", "5")).toBe(0)
      expect(JSON.parse(stdout.join(""))).toEqual({ tasks: [] })
    })
  )

  it.effect("parses enqueue's options into a task", () =>
    Effect.gen(function* () {
      const store = path.join(tmp, "b.db")
      const code = yield* miyabi(
        "tasks", "enqueue", "echo", "--json", "--store", store,
        "--payload", '{"message":"hi","workMs":5}', "--priority", "high", "--tenant", "acme", "--idempotency-key", "k1"
      )
      expect(code).toBe(0)
      const { created, task } = JSON.parse(stdout.join("")) as { created: boolean; task: Record<string, unknown> }
      expect(created).toBe(true)
      expect(task).toMatchObject({ kind: "echo", priority: "high", tenant: "acme", idempotencyKey: "k1", status: "Pending", payload: { message: "hi", workMs: 5 } })
    })
  )

  it.effect("exits 2 on usage errors: unknown command, bad choice, out-of-range number", () =>
    Effect.gen(function* () {
      expect(yield* miyabi("bogus")).toBe(2)
      expect(yield* miyabi("tasks", "enqueue", "echo", "--priority", "urgent")).toBe(2)
      expect(yield* miyabi("tasks", "list", "--limit", "0")).toBe(2)
      expect(yield* miyabi("worker", "run", "--lease", "soon")).toBe(2)
    })
  )

  it.effect.each([
    [["tasks", "list", "--limit", "0"], "--limit: 0 is out of range; use an integer from 1 to 10000"],
    [["discover", "--cache-ttl", "-1"], "--cache-ttl: -1 is out of range; use an integer from 0 to 10080"],
    [["discover", "--utilization-days", "64"], "--utilization-days: 64 is out of range; use an integer from 0 to 63"],
    [["cost", "model", "--workers", "0"], "--workers: 0 is out of range; use an integer from 1 to 100000"],
    [["deploy", "--plan", "p.json", "--max-changes", "-3"], "--max-changes: -3 is out of range; use an integer from 1 to 10000"],
    [["scale", "simulate", "--days", "31"], "--days: 31 is out of range; use an integer from 1 to 30"],
    [["tasks", "list", "--limit", "ten"], '--limit: "ten" is not an integer; use an integer from 1 to 10000'],
    [["worker", "run", "--concurrency", "2.5"], '--concurrency: "2.5" is not an integer; use an integer from 1 to 256']
  ] as const)("an out-of-range number names its flag and the range: %j", ([args, line]) =>
    Effect.gen(function* () {
      expect(yield* miyabi(...args)).toBe(2)
      expect(stderr.join("").trim()).toBe(line)
    })
  )

  it.effect.each([
    [["tasks", "list", "--status", "Done"], '--status: "Done" is not one of Pending, InProgress, Completed, Failed, Cancelled, Blocked'],
    [["tasks", "enqueue", "echo", "--priority", "urgent"], '--priority: "urgent" is not one of high, standard'],
    [["scale", "simulate", "--pattern", "bursty"], '--pattern: "bursty" is not one of uniform, poisson, diurnal'],
    [["tenants", "place", "acme", "--model", "shared"], '--model: "shared" is not one of pool, silo, bridge'],
    [["sandbox", "up", "--size", "huge"], '--size: "huge" is not one of tiny, small, medium, large']
  ] as const)("a value outside a flag's choices names the flag: %j", ([args, line]) =>
    Effect.gen(function* () {
      expect(yield* miyabi(...args)).toBe(2)
      expect(stderr.join("").trim()).toBe(line)
    })
  )

  it.effect("a bad duration names its flag", () =>
    Effect.gen(function* () {
      expect(yield* miyabi("worker", "run", "--lease", "soon")).toBe(2)
      expect(stderr.join("").trim()).toBe("--lease must be a duration such as 30s, 2 minutes or 1500 millis")
      stderr = []
      expect(yield* miyabi("worker", "run", "--drain", "-5s")).toBe(2)
      expect(stderr.join("").trim()).toBe("--drain must be a duration such as 30s, 2 minutes or 1500 millis")
    })
  )

  it.effect("exits 1 with one `miyabi:` line on an expected failure", () =>
    Effect.gen(function* () {
      expect(yield* miyabi("tasks", "show", "NOPE", "--store", path.join(tmp, "c.db"))).toBe(1)
      expect(stderr.join("")).toBe("miyabi: Task NOPE not found\n")
    })
  )
})

// AWS settings that reach nothing: port 1 refuses every connection.
const aws = {
  AWS_ENDPOINT_URL: "http://127.0.0.1:1",
  AWS_ACCESS_KEY_ID: "AKIATEST",
  AWS_SECRET_ACCESS_KEY: "secret",
  AWS_REGION: "us-east-1",
  AWS_PROFILE: "",
  MIYABI_AWS_MAX_ATTEMPTS: "2"
}

const withAwsThatReachesNothing = () => {
  beforeEach(() => {
    for (const [name, value] of Object.entries(aws)) vi.stubEnv(name, value)
  })
  afterEach(() => vi.unstubAllEnvs())
}

describe("library logs", () => {
  withAwsThatReachesNothing()

  it.live("never reach stdout: an AWS retry's log line stays off `--json` output", () =>
    Effect.gen(function* () {
      // Port 1 refuses the connection: a retryable failure, logged by aws-runtime before its second attempt.
      expect(yield* miyabi("org", "show", "--json")).toBe(1)
      expect(stdout.join("")).toBe("")
      expect(stderr.join("")).toMatch(/^miyabi: DescribeOrganization: Unavailable: .*ECONNREFUSED.*\n$/)
    })
  )
})

describe("bad input is refused before anything is touched", () => {
  withAwsThatReachesNothing()

  it.effect("a rejected enqueue creates no store", () =>
    Effect.gen(function* () {
      const store = path.join(tmp, "never-created.db")
      expect(yield* miyabi("tasks", "enqueue", "echo", "--store", store, "--payload", '{"mesage":"typo"}')).toBe(1)
      expect(stderr.join("")).toBe("miyabi: --payload, field message: is missing\n")
      expect(fs.existsSync(store)).toBe(false)
    })
  )

  it.effect.each([
    [["kpi", "--since", "soon"], 'miyabi: --since: "soon" is not a window such as 7d, 24h or 90m\n'],
    [["cost", "per-task", "--since", "soon"], 'miyabi: --since: "soon" is not a window such as 30d, 24h or 90m\n'],
    [["cost", "per-task", "--size", "huge"], 'miyabi: --size: "huge" is not one of light, standard, medium, heavy, xl\n'],
    [["cost", "per-task", "--fleet-cost", "-1"], 'miyabi: --fleet-cost: "-1" is not an amount of dollars such as 1500 or 2914.56\n']
  ] as const)("a bad flag of a command that reads --store creates no store: %j", ([args, line]) =>
    Effect.gen(function* () {
      const store = path.join(tmp, `never-${args.join("-")}.db`)
      expect(yield* miyabi(...args, "--store", store)).toBe(1)
      expect(stderr.join("")).toBe(line)
      expect(fs.existsSync(store)).toBe(false)
    })
  )

  it.effect.each([
    [["--name", "app", "--email", "not-an-email"], "miyabi: --email: an account e-mail is 6-64 characters like name@example.com"],
    [["--name", "", "--email", "app@example.com"], "miyabi: --name: "]
  ] as const)("accounts create names the flag of a bad value: %j", ([args, line]) =>
    Effect.gen(function* () {
      expect(yield* miyabi("accounts", "create", ...args, "--ou", "Security", "--tag", "CostCenter=a")).toBe(1)
      expect(stderr.join("")).toMatch(new RegExp(`^${line.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`))
    })
  )

  it.effect("learn and cycle --resume name the flag of an unknown or malformed cycle id once", () =>
    Effect.gen(function* () {
      const store = path.join(tmp, "cycles.db")
      expect(yield* miyabi("learn", "--cycle", "!!", "--store", store)).toBe(1)
      expect(stderr.join("")).toBe("miyabi: --cycle: cycle !!: InvalidId: use letters, digits, '.', '_' or '-'\n")
      stderr = []
      expect(yield* miyabi("cycle", "--resume", "nope", "--store", store)).toBe(1)
      expect(stderr.join("")).toBe("miyabi: --resume: cycle nope: NotFound: no stored cycle with this id\n")
    })
  )

  it.effect("cost --strict fails on a CUR file with a malformed row, naming the file; without it the row is skipped with a note", () =>
    Effect.gen(function* () {
      const cur = path.join(tmp, "bad-row.csv")
      fs.writeFileSync(
        cur,
        [
          "lineItem/UsageStartDate,lineItem/UsageAccountId,lineItem/ProductCode,lineItem/UnblendedCost,resourceTags/user:CostCenter",
          "2026-10-01T00:00:00Z,111111111111,AmazonEC2,1.25,acme",
          "2026-10-02T00:00:00Z,111111111111,AmazonS3,twelve,acme"
        ].join("\n")
      )
      expect(yield* miyabi("cost", "report", "--cur", cur, "--month", "2026-10", "--strict")).toBe(1)
      expect(stdout.join("")).toBe("")
      expect(stderr.join("")).toBe(`miyabi: ${cur}: skipped 1 row(s): malformed cost\n`)
      stderr = []
      expect(yield* miyabi("cost", "report", "--cur", cur, "--month", "2026-10", "--json")).toBe(0)
      expect(JSON.parse(stdout.join(""))).toMatchObject({ ingest: { rowsRead: 2, rowsSkipped: 1, skipped: [{ reason: "malformed cost", rows: 1 }] } })
    })
  )

  it.effect.each([
    [["org", "show"], "MIYABI_AWS_MAX_ATTEMPTS", "abc", 'miyabi: env MIYABI_AWS_MAX_ATTEMPTS: Expected an integer value but received "abc"\n'],
    [["discover"], "MIYABI_AWS_MAX_ATTEMPTS", "-1", "miyabi: env MIYABI_AWS_MAX_ATTEMPTS: must be a positive integer\n"],
    [["cost", "report", "--month", "2026-10"], "MIYABI_AWS_MAX_ATTEMPTS", "0", "miyabi: env MIYABI_AWS_MAX_ATTEMPTS: must be a positive integer\n"]
  ] as const)("a bad AWS setting in the environment names the variable: %j", ([args, name, value, line]) =>
    Effect.gen(function* () {
      vi.stubEnv(name, value)
      expect(yield* miyabi(...args, "--json")).toBe(1)
      expect(stdout.join("")).toBe("")
      expect(stderr.join("")).toBe(line)
    })
  )
})
