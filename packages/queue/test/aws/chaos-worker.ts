/**
 * A worker process on the AWS queue, for the chaos test: the environment
 * points the SDK at a sandbox (AWS_ENDPOINT_URL, keys) and MIYABI_STORE names
 * the queue ("aws:prefix=..."). Kind "chaos" sleeps `ms`, then succeeds, or
 * fails permanently when the payload says `fail` (a designed failure).
 * JSON logs on stdout; SIGTERM drains.
 *
 * argv: <worker id> <concurrency> <leaseMs>
 */
import { TaskKind, WorkerId } from "@miyabi/types"
import { Effect, Layer, Schema } from "effect"
import { HandlerRegistry, QueueStore, TaskFailure, WorkerLogger, WorkerRuntime } from "../../src/index.js"

const [id = "worker", concurrency = "4", leaseMs = "2000"] = process.argv.slice(2)

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
    drainTimeout: 2_000,
    shutdown: WorkerRuntime.shutdownOnSignals(["SIGTERM"])
  }).pipe(Effect.provide(Layer.mergeAll(QueueStore.layerFromStore(store), HandlerRegistry.layer([chaos]), WorkerLogger.json)))
}).pipe(Effect.tap((report) => Effect.sync(() => console.log(JSON.stringify({ report })))))

Effect.runPromise(program).then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(String(error))
    process.exit(1)
  }
)
