/**
 * Account vending at scale: `vendAccounts` (@miyabi/account-factory over
 * OrganizationsSdk on @miyabi/aws-runtime) vends N accounts into an OU of an
 * in-process sandbox whose CreateAccount stays IN_PROGRESS for a fixed delay
 * and which, like AWS, refuses a sixth concurrent creation. The floor is
 * ceil(N / 5) x the delay: five creations always in flight and nothing else
 * on the critical path. Goal: wall time <= 1.2 x the floor.
 *
 * Three runs, each on a fresh sandbox: the library's default status polling
 * (`vendPollSchedule()`: from 250 ms, 1.2x each time, ±10 % jitter, at most
 * 10 s apart; what `accounts create` uses), polling every
 * delay/10 and every delay/50 (to tell the poll interval from the cost of
 * each request). The Organizations request budget is raised through
 * MIYABI_AWS_RATE_LIMITS so that AWS's 5 requests/s is not what limits a
 * local run (the output says so).
 *
 * Usage: npm run bench:vending -w @miyabi/bench [-- accounts delayMs]   (default 100 accounts, 500 ms)
 * Bounded: a watchdog ends the process after 5 minutes.
 */
import { Organizations, OrganizationsSdk, type VendRequest, type VendStage, vendAccounts } from "@miyabi/account-factory"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { startSandbox } from "@miyabi/sandbox"
import { Duration, Effect, Either, Layer, Schedule } from "effect"

const accounts = Number(process.argv[2] ?? "100")
const delayMs = Number(process.argv[3] ?? "500")
const MAX_IN_FLIGHT = 5
const RATE_LIMITS = "organizations=10000:10000"

const watchdog = setTimeout(() => {
  console.error("vending bench: watchdog fired after 300 s")
  process.exit(2)
}, 300_000)

interface RunResult {
  readonly label: string
  readonly wallMs: number
  readonly failed: number
  readonly calls: ReadonlyMap<string, number>
  /** Creating -> Created per account: how long each creation held an in-flight slot. */
  readonly slotMs: ReadonlyArray<number>
}

const run = async (label: string, pollSchedule: Schedule.Schedule<unknown, unknown> | undefined): Promise<RunResult> => {
  const sandbox = await startSandbox({ dynamodb: false, organizations: { createAccountDelayMs: delayMs } })
  const saved = { ...process.env }
  Object.assign(process.env, sandbox.env, { MIYABI_AWS_RATE_LIMITS: RATE_LIMITS, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" })
  delete process.env["AWS_PROFILE"]
  try {
    const started = new Map<string, number>()
    const slotMs: Array<number> = []
    const onProgress = (name: string, stage: VendStage) =>
      Effect.sync(() => {
        if (stage === "Creating") started.set(name, performance.now())
        if (stage === "Created") slotMs.push(performance.now() - (started.get(name) ?? performance.now()))
      })
    const program = Effect.gen(function* () {
      const orgs = yield* Organizations
      const org = yield* orgs.snapshot()
      const ou = yield* orgs.createOrganizationalUnit(org.rootId, "Bench", {})
      const requests: ReadonlyArray<VendRequest> = Array.from({ length: accounts }, (_, i) => ({
        name: `bench-${String(i + 1).padStart(3, "0")}`,
        email: `bench+${i + 1}@example.com`,
        parentId: ou.id,
        tags: { Purpose: "bench" }
      }))
      const before = sandbox.log.requests().length
      const t0 = performance.now()
      const results = yield* vendAccounts(requests, {
        maxInFlight: MAX_IN_FLIGHT,
        roleSchedule: Schedule.spaced("20 millis"),
        creationTimeout: "120 seconds",
        roleTimeout: "30 seconds",
        onProgress,
        ...(pollSchedule === undefined ? {} : { pollSchedule })
      })
      const wallMs = performance.now() - t0
      const calls = new Map<string, number>()
      for (const r of sandbox.log.requests().slice(before)) calls.set(r.operation, (calls.get(r.operation) ?? 0) + 1)
      return { label, wallMs, failed: results.filter(Either.isLeft).length, calls, slotMs }
    })
    const layer = OrganizationsSdk.layer.pipe(Layer.provide(AwsRuntime.layerConfig({})))
    return await Effect.runPromise(program.pipe(Effect.provide(layer), Effect.orDie))
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
    await sandbox.stop()
  }
}

const floorMs = Math.ceil(accounts / MAX_IN_FLIGHT) * delayMs
const pollMs = Math.max(1, Math.round(delayMs / 10))
console.log(`vending bench: ${accounts} accounts, CreateAccount takes ${delayMs} ms in the sandbox, at most ${MAX_IN_FLIGHT} creations in flight`)
console.log(`Organizations request budget raised to ${RATE_LIMITS} through MIYABI_AWS_RATE_LIMITS (AWS allows ~5 requests/s), so the API budget is not the limit here`)
console.log(`floor: ceil(${accounts}/${MAX_IN_FLIGHT}) x ${delayMs} ms = ${floorMs} ms\n`)

const results: Array<RunResult> = []
results.push(await run("default polling (vendPollSchedule: 250 ms, x1.2, ±10 % jitter, cap 10 s)", undefined))
results.push(await run(`polling every ${pollMs} ms`, Schedule.spaced(Duration.millis(pollMs))))
// Is it the poll interval or the cost of each request? Poll five times as often.
const tightMs = Math.max(1, Math.round(delayMs / 50))
results.push(await run(`polling every ${tightMs} ms`, Schedule.spaced(Duration.millis(tightMs))))

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0
for (const r of results) {
  const ratio = r.wallMs / floorMs
  console.log(`${r.label}:`)
  console.log(`  wall ${Math.round(r.wallMs)} ms, floor ${floorMs} ms, ratio ${ratio.toFixed(2)} (goal <= 1.2: ${ratio <= 1.2 ? "met" : "missed"}), ${r.failed} failed`)
  console.log(`  lag per round (slot held - creation time): median ${Math.round(median(r.slotMs) - delayMs)} ms; ${Math.ceil(accounts / MAX_IN_FLIGHT)} rounds x lag ~ ${Math.round((median(r.slotMs) - delayMs) * Math.ceil(accounts / MAX_IN_FLIGHT))} ms over the floor`)
  console.log(`  slot held per creation (Creating -> Created): median ${Math.round(median(r.slotMs))} ms, max ${Math.round(Math.max(...r.slotMs))} ms vs ${delayMs} ms creation`)
  console.log(`  calls: ${[...r.calls.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([op, n]) => `${op} ${n}`).join(", ")}`)
}
// What the default schedule itself costs, with the machine's per-request overhead (the same in every run) taken out.
const [byDefault, , tightest] = results
if (byDefault !== undefined && tightest !== undefined) {
  const extra = median(byDefault.slotMs) - median(tightest.slotMs)
  console.log(`\ndefault polling vs ${tightest.label}: ${Math.round(extra)} ms more per creation (${((extra / delayMs) * 100).toFixed(0)} % of the creation time), ${(byDefault.calls.get("DescribeCreateAccountStatus") ?? 0) / accounts} vs ${(tightest.calls.get("DescribeCreateAccountStatus") ?? 0) / accounts} status reads per account; wall ratio default/tight ${(byDefault.wallMs / tightest.wallMs).toFixed(2)}`)
}
clearTimeout(watchdog)
