/**
 * Queue throughput: enqueue + claim + complete of no-op tasks on the SQLite
 * queue (the real WorkerRuntime in worker processes) against BullMQ on a
 * local redis-server, for 1, 2 and 4 worker processes, printing tasks/s and
 * the SQLite / BullMQ ratio. Bounded: every wait has a timeout and a
 * watchdog ends the run; redis and the workers are stopped at the end.
 *
 * Usage: npm run bench:queue -w @miyabi/bench [-- tasks]   (default 2,000 tasks per run)
 */
import { mkdtempSync, rmSync } from "node:fs"
import { cpus, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { SqliteTaskQueue } from "@miyabi/queue"
import { EnqueueRequest, TaskKind } from "@miyabi/types"
import { Queue } from "bullmq"
import { Redis } from "ioredis"
import { Effect, Schedule } from "effect"
import { startChild, type BenchChild, type ChildReport } from "./Children.js"
import { ensureRedisServer, startRedis, type RedisServer } from "./Redis.js"
import { table, type RunResult } from "./Throughput.js"

const TASKS = Math.max(100, Math.min(100_000, Number(process.argv[2] ?? "2000") || 2_000))
const WORKER_COUNTS = [1, 2, 4] as const
const STEP_TIMEOUT_MS = 180_000
const WATCHDOG_MS = 20 * 60_000

const dir = mkdtempSync(join(tmpdir(), "miyabi-bench-queue-"))
const children = new Set<BenchChild>()
let redis: RedisServer | undefined

const cleanup = async () => {
  for (const child of children) child.kill()
  children.clear()
  await redis?.stop()
  redis = undefined
  rmSync(dir, { recursive: true, force: true })
}

const startWorkers = async (count: number, script: string, args: (i: number) => ReadonlyArray<string>) => {
  const started = Array.from({ length: count }, (_, i) => startChild(script, args(i), STEP_TIMEOUT_MS))
  for (const child of started) children.add(child)
  await Promise.all(started.map((child) => child.ready))
  return started
}

/** Tells the workers to stop; returns the time of the last completion any of them saw and their CPU time. */
const stopWorkers = async (workers: ReadonlyArray<BenchChild>, tasks: number): Promise<{ lastAt: number; cpuMs: number }> => {
  for (const child of workers) child.send("stop")
  const reports: ReadonlyArray<ChildReport> = await Promise.all(workers.map((child) => child.report))
  for (const child of workers) children.delete(child)
  const done = reports.reduce((sum, report) => sum + report.done, 0)
  if (done !== tasks) throw new Error(`the workers completed ${done} tasks, expected ${tasks}`)
  return { lastAt: Math.max(...reports.map((report) => report.lastAt)), cpuMs: reports.reduce((sum, report) => sum + report.cpuMs, 0) }
}

const sqliteRun = (workers: number): Promise<RunResult> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const path = join(dir, `sqlite-${workers}.db`)
        const queue = yield* SqliteTaskQueue.make(path)
        const started = yield* Effect.promise(() => startWorkers(workers, "sqliteWorker.ts", (i) => [path, `sqlite-${i}`]))
        const kind = TaskKind.make("noop")
        const t0 = performance.now()
        for (let n = 0; n < TASKS; n++) yield* queue.enqueue(EnqueueRequest.make({ kind, payload: { n }, priority: "standard", maxAttempts: 3 }))
        const enqueueMs = performance.now() - t0
        const goAt = Date.now()
        for (const child of started) child.send("go")
        yield* queue.stats().pipe(
          Effect.repeat({ until: (stats) => stats.completed >= TASKS, schedule: Schedule.spaced("20 millis") }),
          Effect.timeoutFail({ duration: STEP_TIMEOUT_MS, onTimeout: () => new Error(`SQLite with ${workers} worker(s) did not finish in time`) })
        )
        const { lastAt, cpuMs } = yield* Effect.promise(() => stopWorkers(started, TASKS))
        return { backend: "sqlite", workers, tasks: TASKS, enqueueMs, drainMs: lastAt - goAt, drainCpuMs: cpuMs } satisfies RunResult
      })
    )
  )

/** redis-server's own CPU time so far (INFO cpu), in milliseconds. */
const redisCpuMs = async (port: number): Promise<number> => {
  const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true })
  try {
    await client.connect()
    const info = await client.info("cpu")
    const seconds = (name: string) => Number(new RegExp(`^${name}:([0-9.]+)`, "m").exec(info)?.[1] ?? "0")
    return (seconds("used_cpu_sys") + seconds("used_cpu_user")) * 1_000
  } finally {
    client.disconnect()
  }
}

const bullRun = async (workers: number, port: number): Promise<RunResult> => {
  const name = `bench-${workers}`
  const queue = new Queue(name, { connection: { host: "127.0.0.1", port } })
  try {
    const started = await startWorkers(workers, "bullWorker.ts", () => [String(port), name])
    const t0 = performance.now()
    for (let n = 0; n < TASKS; n++) await queue.add("noop", { n })
    const enqueueMs = performance.now() - t0
    const redisCpu0 = await redisCpuMs(port)
    const goAt = Date.now()
    for (const child of started) child.send("go")
    const deadline = Date.now() + STEP_TIMEOUT_MS
    while (((await queue.getJobCounts("completed"))["completed"] ?? 0) < TASKS) {
      if (Date.now() > deadline) throw new Error(`BullMQ with ${workers} worker(s) did not finish in time`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    const { lastAt, cpuMs } = await stopWorkers(started, TASKS)
    // The server's CPU counts too: with BullMQ much of the queue's work runs in redis (Lua scripts).
    const serverCpuMs = (await redisCpuMs(port)) - redisCpu0
    return { backend: "bullmq", workers, tasks: TASKS, enqueueMs, drainMs: lastAt - goAt, drainCpuMs: cpuMs + serverCpuMs }
  } finally {
    await queue.close()
  }
}

const main = async () => {
  const binary = ensureRedisServer()
  const server = await startRedis(binary, dir)
  redis = server
  process.stdout.write(
    [
      `queue benchmark: ${TASKS} no-op tasks per run, node ${process.version}, ${process.platform}/${process.arch}`,
      "one producer enqueues the tasks one at a time; then N worker processes (one slot each) claim and complete them.",
      `SQLite: one WAL file (synchronous=NORMAL) in ${tmpdir()}; BullMQ 6 on redis-server 127.0.0.1:${server.port} (AOF, fsync every second).`,
      `machine: ${cpus().length} CPU(s), load average ${loadavg().map((n) => n.toFixed(1)).join(" ")} at the start (numbers from a busy machine are noisy).`,
      "SQLite has one writer at a time: worker processes that collide wait in its busy handler (sleeps of 1 ms and up), so more processes add contention, not throughput.",
      ""
    ].join("\n") + "\n"
  )
  const results: Array<RunResult> = []
  for (const workers of WORKER_COUNTS) {
    results.push(await sqliteRun(workers))
    process.stdout.write(`  sqlite ${workers} worker(s) done\n`)
    results.push(await bullRun(workers, server.port))
    process.stdout.write(`  bullmq ${workers} worker(s) done\n`)
  }
  process.stdout.write(`\n${table(results)}\n`)
}

const watchdog = setTimeout(() => {
  process.stderr.write(`bench:queue: still running after ${WATCHDOG_MS / 60_000} minutes, stopping\n`)
  void cleanup().finally(() => process.exit(2))
}, WATCHDOG_MS)
watchdog.unref()

main()
  .then(cleanup)
  .then(() => process.exit(0))
  .catch(async (error: unknown) => {
    process.stderr.write(`bench:queue failed: ${error instanceof Error ? error.message : String(error)}\n`)
    await cleanup()
    process.exit(1)
  })
