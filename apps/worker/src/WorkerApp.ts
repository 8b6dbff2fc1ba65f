/**
 * The worker process: configuration from the environment, the SQLite queue,
 * the built-in handlers, the health endpoints, and the queue's worker
 * runtime until SIGTERM/SIGINT, after which it drains within
 * MIYABI_DRAIN_SECONDS and exits 0.
 */
import { EcsTaskProtection, HandlerRegistry, QueueStore, SqliteTaskQueue, WorkerLogger, WorkerMetrics, WorkerRuntime, WorkerTelemetry } from "@miyabi/queue"
import { InvalidInput, WorkerId } from "@miyabi/types"
import { Cause, ConfigError, Duration, Effect, Exit, Layer, Option } from "effect"
import * as os from "node:os"
import { builtinHandlers, type CycleStores } from "./BuiltinHandlers.js"
import { Cycle, Deployment, DynamoCycleStore, DynamoDeploymentStore } from "@miyabi/aws-agent"
import { serveHealth } from "./HealthServer.js"
import * as Tracing from "./Tracing.js"
import { workerAwsRuntime } from "./WorkerAwsRuntime.js"
import { type LogLevel, loadWorkerConfig, type WorkerConfig } from "./WorkerConfig.js"

const effectLogLevel = { debug: "Debug", info: "Info", warn: "Warning", error: "Error" } as const satisfies Record<LogLevel, string>

const workerId = (): WorkerId =>
  WorkerId.make((process.env["ECS_TASK_ID"] ?? `${os.hostname()}-${process.pid}`).slice(0, 128))

/** The SQS + DynamoDB queue of MIYABI_STORE=aws:...; AWS settings and MIYABI_QUEUE_* from the environment. */
const awsQueueLayer = (spec: string) =>
  Layer.unwrapEffect(
    Effect.map(QueueStore.parseStore(`aws:${spec}`, "env MIYABI_STORE"), (parsed) =>
      QueueStore.layerFromStore(parsed).pipe(
        Layer.catchAll((error) =>
          Layer.fail(ConfigError.isConfigError(error) ? new InvalidInput({ source: "env MIYABI_STORE", reason: `aws: ${String(error)}` }) : error)
        )
      )
    )
  )

/** Plain counters, or counters that also write EMF lines and hold ECS task protection while tasks run. */
const metricsLayer = (config: WorkerConfig, id: WorkerId) =>
  config.metrics === "emf"
    ? WorkerTelemetry.layer({ workerId: id }).pipe(Layer.provide(EcsTaskProtection.layerConfig))
    : WorkerMetrics.layer

/** Runs the worker with `config` until it is signalled and has drained. */
export const runWorker = (config: WorkerConfig) => {
  const id = workerId()
  return Effect.gen(function* () {
    const metrics = yield* WorkerMetrics.WorkerMetrics
    // Queue depth, in flight and oldest age per lane, for the scaling dashboards.
    if (config.metrics === "emf") yield* Effect.forkScoped(WorkerTelemetry.reportQueue("1 minute"))
    const server = yield* serveHealth({
      host: config.httpHost,
      port: config.httpPort,
      readiness: Effect.map(metrics.snapshot, (snapshot) => ({ state: snapshot.state, ready: snapshot.state === "running" })),
      metrics: metrics.snapshot
    })
    yield* Effect.logInfo(`health endpoints listening on ${server.host}:${server.port}`).pipe(
      Effect.annotateLogs({ httpPort: server.port })
    )
    return yield* WorkerRuntime.run({
      workerId: id,
      concurrency: config.concurrency,
      leaseMs: config.leaseMs,
      drainTimeout: Duration.millis(config.drainMs),
      shutdown: WorkerRuntime.shutdownOnSignals()
    })
  }).pipe(
    Effect.scoped,
    Effect.provide(
      Layer.mergeAll(
        config.store._tag === "Sqlite"
          ? SqliteTaskQueue.layer(config.store.path, { createDirectory: true })
          : awsQueueLayer(config.store.spec),
        // Handlers that act in member accounts assume MIYABI_MEMBER_ROLE_NAME there.
        HandlerRegistry.layer(builtinHandlers(workerAwsRuntime(config.memberRole), cycleStores(config))),
        metricsLayer(config, id)
      )
    ),
    Effect.provide(WorkerLogger.layer({ format: "json", minimumLevel: effectLogLevel[config.logLevel] })),
    // Outermost, so every span of the run is exported and the last batch is flushed when the worker stops.
    Effect.provide(Tracing.layer(config.traces, { workerId: id }))
  )
}

/**
 * `aws-cycle`'s stores, both beside the tasks so that any worker task can
 * resume a cycle (and its deployment) another one left: the SQLite file
 * (tables `cycle_*` and `deployment_*`), or the DynamoDB table
 * MIYABI_CYCLE_TABLE (deployments under PK `DEPLOYMENT#<id>`).
 */
const cycleStores = (config: WorkerConfig): CycleStores =>
  config.store._tag === "Sqlite"
    ? Layer.merge(
      Cycle.CycleStore.layerSqlite(config.store.path),
      // The handler's stores answer CycleStoreError; a deployment store that cannot open is the same kind of failure.
      Deployment.DeploymentStore.layerSqlite(config.store.path).pipe(
        Layer.mapError((error) => new Cycle.CycleStore.CycleStoreError({ reason: "ReadFailed", cycleId: "*", detail: error.message }))
      )
    )
    : Layer.merge(DynamoCycleStore.layer({ tableName: config.cycleTable }), DynamoDeploymentStore.layer({ tableName: config.cycleTable }))

/** The whole program: read the environment, run, and say in one line what went wrong if anything did. */
export const program = (env: Readonly<Record<string, string | undefined>>): Effect.Effect<number> =>
  loadWorkerConfig(env).pipe(
    Effect.flatMap(runWorker),
    Effect.as(0),
    Effect.catchAllCause((cause) =>
      Effect.sync(() => {
        const failure = Cause.failureOption(cause)
        const message = Option.match(failure, {
          onSome: (error) => (error instanceof Error ? error.message : String(error)),
          onNone: () => `internal error: ${Cause.pretty(cause).split("\n")[0] ?? "unknown"}`
        })
        process.stderr.write(`miyabi-worker: ${message.replace(/\s*\n\s*/g, " ")}\n`)
        return 1
      })
    )
  )

/** Runs `program` as the process's main fiber; signals are the runtime's (drain), not an interrupt. */
export const runMain = (env: Readonly<Record<string, string | undefined>>): void => {
  const keepAlive = setInterval(() => undefined, 2 ** 31 - 1)
  Effect.runFork(program(env)).addObserver((exit) => {
    clearInterval(keepAlive)
    process.exitCode = Exit.isSuccess(exit) ? exit.value : Cause.isInterruptedOnly(exit.cause) ? 0 : 1
  })
}
