/**
 * The discovery bench's sandbox, in a process of its own, so the client's
 * CPU (SDK serde, Effect runtime) and the sandbox's (routing, XML encoding,
 * metric synthesis) no longer share one event loop: with both in one
 * process, every sandbox response waited behind client work and the other
 * way round, and the measured concurrency was the event loop's, not the
 * client's.
 *
 * Started by DiscoveryBench with one JSON argument (`SandboxProcessOptions`).
 * Speaks lines on stdio: it prints `{"ready":true,"env":{...}}` once serving;
 * each `stats` line on stdin is answered with `{"seq":<last request>,"cpuSeconds":<its CPU>}`
 * (and the requests since the previous one, counted by operation, go to stderr);
 * closing stdin stops the sandbox and ends the process.
 */
import { Sandbox, sandboxEstate } from "@miyabi/sandbox"
import { Effect, Exit, Scope } from "effect"
import { createInterface } from "node:readline"

export interface SandboxProcessOptions {
  readonly seed: number
  readonly resources: number
  readonly accounts: number
  readonly regions: ReadonlyArray<string>
  readonly latencyMs: number
}

const options = JSON.parse(process.argv[2] ?? "{}") as SandboxProcessOptions

const main = async (): Promise<void> => {
  const scope = Effect.runSync(Scope.make())
  const estate = sandboxEstate({ seed: options.seed, size: "large", resources: options.resources, accounts: options.accounts, regions: options.regions })
  const sandbox = await Effect.runPromise(
    Scope.extend(Sandbox.start({ estate, dynamodb: false, faults: { rules: [{ latencyMs: options.latencyMs }] } }), scope)
  )
  const held = estate.data
  const resources =
    held.instances.length + held.volumes.length + held.addresses.length + held.securityGroups.length + held.buckets.length + held.dbInstances.length + held.functions.length + held.services.length
  const extra = held.loadBalancers.length + held.autoScalingGroups.length + held.distributions.length + held.tables.length
  process.stdout.write(`${JSON.stringify({ ready: true, env: sandbox.env, resources, extra, accounts: held.organization.accounts.length, firstAccounts: [...new Set(held.instances.map((i) => i.accountId))], asOf: held.asOf })}\n`)
  const cpu0 = process.cpuUsage()
  const lines = createInterface({ input: process.stdin })
  let counted = 0
  lines.on("line", (line) => {
    if (line.trim() !== "stats") return
    const cpu = process.cpuUsage(cpu0)
    const requests = sandbox.log.requests()
    const seq = requests.at(-1)?.seq ?? 0
    // The requests since the last stats line, by operation, on stderr (the bench's own output is stdout's JSON lines).
    const byOperation = new Map<string, number>()
    for (const r of requests) if (r.seq > counted) byOperation.set(`${r.service}.${r.operation}`, (byOperation.get(`${r.service}.${r.operation}`) ?? 0) + 1)
    if (byOperation.size > 0) {
      const listed = [...byOperation].sort(([, a], [, b]) => b - a).map(([operation, n]) => `${operation} ${n}`)
      process.stderr.write(`sandbox: ${seq - counted} requests since the last stats: ${listed.join(", ")}\n`)
    }
    counted = seq
    process.stdout.write(`${JSON.stringify({ seq, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`)
  })
  lines.on("close", () => {
    void Effect.runPromise(Scope.close(scope, Exit.void)).then(() => process.exit(0))
  })
}

// A bench tool's edge: a failure to start is printed for the parent and ends the process.
main().catch((error: unknown) => {
  process.stdout.write(`${JSON.stringify({ ready: false, error: String(error) })}\n`)
  process.exit(1)
})
