/**
 * The built CLI (dist/main.js) as a child process, for the command tests:
 * run to the end, or start a foreground command and read its first output.
 * Every child is bounded by a timeout and killed by `stopAll`.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process"
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import * as os from "node:os"
import * as path from "node:path"
import { type RunningSandbox, type SandboxEstate, sandboxEstate, startSandbox } from "@miyabi/sandbox"
import { afterAll, beforeAll } from "vitest"

export const main = fileURLToPath(new URL("../../../../dist/main.js", import.meta.url))

export const assertBuilt = (): void => {
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build the CLI first (npx nx run @miyabi/cli:build)`)
}

const baseEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({
  ...process.env,
  NO_COLOR: "1",
  MIYABI_DEBUG: "",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  ...env
})

export interface Ran {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export const miyabi = (args: ReadonlyArray<string>, env: Record<string, string> = {}, timeout = 60_000): Ran => {
  const result = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", timeout, env: baseEnv(env) })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

/** The same, without blocking the test's event loop (needed while the test itself serves something, e.g. a sandbox). */
export const miyabiAsync = (args: ReadonlyArray<string>, env: Record<string, string> = {}, timeout = 60_000): Promise<Ran> =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, [main, ...args], { env: baseEnv(env), timeout, killSignal: "SIGKILL" })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.once("close", (code) => resolve({ code, stdout, stderr }))
  })

export interface Foreground {
  readonly child: ChildProcessWithoutNullStreams
  /** stdout once it contains `marker` (rejects if the process exits first or after `ms`). */
  readonly ready: Promise<string>
  readonly exited: Promise<number | null>
  readonly stderr: () => string
}

const running: Array<ChildProcessWithoutNullStreams> = []

export const startForeground = (args: ReadonlyArray<string>, marker: string, env: Record<string, string> = {}, ms = 30_000): Foreground => {
  const child = spawn(process.execPath, [main, ...args], { env: baseEnv(env) })
  running.push(child)
  let stdout = ""
  let stderr = ""
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)))
  const ready = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${marker}" within ${ms} ms; stderr: ${stderr}`)), ms)
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.includes(marker)) {
        clearTimeout(timer)
        resolve(stdout)
      }
    })
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`exited with ${String(code)} before "${marker}"; stderr: ${stderr}`))
    })
  })
  return { child, ready, exited, stderr: () => stderr }
}

/** Kills what is still running (afterEach). */
export const stopAll = (): void => {
  for (const child of running.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL")
}

/** The AWS_* variables that point a child `miyabi` at a sandbox started by the test, with few retries. */
export const sandboxChildEnv = (s: RunningSandbox): Record<string, string> => ({
  AWS_ENDPOINT_URL: s.env["AWS_ENDPOINT_URL"] ?? s.endpoint,
  AWS_ACCESS_KEY_ID: s.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s.credentials.secretAccessKey,
  AWS_REGION: s.region,
  AWS_SESSION_TOKEN: "",
  AWS_PROFILE: "",
  MIYABI_AWS_MAX_ATTEMPTS: "2"
})

/**
 * A test file's sandbox with a tiny seeded estate (as of the current hour)
 * and a temporary folder, started before its tests and removed after them;
 * for built-CLI tests that talk to AWS.
 */
export const estateSandboxForCli = (prefix: string) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  let sandbox: RunningSandbox<SandboxEstate> | undefined
  beforeAll(async () => {
    assertBuilt()
    sandbox = await startSandbox({ host: "127.0.0.1", port: 0, dynamodb: false, estate: sandboxEstate({ seed: 7, size: "tiny", asOf: Math.floor(Date.now() / 3_600_000) * 3_600_000 }) })
  })
  afterAll(async () => {
    await sandbox?.stop()
    fs.rmSync(tmp, { recursive: true, force: true })
  })
  const running = (): RunningSandbox<SandboxEstate> => {
    if (sandbox === undefined) throw new Error("the sandbox starts in beforeAll")
    return sandbox
  }
  return { file: (name: string) => path.join(tmp, name), sandbox: running, env: () => sandboxChildEnv(running()) }
}
