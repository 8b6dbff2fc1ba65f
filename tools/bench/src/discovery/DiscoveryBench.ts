/**
 * Discovery at scale against the sandbox: 10,000 resources over 20 member
 * accounts x 4 regions, every request delayed 50 ms by the sandbox's fault
 * injection. Prints the wall time, the API calls, the floor (calls x latency
 * / allowed concurrency: what perfect use of the in-flight cap would take),
 * the ratio to it, and a sequential walk (concurrency 1). The sequential walk
 * is MEASURED ON A SAMPLE of accounts and extrapolated by API calls (a full
 * sequential walk takes minutes); the output says so.
 *
 * The sandbox runs in a child process (SandboxProcess.ts), so the client is
 * measured with its own event loop; both still share the machine's cores,
 * and the CPU each used is printed, with the CPU floor (both processes' CPU
 * seconds / cores) beside the latency floor. `inprocess` as the last
 * argument runs the sandbox in this process instead, as the bench first did.
 * A warm-up discovery of the sample accounts runs first and is not counted.
 * Profiling: `node --cpu-prof` for this process, BENCH_SANDBOX_CPU_PROFILE=<dir>
 * for the sandbox's. BENCH_LATENCY_MS sets the added latency (default 50).
 *
 * A bare SDK walk of the same number of calls at the headline cap
 * (SdkBaseline.ts) runs in the same run: the ratio to the floor that the SDK
 * and this machine allow before any of our code, and discovery's ratio to it.
 *
 * Usage: npm run bench:discovery -w @miyabi/bench [-- resources accounts sampleAccounts caps services|default inprocess]
 * (caps: in-flight caps to measure, comma-separated, e.g. 16,32,64; the last one is the headline)
 */
import { Discovery } from "@miyabi/aws-agent"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, sandboxEstate } from "@miyabi/sandbox"
import { Duration, Effect, Layer, Logger, LogLevel } from "effect"
import { availableParallelism, loadavg } from "node:os"
import { startSandboxChild } from "./SandboxChild.js"
import { bareSdkWalk } from "./SdkBaseline.js"

const args = process.argv.slice(2)
const [resources = 10_000, accounts = 20, sampleAccounts = 2] = args.slice(0, 3).map(Number)
// In-flight caps to measure, e.g. "16,64": the last is the headline, the others show where CPU starts to bind.
const caps = (args[3] ?? "64").split(",").map(Number)
const concurrency = caps[caps.length - 1] ?? 64
const services = args[4] === undefined || args[4] === "default" ? ["ec2", "s3", "rds", "lambda", "ecs"] : args[4].split(",")
const inProcess = args[5] === "inprocess"
const LATENCY_MS = Number(process.env.BENCH_LATENCY_MS ?? 50)
const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"]

const watchdog = setTimeout(() => {
  console.error("discovery bench: watchdog fired after 10 minutes")
  process.exit(2)
}, 600_000)

// The call timeout is raised from 30 s: on a loaded machine the sandbox (one process, 500-query GetMetricData
// synthesized per call) can be slower than that, and the bench measures throughput, not the timeout policy.
const stack = (maxConcurrency: number) =>
  Discovery.adaptersLayer.pipe(Layer.provideMerge(AwsRuntime.layer({ region: "us-east-1", maxConcurrency, callTimeout: Duration.minutes(3) })))

/** The sandbox, here or in a child process: its environment, its request counter and its CPU. */
const sandboxFor = Effect.gen(function* () {
  const options = { seed: 11, resources, accounts, regions: REGIONS, latencyMs: LATENCY_MS }
  if (!inProcess) {
    const child = yield* startSandboxChild(options)
    return { ...child.ready, stats: child.stats, where: "child process" }
  }
  const estate = sandboxEstate({ seed: options.seed, size: "large", resources, accounts, regions: REGIONS })
  const sandbox = yield* Sandbox.start({ estate, dynamodb: false, faults: { rules: [{ latencyMs: LATENCY_MS }] } })
  const held = estate.data
  return {
    env: sandbox.env,
    resources: held.instances.length + held.volumes.length + held.addresses.length + held.securityGroups.length + held.buckets.length + held.dbInstances.length + held.functions.length + held.services.length,
    extra: held.loadBalancers.length + held.autoScalingGroups.length + held.distributions.length + held.tables.length,
    accounts: held.organization.accounts.length,
    firstAccounts: [...new Set(held.instances.map((i) => i.accountId))],
    asOf: held.asOf,
    // In one process the sandbox's CPU is inside the client's figure.
    stats: Effect.sync(() => ({ seq: sandbox.log.requests().at(-1)?.seq ?? 0, cpuSeconds: 0 })),
    where: "this process"
  }
})

const program = Effect.gen(function* () {
  const started = performance.now()
  const sandbox = yield* sandboxFor
  Object.assign(process.env, sandbox.env)
  console.log(
    `estate: ${sandbox.resources} resources (+${sandbox.extra} balancers, groups, distributions, tables), ${sandbox.accounts} accounts (${accounts} members + management), ${REGIONS.length} regions; sandbox in ${sandbox.where}, ready in ${((performance.now() - started) / 1000).toFixed(1)} s; services ${services.join(",")}`
  )
  const end = new Date(sandbox.asOf)

  const measure = (label: string, maxConcurrency: number, options: Discovery.DiscoveryOptions) =>
    Effect.gen(function* () {
      const before = yield* sandbox.stats
      const cpu0 = process.cpuUsage()
      const t0 = performance.now()
      const result = yield* Discovery.run({ regions: REGIONS, services, utilization: { end }, ...options }).pipe(Effect.provide(stack(maxConcurrency)))
      const seconds = (performance.now() - t0) / 1000
      const after = yield* sandbox.stats
      const calls = after.seq - before.seq
      const cpu = process.cpuUsage(cpu0)
      const clientCpu = (cpu.user + cpu.system) / 1e6
      const sandboxCpu = after.cpuSeconds - before.cpuSeconds
      console.log(
        `${label}: ${result.world.resources.length} resources, ${calls} API calls, ${seconds.toFixed(2)} s wall, CPU ${clientCpu.toFixed(1)} s client${inProcess ? " (+ sandbox, one process)" : ` + ${sandboxCpu.toFixed(1)} s sandbox`}, load average ${loadavg()[0]?.toFixed(1)} on ${availableParallelism()} cores`
      )
      return { seconds, calls, result, cpuSeconds: clientCpu + sandboxCpu }
    })

  // A warm-up over the sample accounts, not measured: both measured runs then find modules loaded and code
  // compiled (the first discovery in a process loads and compiles about a second's worth of SDK code).
  const sample = sandbox.firstAccounts.slice(0, sampleAccounts)
  yield* measure(`warm-up, not counted (${sample.length} accounts)`, concurrency, { accounts: sample })
  // Units at Discovery's default concurrency; the in-flight cap is the allowed concurrency of the floor.
  const atCap = (cap: number) =>
    Effect.tap(measure(`parallel (in-flight cap ${cap})`, cap, {}), (run) => {
      const floor = (run.calls * LATENCY_MS) / 1000 / cap
      console.log(`  floor = ${run.calls} calls x ${LATENCY_MS} ms / ${cap} = ${floor.toFixed(2)} s; ratio to floor ${(run.seconds / floor).toFixed(2)}x (goal <= 1.25x)`)
    })
  yield* Effect.forEach(caps.slice(0, -1), atCap, { discard: true })
  const parallel = yield* atCap(concurrency)
  const floor = (parallel.calls * LATENCY_MS) / 1000 / concurrency
  // Both processes' CPU time, spread over the cores, is a second floor on a machine this size.
  const cpuFloor = parallel.cpuSeconds / availableParallelism()
  console.log(`CPU floor = ${parallel.cpuSeconds.toFixed(1)} s CPU / ${availableParallelism()} cores = ${cpuFloor.toFixed(2)} s; ratio to max(floors) ${(parallel.seconds / Math.max(floor, cpuFloor)).toFixed(2)}x`)
  const bare = yield* bareSdkWalk(parallel.calls, concurrency)
  console.log(
    `bare SDK walk, same ${parallel.calls} calls at in-flight cap ${concurrency} (STS GetCallerIdentity, no Effect, answers unused): ${bare.seconds.toFixed(2)} s wall = ${(bare.seconds / floor).toFixed(2)}x the floor, CPU ${bare.cpuSeconds.toFixed(1)} s client, round trip p50 ${bare.p50.toFixed(0)} ms p90 ${bare.p90.toFixed(0)} ms; discovery takes ${(parallel.seconds / bare.seconds).toFixed(2)}x the bare walk`
  )
  const world = parallel.result.world
  const ok = world.coverage.filter((c) => c.status === "ok").length
  console.log(`coverage: ${ok}/${world.coverage.length} units ok; monthly cost $${(world.monthlyCost / 1e6).toFixed(2)}, score ${world.securityScore.toFixed(1)}, ${world.findings.length} findings`)

  const sequential = yield* measure(`sequential sample (${sample.length} accounts, in-flight cap 1)`, 1, { concurrency: 1, accounts: sample })
  const perCall = sequential.seconds / sequential.calls
  const extrapolated = perCall * parallel.calls
  console.log(
    `sequential walk, EXTRAPOLATED from the ${sample.length}-account sample: ${(perCall * 1000).toFixed(1)} ms/call x ${parallel.calls} calls = ${extrapolated.toFixed(1)} s; parallel is ${(extrapolated / parallel.seconds).toFixed(1)}x faster (goal >= 10x)`
  )
})

await Effect.runPromise(Effect.scoped(program).pipe(Logger.withMinimumLogLevel(LogLevel.Warning)))
clearTimeout(watchdog)
