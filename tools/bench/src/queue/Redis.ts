/**
 * A throw-away redis-server on loopback for the BullMQ baseline: installed
 * from apt when missing (without letting the package start its own service),
 * started on a free port with its files in a temporary directory, and
 * stopped at the end.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process"
import { existsSync, rmSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"

const which = (command: string): string | undefined => {
  const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" })
  return found.status === 0 ? found.stdout.trim() : undefined
}

const run = (command: string, args: ReadonlyArray<string>) => {
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, timeout: 600_000 })
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status ?? result.signal})`)
}

/** The path of redis-server, installing it with apt-get when it is missing. */
export const ensureRedisServer = (): string => {
  const present = which("redis-server")
  if (present !== undefined) return present
  process.stdout.write("redis-server is missing: installing it with apt-get (the package's own service is not started)\n")
  // policy-rc.d answering 101 stops Debian's maintainer scripts from starting a system-wide redis.
  const policy = "/usr/sbin/policy-rc.d"
  const ownPolicy = !existsSync(policy)
  if (ownPolicy) writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 })
  try {
    run("apt-get", ["update"])
    run("apt-get", ["install", "-y", "--no-install-recommends", "redis-server"])
  } finally {
    if (ownPolicy) rmSync(policy, { force: true })
  }
  const installed = which("redis-server")
  if (installed === undefined) throw new Error("redis-server is still missing after apt-get install")
  return installed
}

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      const port = typeof address === "object" && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })

export interface RedisServer {
  readonly port: number
  readonly stop: () => Promise<void>
}

/**
 * Starts redis-server on 127.0.0.1 with an append-only file fsynced every
 * second, about as durable as SQLite's WAL with synchronous=NORMAL.
 */
export const startRedis = async (binary: string, dir: string): Promise<RedisServer> => {
  const port = await freePort()
  const child: ChildProcess = spawn(
    binary,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "everysec", "--dir", dir, "--daemonize", "no"],
    { stdio: ["ignore", "pipe", "pipe"] }
  )
  let output = ""
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within 20 s:\n${output}`)), 20_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout?.on("data", onData)
    child.stderr?.on("data", onData)
    child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`redis-server exited (${code}):\n${output}`))))
  })
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve()
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000)
      child.once("exit", () => (clearTimeout(force), resolve()))
      child.kill("SIGTERM")
    })
  return { port, stop }
}
