/**
 * Startup time of the `miyabi` CLI against a bare `node -e 0`, hyperfine
 * style: a few warm-up runs, then N timed runs of each command, alternating
 * so that machine noise hits all alike. Prints mean and median of each and
 * the ratios (goal: `miyabi --help` within 3x of `node -e 0`).
 *
 * The root `--help`, `-h` and `--version` are answered from the startup
 * snapshot the build records from the real command tree (apps/cli
 * src/startup/StartupSnapshot.ts). The bench first checks that the snapshot
 * prints the same bytes as the real CLI, then times both: the rows marked
 * "real CLI" run with MIYABI_STARTUP_SNAPSHOT=off, i.e. load Effect,
 * @effect/cli and the command tree and render, as every other command does.
 *
 * Each run also reports its own CPU time (user + system, through a preloaded
 * exit hook given to every command alike, the baseline included): on a busy
 * machine wall-clock ratios drift with the load, CPU-time ratios much less.
 *
 * Usage: bench:startup [runs] (the CLI must be built: nx run @miyabi/cli:build).
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { summarize, type Summary } from "./Samples.js"

const cli = fileURLToPath(new URL("../../../../apps/cli/dist/main.js", import.meta.url))
const snapshotFile = path.join(path.dirname(cli), "startup-snapshot.json")

interface Case {
  readonly name: string
  readonly args: ReadonlyArray<string>
  readonly env?: Readonly<Record<string, string>>
}

const real = { MIYABI_STARTUP_SNAPSHOT: "off" }

const cases: ReadonlyArray<Case> = [
  { name: "node -e 0", args: ["-e", "0"] },
  { name: "miyabi --help", args: [cli, "--help"] },
  { name: "miyabi --version", args: [cli, "--version"] },
  { name: "miyabi --help (real CLI)", args: [cli, "--help"], env: real },
  { name: "miyabi --version (real CLI)", args: [cli, "--version"], env: real },
  { name: "miyabi tasks --help", args: [cli, "tasks", "--help"] }
]

const work = mkdtempSync(path.join(os.tmpdir(), "miyabi-bench-startup-"))
const cpuFile = path.join(work, "cpu")
const cpuHook = path.join(work, "cpu-hook.cjs")
writeFileSync(
  cpuHook,
  `process.on("exit", () => { const u = process.cpuUsage(); require("node:fs").writeFileSync(${JSON.stringify(cpuFile)}, String((u.user + u.system) / 1000)) })\n`
)

const runOnce = (c: Case, stdout: "ignore" | "pipe", preload: ReadonlyArray<string> = []) =>
  spawnSync(process.execPath, [...preload, ...c.args], { stdio: ["ignore", stdout, "pipe"], env: { ...process.env, NO_COLOR: "1", ...c.env } })

/** Wall-clock and CPU milliseconds of one run. */
const timeOnce = (c: Case): { readonly wall: number; readonly cpu: number } => {
  rmSync(cpuFile, { force: true })
  const start = process.hrtime.bigint()
  const result = runOnce(c, "ignore", ["--require", cpuHook])
  const wall = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`${c.args.join(" ")} exited ${result.status}: ${result.stderr.toString()}`)
  return { wall, cpu: Number(readFileSync(cpuFile, "utf8")) }
}

const format = (ms: number): string => `${ms.toFixed(1)} ms`

/** The snapshot must print what the real CLI prints, or its timing means nothing. */
const checkSameOutput = (args: ReadonlyArray<string>): boolean => {
  const fast = runOnce({ name: "", args: [cli, ...args] }, "pipe")
  const slow = runOnce({ name: "", args: [cli, ...args], env: real }, "pipe")
  return fast.status === slow.status && fast.stdout.equals(slow.stdout) && fast.stderr.equals(slow.stderr)
}

const describeSnapshot = (): string => {
  if (!existsSync(snapshotFile)) return "startup snapshot: none (every run loads the real CLI)\n"
  const { files } = JSON.parse(readFileSync(snapshotFile, "utf8")) as { files: ReadonlyArray<string> }
  const sizes = files.map((file) => [file, statSync(path.join(path.dirname(cli), file)).size] as const)
  const total = sizes.reduce((sum, [, size]) => sum + size, 0)
  return (
    `startup snapshot keyed on ${files.length} files, ${(total / 1024).toFixed(0)} KiB (what the real CLI loads before rendering help):\n` +
    sizes.map(([file, size]) => `  ${file.padEnd(28)}${`${(size / 1024).toFixed(1)} KiB`.padStart(12)}\n`).join("")
  )
}

const main = (): void => {
  if (!existsSync(cli)) {
    process.stderr.write(`bench:startup: ${cli} is missing; build the CLI first (npx nx run @miyabi/cli:build)\n`)
    process.exitCode = 1
    return
  }
  for (const args of [["--help"], ["-h"], ["--version"]]) {
    if (!checkSameOutput(args)) {
      process.stderr.write(`bench:startup: \`miyabi ${args.join(" ")}\` prints differently with and without the startup snapshot\n`)
      process.exitCode = 1
      return
    }
  }
  const runs = Math.max(3, Math.min(200, Number(process.argv[2] ?? "20") || 20))
  for (const c of cases) for (let i = 0; i < 3; i++) timeOnce(c)
  const wall = new Map<string, Array<number>>(cases.map((c) => [c.name, []]))
  const cpu = new Map<string, Array<number>>(cases.map((c) => [c.name, []]))
  for (let i = 0; i < runs; i++) {
    for (const c of cases) {
      const t = timeOnce(c)
      wall.get(c.name)!.push(t.wall)
      cpu.get(c.name)!.push(t.cpu)
    }
  }
  rmSync(work, { recursive: true, force: true })
  const summaries = new Map<string, Summary>(cases.map((c) => [c.name, summarize(wall.get(c.name)!)]))
  const cpuSummaries = new Map<string, Summary>(cases.map((c) => [c.name, summarize(cpu.get(c.name)!)]))
  const baseline = summaries.get("node -e 0")!
  const cpuBaseline = cpuSummaries.get("node -e 0")!
  process.stdout.write(`startup, ${runs} runs each (node ${process.version}, ${process.platform}/${process.arch})\n\n`)
  process.stdout.write(describeSnapshot())
  process.stdout.write("output with the snapshot == output of the real CLI: --help, -h, --version\n\n")
  process.stdout.write(
    `${"command".padEnd(30)}${"mean".padStart(11)}${"median".padStart(11)}${"min".padStart(11)}${"max".padStart(11)}${"x node (median)".padStart(17)}${"cpu (median)".padStart(14)}${"x node (cpu)".padStart(14)}\n`
  )
  for (const [name, s] of summaries) {
    const ratio = s.medianMs / baseline.medianMs
    const c = cpuSummaries.get(name)!
    process.stdout.write(
      `${name.padEnd(30)}${format(s.meanMs).padStart(11)}${format(s.medianMs).padStart(11)}${format(s.minMs).padStart(11)}${format(s.maxMs).padStart(11)}${`${ratio.toFixed(2)}x`.padStart(17)}` +
        `${format(c.medianMs).padStart(14)}${`${(c.medianMs / cpuBaseline.medianMs).toFixed(2)}x`.padStart(14)}\n`
    )
  }
  process.stdout.write("\n")
  for (const name of ["miyabi --help", "miyabi --version"]) {
    const s = summaries.get(name)!
    const ratio = s.medianMs / baseline.medianMs
    process.stdout.write(
      `${name} / node -e 0: ${ratio.toFixed(2)}x by median, ${(s.meanMs / baseline.meanMs).toFixed(2)}x by mean, ` +
        `${(cpuSummaries.get(name)!.medianMs / cpuBaseline.medianMs).toFixed(2)}x by CPU time (goal: at most 3x by median) ${ratio <= 3 ? "OK" : "OVER GOAL"}\n`
    )
  }
}

main()
