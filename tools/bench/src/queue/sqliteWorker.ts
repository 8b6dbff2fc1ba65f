/**
 * A benchmark worker on the SQLite queue: the real WorkerRuntime (one slot)
 * with a no-op handler. argv: <store path> <worker id>
 */
import { createInterface } from "node:readline"
import { HandlerRegistry, SqliteTaskQueue, WorkerMetrics, WorkerRuntime } from "@miyabi/queue"
import { TaskKind, WorkerId } from "@miyabi/types"
import { Deferred, Effect, Layer, Logger, LogLevel, Schema } from "effect"

const [path = "", id = "sqlite-worker"] = process.argv.slice(2)

const noop = HandlerRegistry.handler({ kind: TaskKind.make("noop"), payload: Schema.Unknown, run: () => Effect.void })

const program = Effect.gen(function* () {
  const go = yield* Deferred.make<void>()
  const stop = yield* Deferred.make<void>()
  createInterface({ input: process.stdin }).on("line", (line) => {
    if (line === "go") Effect.runSync(Deferred.succeed(go, undefined))
    if (line === "stop") Effect.runSync(Deferred.succeed(stop, undefined))
  })
  console.log("ready")
  yield* Deferred.await(go)
  const cpu0 = process.cpuUsage()
  yield* WorkerRuntime.run({ workerId: WorkerId.make(id), concurrency: 1, leaseMs: 60_000, pollMs: 1, shutdown: Deferred.await(stop) })
  const metrics = yield* Effect.flatMap(WorkerMetrics.WorkerMetrics, (m) => m.snapshot)
  const cpu = process.cpuUsage(cpu0)
  console.log(JSON.stringify({ done: metrics.completed, lastAt: metrics.lastActivityAt?.getTime() ?? 0, cpuMs: (cpu.user + cpu.system) / 1_000 }))
})

const layers = Layer.mergeAll(
  SqliteTaskQueue.layer(path, { busyTimeoutMs: 30_000 }),
  HandlerRegistry.layer([noop]),
  WorkerMetrics.layer,
  Logger.minimumLogLevel(LogLevel.Warning)
)

Effect.runPromise(program.pipe(Effect.provide(layers))).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(String(error))
    process.exit(1)
  }
)
