/**
 * CUR benchmark: generates N line items (10 million by default) as CUR 2.0
 * Parquet in a temp dir with DuckDB, then runs, each in a fresh process and
 * alternating for `runs` rounds, the floor (a plain DuckDB GROUP BY over the
 * file) and the allocation from the file. Prints wall time and peak RSS of
 * each and the ratio allocation / floor (goal: <= 1.5x, peak RSS <= 1 GB).
 * Not run in CI.
 *
 * Usage: npm run -w @miyabi/bench bench:cur -- [rows] [runs]
 */
import { spawnSync } from "node:child_process"
import { mkdtemp, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { CurFixtures, DuckDb } from "@miyabi/cost"
import { Effect } from "effect"
import { DUCKDB_CONFIG, measure, type PhaseResult } from "./CurPhases.js"

const script = fileURLToPath(import.meta.url)
const config = fileURLToPath(new URL("../../vitest.config.ts", import.meta.url))

const runChild = (phase: "floor" | "allocation", file: string): PhaseResult => {
  const child = spawnSync(process.execPath, [process.argv[1] as string, "-c", config, script, "child", phase, file], {
    encoding: "utf8",
    maxBuffer: 16 * 1024 * 1024,
    timeout: 15 * 60 * 1000
  })
  const line = child.stdout.split("\n").find((l) => l.startsWith("RESULT "))
  if (child.status !== 0 || line === undefined) throw new Error(`${phase} failed (${child.status}): ${child.stderr.slice(-2000)}`)
  return JSON.parse(line.slice("RESULT ".length)) as PhaseResult
}

const median = (values: ReadonlyArray<number>) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}

const main = async () => {
  const rows = Number(process.argv[2] ?? 10_000_000)
  const runs = Number(process.argv[3] ?? 3)
  const dir = await mkdtemp(join(tmpdir(), "miyabi-bench-cur-"))
  try {
    const generateStart = process.hrtime.bigint()
    const fixture = await Effect.runPromise(
      CurFixtures.writeFixture({ dir, rows, formats: ["cur2-parquet"] }).pipe(Effect.provide(DuckDb.layer({ config: DUCKDB_CONFIG })))
    )
    const file = fixture.files["cur2-parquet"] as string
    const size = (await stat(file)).size
    console.log(`generated ${rows.toLocaleString("en-US")} line items (${(size / 1024 / 1024).toFixed(1)} MiB Parquet) in ${(Number(process.hrtime.bigint() - generateStart) / 1e9).toFixed(1)} s`)
    const results: Array<PhaseResult> = []
    for (let run = 0; run < runs; run++) {
      results.push(runChild("floor", file), runChild("allocation", file))
    }
    for (const r of results) {
      if (r.phase === "allocation" && r.totalMicros !== fixture.totalMicros) throw new Error(`allocation total ${r.totalMicros} != generated ${fixture.totalMicros}`)
    }
    console.table(results)
    const of = (phase: string) => results.filter((r) => r.phase === phase)
    const floorMs = median(of("floor").map((r) => r.wallMs))
    const allocMs = median(of("allocation").map((r) => r.wallMs))
    const allocPeak = Math.max(...of("allocation").map((r) => r.peakRssMiB))
    console.log(`floor (DuckDB GROUP BY): median ${floorMs} ms, peak RSS ${Math.max(...of("floor").map((r) => r.peakRssMiB))} MiB`)
    console.log(`allocation from file:    median ${allocMs} ms, peak RSS ${allocPeak} MiB, ${of("allocation")[0]?.groups} cost lines`)
    console.log(`ratio allocation / floor: ${(allocMs / floorMs).toFixed(2)}x (goal <= 1.5x); peak RSS ${allocPeak <= 1024 ? "within" : "OVER"} 1 GiB`)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

if (process.argv[2] === "child") {
  const phase = process.argv[3] as "floor" | "allocation"
  const file = process.argv[4] as string
  measure(phase, file).then(
    (result) => console.log(`RESULT ${JSON.stringify(result)}`),
    (error: unknown) => {
      console.error(error)
      process.exit(1)
    }
  )
} else {
  main().catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
