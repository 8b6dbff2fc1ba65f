/**
 * The two measured phases of the CUR benchmark, each meant to run in its own
 * process so that its peak RSS is its own:
 * - floor: a plain DuckDB GROUP BY (account, customer tag, service, day) over
 *   the file, all result rows read back: the least any reader can do.
 * - allocation: what `miyabi cost report --source cur` does: CurSource.read
 *   (the same one-pass aggregation plus skipped-row accounting), the
 *   allocation engine and the report totals.
 */
import { CurFiles, CurFixtures, DuckDb, Report } from "@miyabi/cost"
import { AllocationPolicy } from "@miyabi/types"
import { Effect, Either, Schema } from "effect"

export interface PhaseResult {
  readonly phase: string
  readonly wallMs: number
  /** RSS when the phase started (runtime and modules loaded), MiB. */
  readonly startRssMiB: number
  /** Peak RSS of the process, MiB (resourceUsage().maxRSS). */
  readonly peakRssMiB: number
  readonly groups: number
  readonly totalMicros: number
}

export const DUCKDB_CONFIG = { threads: "2" } as const

const floorSql = (file: string) => `
SELECT line_item_usage_account_id, resource_tags['user_cost_center'] AS customer, line_item_product_code,
       CAST(line_item_usage_start_date AS DATE) AS day,
       CAST(ROUND(SUM(CAST(line_item_unblended_cost AS DECIMAL(38, 9))) * 1000000, 0) AS BIGINT) AS micros
FROM read_parquet('${file.replace(/'/g, "''")}')
GROUP BY ALL`

export const floor = (file: string) =>
  Effect.gen(function* () {
    const db = yield* DuckDb.DuckDb
    const { rows } = yield* db.query(floorSql(file))
    return { groups: rows.length, totalMicros: rows.reduce((s, r) => s + Number(r[4] ?? 0), 0) }
  }).pipe(Effect.scoped, Effect.provide(DuckDb.layer({ config: DUCKDB_CONFIG })))

export const allocation = (file: string) =>
  Effect.gen(function* () {
    const cur = yield* CurFiles.CurSource
    const read = yield* cur.read({ path: file })
    const policy = Schema.decodeUnknownSync(AllocationPolicy)(CurFixtures.FIXTURE_POLICY)
    const report = Either.getOrThrow(Report.buildReport({ lines: read.lines, policy, source: file, ingest: read.ingest }))
    const allocated = report.allocation.customers.reduce((s, c) => s + c.total, 0) + report.allocation.unallocated
    if (allocated !== read.ingest.costRead) throw new Error(`allocated ${allocated} != read ${read.ingest.costRead}`)
    return { groups: read.lines.length, totalMicros: allocated }
  }).pipe(Effect.provide(CurFiles.layerWithDuckDb({ config: DUCKDB_CONFIG })))

const mib = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10

/** Runs one phase in this process and measures it. */
export const measure = async (phase: "floor" | "allocation", file: string): Promise<PhaseResult> => {
  const startRss = process.memoryUsage().rss
  const start = process.hrtime.bigint()
  const result = await Effect.runPromise(phase === "floor" ? floor(file) : allocation(file))
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6
  return {
    phase,
    wallMs: Math.round(wallMs),
    startRssMiB: mib(startRss),
    // maxRSS is in kilobytes.
    peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    ...result
  }
}
