/**
 * What `AwsClients.call` costs on top of the SDK: the same in-memory client
 * (answers on the next turn of the event loop, no HTTP, no serde) called
 * through `AwsClients.call` (budget, in-flight pool, retry policy, timeout,
 * error mapping, span, log annotations) and through a bare
 * `Effect.tryPromise`, at 64 and 512 callers over the runtime's in-flight
 * cap of 64. Prints CPU per call and the ratio to the bare call, measured in
 * the same run. 512 callers is discovery's case (more fibers wanting a call
 * than the cap): with Effect's Semaphore as the cap it did not finish.
 *
 * Usage: npm run bench:call-overhead -w @miyabi/bench [-- calls]
 */
import { AwsClients, AwsRuntime, type SdkClient, ServiceDescriptor } from "@miyabi/aws-runtime"
import { Region } from "@miyabi/types"
import { Effect, Logger, LogLevel, RuntimeFlags, RuntimeFlagsPatch, Supervisor } from "effect"

const calls = Number(process.argv[2] ?? 20_000)
const CAP = 64

/** A command and a client shaped like the SDK's, as far as `AwsClients.call` looks: `send` resolves on the next macrotask. */
class EchoCommand {
  constructor(readonly input: { readonly n: number }) {}
}
const client: SdkClient = {
  // The answer carries only $metadata, which is all any output type is sure to have.
  send: <O>() => new Promise<O>((resolve) => setImmediate(() => resolve({ $metadata: {} } as O))),
  destroy: () => undefined
}
const Echo = ServiceDescriptor.make("echo", () => client)

/** Counts the Effect operations the runtime evaluates (a supervisor sees each one under OpSupervision). */
class OperationCounter extends Supervisor.AbstractSupervisor<number> {
  count = 0
  readonly value = Effect.sync(() => this.count)
  override onEffect(): void {
    this.count++
  }
}

/** Effect operations per call, over 100 calls one after the other. */
const operationsPerCall = (one: (n: number) => Effect.Effect<unknown, unknown>) =>
  Effect.gen(function* () {
    const counter = new OperationCounter()
    yield* Effect.forEach(Array.from({ length: 100 }, (_, n) => n), one, { discard: true }).pipe(
      Effect.supervised(counter),
      Effect.withRuntimeFlagsPatch(RuntimeFlagsPatch.enable(RuntimeFlags.OpSupervision))
    )
    return counter.count / 100
  })

const measure = (label: string, callers: number, one: (n: number) => Effect.Effect<unknown, unknown>) =>
  Effect.gen(function* () {
    const work = Array.from({ length: calls }, (_, n) => n)
    yield* Effect.forEach(work.slice(0, 1_000), one, { concurrency: callers, discard: true })
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    yield* Effect.forEach(work, one, { concurrency: callers, discard: true })
    const cpu = process.cpuUsage(cpu0)
    const micros = (cpu.user + cpu.system) / calls
    console.log(`${label}, ${callers} callers: ${micros.toFixed(1)} µs CPU per call, ${(((performance.now() - t0) * 1000) / calls).toFixed(1)} µs wall`)
    return micros
  })

const program = Effect.gen(function* () {
  const aws = yield* AwsClients.AwsClients
  const viaRuntime = (n: number) => aws.call(Echo, { region: Region.make("us-east-1") }, new EchoCommand({ n }) as never, { operation: "Echo" })
  const bare = (n: number) => Effect.tryPromise((signal) => client.send(new EchoCommand({ n }) as never, { abortSignal: signal }))
  console.log(`${calls} calls per run, in-flight cap ${CAP}, on ${process.version}`)
  console.log(`Effect operations per call: AwsClients.call ${(yield* operationsPerCall(viaRuntime)).toFixed(0)}, bare ${(yield* operationsPerCall(bare)).toFixed(0)}`)
  for (const callers of [CAP, 512]) {
    const baseline = yield* measure("bare Effect.tryPromise", callers, bare)
    const runtime = yield* measure("AwsClients.call", callers, viaRuntime)
    console.log(`  AwsClients.call costs ${(runtime / baseline).toFixed(1)}x the bare call (+${(runtime - baseline).toFixed(0)} µs per call)`)
  }
})

await Effect.runPromise(
  program.pipe(
    // No token-bucket waits: this measures the runtime's CPU, not the rate limits.
    Effect.provide(
      AwsRuntime.layer(
        { region: "us-east-1", maxConcurrency: CAP, rateLimits: { echo: { perSecond: 1e9, burst: 1e9 } } },
        { baseCredentials: () => Promise.resolve({ accessKeyId: "bench", secretAccessKey: "bench" }) }
      )
    ),
    Logger.withMinimumLogLevel(LogLevel.Warning)
  )
)
