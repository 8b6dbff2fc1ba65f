/**
 * The worker process: configuration from the environment, the SQLite queue,
 * the built-in handlers, the health endpoints, and the queue's worker
 * runtime until SIGTERM/SIGINT, after which it drains within
 * MIYABI_DRAIN_SECONDS and exits 0.
 */
import { Echo, EcsTaskProtection, type Handler, HandlerRegistry, QueueStore, SqliteTaskQueue, WorkerLogger, WorkerMetrics, WorkerRuntime, WorkerTelemetry } from "@miyabi/queue"
import { InvalidInput, WorkerId } from "@miyabi/types"
import { ACCOUNT_VEND_TASK_KIND, AccountVendPayload, OrganizationsSdk, runAccountVendTask } from "@miyabi/account-factory"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { CostExplorer, CostReportTask, CurFiles } from "@miyabi/cost"
import { TaskFailure } from "@miyabi/queue"
import { TaskKind } from "@miyabi/types"
import { Cause, ConfigError, Duration, Effect, Exit, Layer, Option } from "effect"
import * as os from "node:os"
import { serveHealth } from "./HealthServer.js"
import { type LogLevel, loadWorkerConfig, type WorkerConfig } from "./WorkerConfig.js"

/** The task kinds this worker runs. A capability that adds a built-in kind appends its handler here. */
/** `account-vend` (@miyabi/account-factory) through the AWS the environment configures; a retried vend resumes instead of creating twice. */
const PERMANENT_VEND_FAILURES: ReadonlyArray<string> = ["EmailAlreadyExists", "AccountLimitExceeded", "InvalidAddress", "InvalidEmail", "PaymentInstrument", "BusinessValidation"]
const accountVendHandler = HandlerRegistry.handler({
  kind: TaskKind.make(ACCOUNT_VEND_TASK_KIND),
  payload: AccountVendPayload,
  timeout: "30 minutes",
  run: (payload) =>
    runAccountVendTask(payload).pipe(
      Effect.provide(OrganizationsSdk.layer.pipe(Layer.provide(AwsRuntime.layerConfig()))),
      Effect.mapError((error) =>
        new TaskFailure({
          reason: ConfigError.isConfigError(error) || error._tag === "InvalidInput" || PERMANENT_VEND_FAILURES.includes(error.reason) ? "Permanent" : "Transient",
          message: ConfigError.isConfigError(error) ? `AWS settings: ${String(error)}` : error.message
        })
      )
    )
})

/** `cost-report` (@miyabi/cost): a month from CUR files (DuckDB) or Cost Explorer, reports written to the payload's outputDir. */
const costReportHandler = HandlerRegistry.handler({
  kind: TaskKind.make(CostReportTask.kind),
  payload: CostReportTask.Payload,
  timeout: "30 minutes",
  run: (payload) =>
    CostReportTask.run(payload).pipe(
      Effect.provide(Layer.merge(CurFiles.layerWithDuckDb({ config: { threads: "1" } }), CostExplorer.layer.pipe(Layer.provide(AwsRuntime.layerConfig())))),
      Effect.mapError((error) =>
        ConfigError.isConfigError(error)
          ? new TaskFailure({ reason: "Permanent", message: `AWS settings: ${String(error)}` })
          : new TaskFailure({ reason: CostReportTask.isTransient(error) ? "Transient" : "Permanent", message: error.message })
      )
    )
})

export const builtinHandlers: ReadonlyArray<Handler> = [Echo.EchoHandler, accountVendHandler, costReportHandler]

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
        HandlerRegistry.layer(builtinHandlers),
        metricsLayer(config, id)
      )
    ),
    Effect.provide(WorkerLogger.layer({ format: "json", minimumLevel: effectLogLevel[config.logLevel] }))
  )
}

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
