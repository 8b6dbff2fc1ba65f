/**
 * The built worker (`dist/main.js`) as a child process for tests: spawned
 * asynchronously on loopback HTTP (port 0), with its stderr collected and
 * its exit awaited.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { fileURLToPath } from "node:url"

export const builtWorkerMain = fileURLToPath(new URL("../dist/main.js", import.meta.url))

export interface BuiltWorker {
  readonly process: ChildProcess
  /** Everything it wrote on stderr so far. */
  readonly stderr: () => string
  /** Its exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>
}

/** Starts the built worker with `env` over this process's environment. */
export const startBuiltWorker = (env: Readonly<Record<string, string>>): BuiltWorker => {
  const child = spawn(process.execPath, [builtWorkerMain], {
    env: { ...process.env, MIYABI_HTTP_HOST: "127.0.0.1", MIYABI_HTTP_PORT: "0", ...env },
    stdio: ["ignore", "ignore", "pipe"]
  })
  let stderr = ""
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  return { process: child, stderr: () => stderr, exited }
}
