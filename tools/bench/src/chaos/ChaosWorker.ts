/**
 * One worker process of the chaos benchmark: the generic worker runtime on
 * the AWS queue named by MIYABI_STORE (the sandbox's endpoint and keys are in
 * the environment). Kind "chaos" sleeps `ms`, then succeeds, or fails
 * permanently when the payload says `fail` (a designed failure). JSON log
 * lines on stdout (the benchmark counts "task completed" per task); SIGTERM drains.
 *
 * argv: <worker id> <concurrency> <leaseMs>
 */
import { HandlerRegistry, QueueStore, TaskFailure, WorkerLogger, WorkerRuntime } from "@miyabi/queue"
import { TaskKind, WorkerId } from "@miyabi/types"
import { Effect, Layer, Schema } from "effect"

const [id = "worker", concurrency = "8", leaseMs = "3000"] = process.argv.slice(2)

const chaos = HandlerRegistry.handler({
  kind: TaskKind.make("chaos"),
  payload: Schema.Struct({ n: Schema.Number, ms: Schema.Number, fail: Schema.optional(Schema.Boolean) }),
  run: (payload) =>
    Effect.sleep(payload.ms).pipe(
      Effect.zipRight(payload.fail === true ? Effect.fail(new TaskFailure({ reason: "Permanent", message: `designed failure ${payload.n}` })) : Effect.succeed({ n: payload.n }))
    )
})

const program = Effect.gen(function* () {
  const store = yield* QueueStore.parseStore(process.env["MIYABI_STORE"] ?? "aws:", "MIYABI_STORE")
  return yield* WorkerRuntime.run({
    workerId: WorkerId.make(id),
    concurrency: Number(concurrency),
    leaseMs: Number(leaseMs),
    heartbeatMs: Math.floor(Number(leaseMs) / 4),
    pollMs: 250,
    drainTimeout: 3_000,
    shutdown: WorkerRuntime.shutdownOnSignals(["SIGTERM"])
  }).pipe(Effect.provide(Layer.mergeAll(QueueStore.layerFromStore(store), HandlerRegistry.layer([chaos]), WorkerLogger.json)))
})

Effect.runPromise(program).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(String(error))
    process.exit(1)
  }
)
