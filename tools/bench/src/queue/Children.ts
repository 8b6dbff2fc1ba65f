/**
 * Worker processes of the benchmark. A child prints "ready" once connected,
 * starts working on "go", and on "stop" finishes, prints one JSON line
 * ({ done, lastAt, cpuMs }) and exits. Node 20 runs the TypeScript through tsx.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"

export interface ChildReport {
  readonly done: number
  /** Epoch ms of the child's last completion. */
  readonly lastAt: number
  /** CPU time (user + system) the child spent from "go" to "stop". */
  readonly cpuMs: number
}

export interface BenchChild {
  readonly process: ChildProcess
  readonly ready: Promise<void>
  readonly report: Promise<ChildReport>
  readonly send: (line: string) => void
  readonly kill: () => void
}

const withTimeout = <A>(promise: Promise<A>, ms: number, what: string): Promise<A> =>
  new Promise<A>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms)
    promise.then(
      (value) => (clearTimeout(timer), resolve(value)),
      (error: unknown) => (clearTimeout(timer), reject(error instanceof Error ? error : new Error(String(error))))
    )
  })

export const startChild = (script: string, args: ReadonlyArray<string>, timeoutMs: number): BenchChild => {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url))
  const child = spawn(process.execPath, ["--conditions=@miyabi/source", "--import", "tsx", path, ...args], {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, NODE_NO_WARNINGS: "1" }
  })
  const lines = createInterface({ input: child.stdout })
  const exited = new Promise<never>((_, reject) =>
    child.on("exit", (code, signal) => reject(new Error(`${script} ${args.join(" ")} exited early (${code ?? signal})`)))
  )
  const ready = new Promise<void>((resolve) => lines.on("line", (line) => line === "ready" && resolve()))
  const report = new Promise<ChildReport>((resolve) =>
    lines.on("line", (line) => {
      if (line.startsWith("{")) resolve(JSON.parse(line) as ChildReport)
    })
  )
  // A child that dies before answering fails the wait instead of hanging it.
  return {
    process: child,
    ready: withTimeout(Promise.race([ready, exited]), timeoutMs, `${script} start`),
    report: withTimeout(Promise.race([report, exited]), timeoutMs, `${script} report`),
    send: (line) => void child.stdin.write(`${line}\n`),
    kill: () => void (child.exitCode === null && child.signalCode === null && child.kill("SIGKILL"))
  }
}
