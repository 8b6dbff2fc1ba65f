/**
 * The built worker (dist/main.js) as a child process: configuration errors,
 * health endpoints, and the SIGTERM drain. Nx builds the worker before its
 * tests (package.json: test dependsOn build).
 */
import { Echo, SqliteTaskQueue, TaskQueue } from "@miyabi/queue"
import { EnqueueRequest, type Task } from "@miyabi/types"
import { Effect } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url))
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-worker-test-"))
const children: Array<ChildProcess> = []

beforeAll(() => {
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build the worker first (npx nx run @miyabi/worker:build)`)
})
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL")
})
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const onStore = <A>(store: string, effect: Effect.Effect<A, unknown, TaskQueue>): Promise<A> =>
  Effect.runPromise(Effect.scoped(Effect.provide(effect, SqliteTaskQueue.layer(store))))

const enqueueEcho = (store: string, payload: Echo.EchoPayload) =>
  onStore(
    store,
    Effect.flatMap(TaskQueue, (queue) => queue.enqueue(EnqueueRequest.make({ kind: Echo.kind, payload }))).pipe(Effect.map((result) => result.task))
  )

const getTask = (store: string, task: Task) => onStore(store, Effect.flatMap(TaskQueue, (queue) => queue.get(task.id)))

/** Polls `check` every 50 ms until it returns a value, for at most `ms`. */
const until = async <A>(what: string, check: () => Promise<A | undefined>, ms = 15_000): Promise<A> => {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    const value = await check()
    if (value !== undefined) return value
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const startWorker = (env: Record<string, string>) => {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, MIYABI_HTTP_HOST: "127.0.0.1", MIYABI_HTTP_PORT: "0", ...env },
    stdio: ["ignore", "pipe", "pipe"]
  })
  children.push(child)
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const port = until("the health endpoint's port", async () => {
    const match = /"httpPort":(\d+)/.exec(stdout)
    return match === null ? undefined : Number(match[1])
  })
  return { child, exited, port, output: () => ({ stdout, stderr }) }
}

/** Runs the worker to its end (bounded by 30 s), without blocking the test's event loop. */
const runToExit = (env: Record<string, string>) =>
  new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [main], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"], timeout: 30_000, killSignal: "SIGKILL" })
    children.push(child)
    let stderr = ""
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.once("close", (code) => resolve({ code, stderr }))
  })

const get = async (port: number, route: string) => {
  const response = await fetch(`http://127.0.0.1:${port}${route}`)
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe("miyabi-worker (built)", () => {
  it.each([
    [{ MIYABI_CONCURRENCY: "lots" }, 'miyabi-worker: env MIYABI_CONCURRENCY: Unable to decode "lots" into a number (got "lots")'],
    [{ MIYABI_DRAIN_SECONDS: "-1" }, 'miyabi-worker: env MIYABI_DRAIN_SECONDS: Expected a number between 0 and 3600, actual -1 (got "-1")'],
    [{ LOG_LEVEL: "chatty" }, 'miyabi-worker: env LOG_LEVEL: expected one of debug, info, warn, error (got "chatty")'],
    [{ MIYABI_STORE: "aws:us-east-1" }, 'miyabi-worker: env MIYABI_STORE: unknown aws: setting "us-east-1"; use prefix, table, high, standard, dlq, provision']
  ])("exits 1 with one line for a bad environment %j", async (env, line) => {
    const result = await runToExit({ MIYABI_STORE: path.join(tmp, "bad.db"), ...env })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(`${line}\n`)
  })

  it("serves health while running, is not ready while draining, finishes its task on SIGTERM and exits 0", async () => {
    const store = path.join(tmp, "drain.db")
    const task = await enqueueEcho(store, { message: "slow", workMs: 1_500 })
    const worker = startWorker({ MIYABI_STORE: store, MIYABI_DRAIN_SECONDS: "10", MIYABI_CONCURRENCY: "2" })
    const port = await worker.port
    await until("the task to be claimed", async () => ((await getTask(store, task)).status === "InProgress" ? true : undefined))
    expect(await get(port, "/healthz")).toEqual({ status: 200, body: { status: "ok", state: "running" } })
    expect((await get(port, "/readyz")).status).toBe(200)
    expect((await get(port, "/metrics")).body).toMatchObject({ state: "running", claimed: 1, inFlight: 1 })

    worker.child.kill("SIGTERM")
    const draining = await until("readiness to drop", async () => {
      const ready = await get(port, "/readyz")
      return ready.status === 503 ? ready : undefined
    })
    expect(draining.body).toEqual({ ready: false, state: "draining" })
    expect((await get(port, "/healthz")).status).toBe(200)

    expect(await worker.exited).toBe(0)
    const finished = await getTask(store, task)
    expect(finished).toMatchObject({ status: "Completed", attempts: 1, result: { echo: "slow" } })
    expect(worker.output().stdout).toContain("worker stopped (Shutdown)")
  })

  it("with MIYABI_METRICS=emf writes CloudWatch EMF records for the queue and for each finished task", async () => {
    const store = path.join(tmp, "emf.db")
    const task = await enqueueEcho(store, { message: "counted" })
    const worker = startWorker({ MIYABI_STORE: store, MIYABI_METRICS: "emf" })
    await worker.port
    await until("the task to complete", async () => ((await getTask(store, task)).status === "Completed" ? true : undefined))
    worker.child.kill("SIGTERM")
    expect(await worker.exited).toBe(0)
    const metricNames = worker
      .output()
      .stdout.split("\n")
      .filter((line) => line.includes('"_aws"'))
      .flatMap((line) => (JSON.parse(line) as { _aws: { CloudWatchMetrics: Array<{ Metrics: Array<{ Name: string }> }> } })._aws.CloudWatchMetrics)
      .flatMap((directive) => directive.Metrics.map((metric) => metric.Name))
    expect(metricNames).toEqual(expect.arrayContaining(["QueueDepth", "OldestTaskAge", "TasksCompleted", "TaskDuration"]))
  })

  it("releases a task it cannot finish within the drain deadline, without counting the attempt", async () => {
    const store = path.join(tmp, "release.db")
    const task = await enqueueEcho(store, { message: "too slow", workMs: 60_000 })
    const worker = startWorker({ MIYABI_STORE: store, MIYABI_DRAIN_SECONDS: "0" })
    await worker.port
    await until("the task to be claimed", async () => ((await getTask(store, task)).status === "InProgress" ? true : undefined))
    worker.child.kill("SIGTERM")
    expect(await worker.exited).toBe(0)
    const released = await getTask(store, task)
    expect(released.status).toBe("Pending")
    expect(released.lease).toBeUndefined()
  })
})
