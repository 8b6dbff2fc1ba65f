/**
 * A CUR fixture generator for tests, demos and benchmarks: one logical month
 * of line items (several accounts, tagged and shared lines, a few credits),
 * generated in DuckDB (no JavaScript loop, so ten million rows are fine) and
 * written with COPY as legacy CUR CSV.gz, CUR 2.0 Parquet (tags as a map or
 * as columns) and FOCUS Parquet or CSV. Every format holds the same costs, so
 * reading any of them must give the same cost lines.
 */
import { join } from "node:path"
import { Effect } from "effect"
import { quoteString } from "../CurColumns.js"
import { DuckDb } from "../adapters/DuckDb.js"

export type FixtureFormat = "legacy-csv-gz" | "cur2-parquet" | "cur2-parquet-columns" | "focus-parquet" | "focus-csv"

export const FIXTURE_FILE: Readonly<Record<FixtureFormat, string>> = {
  "legacy-csv-gz": "legacy-cur.csv.gz",
  "cur2-parquet": "cur2.parquet",
  "cur2-parquet-columns": "cur2-columns.parquet",
  "focus-parquet": "focus.parquet",
  "focus-csv": "focus.csv"
}

/** The fixture's estate: which account is what (an AllocationPolicy input). */
export const FIXTURE_POLICY = {
  customerTag: "CostCenter",
  accounts: [
    { account: "100000000001", kind: "silo", customers: ["acme"] },
    { account: "100000000002", kind: "silo", customers: ["globex"] },
    { account: "200000000001", kind: "pool", customers: ["hooli", "initech", "umbrella"], key: { _tag: "tagged-share" } },
    { account: "300000000001", kind: "bridge", customers: ["acme", "initech"], key: { _tag: "even" } },
    { account: "400000000001", kind: "shared-platform", customers: [] }
    // 900000000001 is deliberately undeclared: its untagged cost is unallocated.
  ]
} as const

export interface FixtureOptions {
  readonly dir: string
  readonly rows: number
  readonly month?: string
  readonly days?: number
  readonly formats: ReadonlyArray<FixtureFormat>
  /** FOCUS only: extra rows from another provider (Microsoft), to be filtered out. */
  readonly foreignRows?: number
}

export interface Fixture {
  readonly files: Partial<Record<FixtureFormat, string>>
  /** Sum of all AWS line items in micro-dollars, computed from the logical table. */
  readonly totalMicros: number
  readonly rows: number
}

const logicalTable = (rows: number, month: string, days: number) => `
CREATE OR REPLACE TEMP TABLE cur_fixture AS
WITH base AS (SELECT i, (i * 2654435761) % 4294967296 AS h FROM range(${rows}) t(i))
SELECT
  i,
  DATE ${quoteString(`${month}-01`)} + CAST(h % ${days} AS INTEGER) AS d,
  (['100000000001', '100000000002', '200000000001', '300000000001', '400000000001', '900000000001'])[1 + CAST(i % 6 AS INTEGER)] AS account,
  (['AmazonEC2', 'AmazonS3', 'AmazonRDS', 'AWSLambda', 'AmazonECS', 'AmazonCloudWatch'])[1 + CAST((h // 7) % 6 AS INTEGER)] AS service,
  CASE i % 6
    WHEN 0 THEN CASE WHEN h % 5 = 0 THEN NULL ELSE 'acme' END
    WHEN 1 THEN 'globex'
    WHEN 2 THEN CASE WHEN h % 10 < 4 THEN NULL ELSE (['hooli', 'initech', 'umbrella'])[1 + CAST((h // 11) % 3 AS INTEGER)] END
    WHEN 3 THEN CASE WHEN h % 2 = 0 THEN NULL ELSE (['acme', 'initech'])[1 + CAST((h // 13) % 2 AS INTEGER)] END
    WHEN 4 THEN NULL
    ELSE CASE WHEN h % 4 = 0 THEN 'acme' END
  END AS customer,
  CAST(((h // 17) % 5000000) * CASE WHEN h % 97 = 0 THEN -1 ELSE 1 END AS BIGINT) AS micros
FROM base`

const lineType = "CASE WHEN micros < 0 THEN 'Credit' ELSE 'Usage' END"
const dollarsText = "CAST(CAST(micros AS DECIMAL(18, 0)) / 1000000 AS DECIMAL(18, 6))::VARCHAR"
const dollars = "CAST(micros AS DOUBLE) / 1000000"

const copy = (format: FixtureFormat, path: string, foreignRows: number): string => {
  const to = quoteString(path)
  switch (format) {
    case "legacy-csv-gz":
      return `COPY (SELECT
        strftime(d, '%Y-%m-%dT00:00:00Z') AS "lineItem/UsageStartDate",
        account AS "lineItem/UsageAccountId",
        service AS "lineItem/ProductCode",
        ${lineType} AS "lineItem/LineItemType",
        ${dollarsText} AS "lineItem/UnblendedCost",
        COALESCE(customer, '') AS "resourceTags/user:CostCenter",
        CASE WHEN i % 3 = 0 THEN 'platform' ELSE '' END AS "resourceTags/user:Team"
      FROM cur_fixture ORDER BY i) TO ${to} (HEADER, COMPRESSION gzip)`
    case "cur2-parquet":
      return `COPY (SELECT
        CAST(d AS TIMESTAMP) AS line_item_usage_start_date,
        account AS line_item_usage_account_id,
        service AS line_item_product_code,
        ${lineType} AS line_item_line_item_type,
        ${dollars} AS line_item_unblended_cost,
        CASE WHEN customer IS NULL THEN MAP(['user_team'], ['platform']) ELSE MAP(['user_cost_center', 'user_team'], [customer, 'platform']) END AS resource_tags
      FROM cur_fixture ORDER BY i) TO ${to} (FORMAT parquet)`
    case "cur2-parquet-columns":
      return `COPY (SELECT
        CAST(d AS TIMESTAMP) AS line_item_usage_start_date,
        account AS line_item_usage_account_id,
        service AS line_item_product_code,
        ${lineType} AS line_item_line_item_type,
        ${dollars} AS line_item_unblended_cost,
        customer AS resource_tags_user_cost_center
      FROM cur_fixture ORDER BY i) TO ${to} (FORMAT parquet)`
    case "focus-parquet":
    case "focus-csv": {
      const aws = `SELECT
        CAST(d AS TIMESTAMP) AS ChargePeriodStart,
        account AS SubAccountId,
        service AS ServiceName,
        'AWS' AS ProviderName,
        ${format === "focus-csv" ? dollarsText : dollars} AS BilledCost,
        ${format === "focus-csv" ? dollarsText : dollars} AS EffectiveCost,
        CASE WHEN customer IS NULL THEN NULL ELSE json_object('CostCenter', customer, 'env', 'prod')::VARCHAR END AS Tags,
        i
      FROM cur_fixture`
      const foreign = `SELECT
        CAST(DATE '2000-01-01' AS TIMESTAMP), '/subscriptions/0000', 'Virtual Machines', 'Microsoft',
        ${format === "focus-csv" ? "'1.000000'" : "1.0"}, ${format === "focus-csv" ? "'1.000000'" : "1.0"}, NULL, ${Number.MAX_SAFE_INTEGER} - i
      FROM range(${foreignRows}) t(i)`
      return `COPY (SELECT * EXCLUDE (i) FROM (${aws} UNION ALL ${foreign}) ORDER BY i) TO ${to} (${format === "focus-csv" ? "HEADER" : "FORMAT parquet"})`
    }
  }
}

/** Writes the fixture in `formats` under `dir`; needs a DuckDb. */
export const writeFixture = (options: FixtureOptions) =>
  Effect.gen(function* () {
    const db = yield* DuckDb
    const month = options.month ?? "2026-10"
    yield* db.query(logicalTable(options.rows, month, options.days ?? 30))
    const files: Partial<Record<FixtureFormat, string>> = {}
    for (const format of options.formats) {
      const path = join(options.dir, FIXTURE_FILE[format])
      yield* db.query(copy(format, path, options.foreignRows ?? 0))
      files[format] = path
    }
    const { rows } = yield* db.query("SELECT COALESCE(SUM(micros), 0)::BIGINT FROM cur_fixture")
    return { files, totalMicros: Number(rows[0]?.[0] ?? 0), rows: options.rows } satisfies Fixture
  }).pipe(Effect.withSpan("CurFixtures.writeFixture"))
