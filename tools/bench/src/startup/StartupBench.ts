/**
 * Startup time of the `miyabi` CLI against a bare `node -e 0`, hyperfine
 * style: a few warm-up runs, then N timed runs of each command, alternating
 * so that machine noise hits both alike. Prints mean and median of each and
 * the ratios (goal: `miyabi --help` within 3x of `node -e 0`).
 *
 * Usage: bench:startup [runs] (the CLI must be built: nx run @miyabi/cli:build).
 */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { summarize, type Summary } from "./Samples.js"

const cli = fileURLToPath(new URL("../../../../apps/cli/dist/main.js", import.meta.url))

interface Case {
  readonly name: string
  readonly args: ReadonlyArray<string>
}

const cases: ReadonlyArray<Case> = [
  { name: "node -e 0", args: ["-e", "0"] },
  { name: "miyabi --help", args: [cli, "--help"] },
  { name: "miyabi --version", args: [cli, "--version"] }
]

const timeOnce = (args: ReadonlyArray<string>): number => {
  const start = process.hrtime.bigint()
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, NO_COLOR: "1" } })
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}: ${result.stderr.toString()}`)
  return elapsed
}

const format = (ms: number): string => `${ms.toFixed(1)} ms`

const main = (): void => {
  if (!existsSync(cli)) {
    process.stderr.write(`bench:startup: ${cli} is missing; build the CLI first (npx nx run @miyabi/cli:build)\n`)
    process.exitCode = 1
    return
  }
  const runs = Math.max(3, Math.min(200, Number(process.argv[2] ?? "20") || 20))
  for (const c of cases) for (let i = 0; i < 3; i++) timeOnce(c.args)
  const samples = new Map<string, Array<number>>(cases.map((c) => [c.name, []]))
  for (let i = 0; i < runs; i++) for (const c of cases) samples.get(c.name)!.push(timeOnce(c.args))
  const summaries = new Map<string, Summary>(cases.map((c) => [c.name, summarize(samples.get(c.name)!)]))
  const baseline = summaries.get("node -e 0")!
  process.stdout.write(`startup, ${runs} runs each (node ${process.version}, ${process.platform}/${process.arch})\n\n`)
  process.stdout.write(`${"command".padEnd(18)}${"mean".padStart(11)}${"median".padStart(11)}${"min".padStart(11)}${"max".padStart(11)}${"x node (median)".padStart(17)}\n`)
  for (const [name, s] of summaries) {
    const ratio = s.medianMs / baseline.medianMs
    process.stdout.write(
      `${name.padEnd(18)}${format(s.meanMs).padStart(11)}${format(s.medianMs).padStart(11)}${format(s.minMs).padStart(11)}${format(s.maxMs).padStart(11)}${`${ratio.toFixed(2)}x`.padStart(17)}\n`
    )
  }
  const help = summaries.get("miyabi --help")!
  const ratio = help.medianMs / baseline.medianMs
  process.stdout.write(
    `\nmiyabi --help / node -e 0: ${ratio.toFixed(2)}x by median, ${(help.meanMs / baseline.meanMs).toFixed(2)}x by mean (goal: at most 3x) ${ratio <= 3 ? "OK" : "OVER GOAL"}\n`
  )
}

main()
