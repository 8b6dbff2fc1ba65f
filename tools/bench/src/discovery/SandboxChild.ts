/**
 * The bench's side of SandboxProcess: spawns it (asynchronously, in the
 * current scope; the process is ended when the scope closes), waits for it to
 * serve, and asks it for its request count and CPU time.
 */
import { Effect, Scope } from "effect"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import { createInterface } from "node:readline"
import type { SandboxProcessOptions } from "./SandboxProcess.js"

export interface SandboxReady {
  readonly env: Readonly<Record<string, string>>
  readonly resources: number
  readonly extra: number
  readonly accounts: number
  /** Accounts holding instances, in estate order: a sample that looks like the whole walk. */
  readonly firstAccounts: ReadonlyArray<string>
  readonly asOf: number
}

export interface SandboxStats {
  /** Sequence number of the last request the sandbox answered. */
  readonly seq: number
  /** CPU seconds the sandbox process has used since it was ready. */
  readonly cpuSeconds: number
}

export interface SandboxChild {
  readonly ready: SandboxReady
  readonly stats: Effect.Effect<SandboxStats>
}

const SCRIPT = fileURLToPath(new URL("./SandboxProcess.ts", import.meta.url))

/** BENCH_SANDBOX_CPU_PROFILE=<dir>: the sandbox process writes a V8 CPU profile there (the bench's own: `node --cpu-prof`). */
const profileDir = process.env["BENCH_SANDBOX_CPU_PROFILE"]
const profileFlags = profileDir === undefined || profileDir === "" ? [] : ["--cpu-prof", `--cpu-prof-dir=${profileDir}`]

export const startSandboxChild = (options: SandboxProcessOptions): Effect.Effect<SandboxChild, Error, Scope.Scope> =>
  Effect.gen(function* () {
    const child = yield* Effect.acquireRelease(
      Effect.sync(() =>
        spawn(process.execPath, [...profileFlags, "--conditions=@miyabi/source", "--import", "tsx", SCRIPT, JSON.stringify(options)], {
          stdio: ["pipe", "pipe", "inherit"],
          env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }
        })
      ),
      (proc) =>
        Effect.async<void>((resume) => {
          if (proc.exitCode !== null) return resume(Effect.void)
          const kill = setTimeout(() => proc.kill("SIGKILL"), 5_000)
          proc.once("exit", () => {
            clearTimeout(kill)
            resume(Effect.void)
          })
          proc.stdin.end()
        })
    )
    // Lines from the child: the first says it is ready, each later one answers a `stats`.
    const waiting: Array<(line: string) => void> = []
    const lines = createInterface({ input: child.stdout })
    lines.on("line", (line) => waiting.shift()?.(line))
    const nextLine = Effect.async<string, Error>((resume) => {
      const onExit = (code: number | null) => resume(Effect.fail(new Error(`sandbox process exited (${String(code)})`)))
      child.once("exit", onExit)
      waiting.push((line) => {
        child.off("exit", onExit)
        resume(Effect.succeed(line))
      })
    })
    const first = JSON.parse(yield* nextLine) as { readonly ready: boolean; readonly error?: string } & SandboxReady
    if (!first.ready) return yield* Effect.fail(new Error(`sandbox process failed: ${first.error ?? "unknown"}`))
    const stats = Effect.suspend(() => {
      child.stdin.write("stats\n")
      return nextLine
    }).pipe(
      Effect.map((line) => JSON.parse(line) as SandboxStats),
      Effect.orDie
    )
    return { ready: first, stats }
  })
