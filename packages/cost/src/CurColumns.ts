/**
 * The one place where CUR column names live, and the one SQL pass that turns
 * a month of line items into cost lines.
 *
 * Formats:
 * - legacy-cur: the original CUR in CSV, `lineItem/UnblendedCost`, tags as
 *   columns `resourceTags/user:CostCenter`.
 * - cur2: CUR 2.0 (and legacy CUR in its Athena-ready Parquet form),
 *   `line_item_unblended_cost`, tags in a `resource_tags` map or flattened
 *   into columns `resource_tags_user_cost_center`.
 * - focus: FOCUS 1.0 (AWS Data Exports and other providers), `BilledCost`,
 *   `EffectiveCost`, `SubAccountId`, `ServiceName`, tags in a `Tags` JSON
 *   column, several providers in one file (`ProviderName`).
 *
 * Money: every cost is read as DECIMAL(38, 9) (exact), summed per group in
 * DuckDB and rounded once per group to integer micro-dollars (half away from
 * zero), so the bill total is the sum of the lines handed to the allocation.
 */

export type CurFormat = "legacy-cur" | "cur2" | "focus"

export interface ColumnInfo {
  readonly name: string
  readonly type: string
}

interface FormatColumns {
  readonly date: string
  readonly account: string
  readonly service: string
  readonly unblended: string
  readonly amortized?: string
  readonly lineItemType?: string
  readonly riEffective?: string
  readonly spEffective?: string
  readonly provider?: string
  /** The column whose presence identifies the format. */
  readonly marker: string
}

export const COLUMNS: Readonly<Record<CurFormat, FormatColumns>> = {
  "legacy-cur": {
    marker: "lineItem/UnblendedCost",
    date: "lineItem/UsageStartDate",
    account: "lineItem/UsageAccountId",
    service: "lineItem/ProductCode",
    unblended: "lineItem/UnblendedCost",
    lineItemType: "lineItem/LineItemType",
    riEffective: "reservation/EffectiveCost",
    spEffective: "savingsPlan/SavingsPlanEffectiveCost"
  },
  cur2: {
    marker: "line_item_unblended_cost",
    date: "line_item_usage_start_date",
    account: "line_item_usage_account_id",
    service: "line_item_product_code",
    unblended: "line_item_unblended_cost",
    lineItemType: "line_item_line_item_type",
    riEffective: "reservation_effective_cost",
    spEffective: "savings_plan_savings_plan_effective_cost"
  },
  focus: {
    marker: "BilledCost",
    date: "ChargePeriodStart",
    account: "SubAccountId",
    service: "ServiceName",
    unblended: "BilledCost",
    amortized: "EffectiveCost",
    provider: "ProviderName"
  }
}

const requiredOf = (f: FormatColumns): ReadonlyArray<string> => [f.date, f.account, f.service, f.unblended, ...(f.amortized === undefined ? [] : [f.amortized])]

export const requiredColumns = (format: CurFormat): ReadonlyArray<string> => requiredOf(COLUMNS[format])

/** The format a file's columns say it is, if any. */
export const detectFormat = (columns: ReadonlyArray<ColumnInfo>): CurFormat | undefined => {
  const names = new Set(columns.map((c) => c.name))
  return (Object.keys(COLUMNS) as Array<CurFormat>).find((format) => names.has(COLUMNS[format].marker))
}

export const missingColumns = (format: CurFormat, columns: ReadonlyArray<ColumnInfo>): ReadonlyArray<string> => {
  const names = new Set(columns.map((c) => c.name))
  return requiredColumns(format).filter((name) => !names.has(name))
}

/** "CostCenter" -> "costcenter", for matching tag names across spellings. */
const squash = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, "")

/** "CostCenter" -> "cost_center", the way CUR's Parquet exports spell tag columns. */
export const snakeCase = (name: string): string =>
  name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[^A-Za-z0-9]+/g, "_").toLowerCase()

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`
export const quoteString = (value: string): string => `'${value.replace(/'/g, "''")}'`

const TAG_COLUMN_PREFIXES = ["resourceTags/user:", "resource_tags_user_", "resourceTags/", "resource_tags_"] as const

interface TagPlan {
  readonly expression: string
  readonly source: string | undefined
  readonly otherTagKeys: ReadonlyArray<string>
}

const tagPlan = (format: CurFormat, columns: ReadonlyArray<ColumnInfo>, tag: string, mapKeys: ReadonlyArray<string>): TagPlan => {
  const names = columns.map((c) => c.name)
  if (format === "focus") {
    if (!names.includes("Tags")) return { expression: "NULL", source: undefined, otherTagKeys: [] }
    const path = quoteString(`$."${tag.replace(/"/g, '\\"')}"`)
    return {
      expression: `CASE WHEN json_valid(CAST("Tags" AS VARCHAR)) THEN json_extract_string(CAST("Tags" AS VARCHAR), ${path}) END`,
      source: `Tags JSON key ${tag}`,
      otherTagKeys: []
    }
  }
  const tagColumns = names.filter((n) => TAG_COLUMN_PREFIXES.some((prefix) => n.startsWith(prefix)))
  const userTag = (n: string) => {
    const prefix = TAG_COLUMN_PREFIXES.find((p) => n.startsWith(p)) as string
    return prefix.includes("user") ? n.slice(prefix.length) : undefined
  }
  const match = tagColumns.find((n) => {
    const key = userTag(n)
    return key !== undefined && squash(key) === squash(tag)
  })
  const others = tagColumns.filter((n) => n !== match)
  if (match !== undefined) return { expression: `NULLIF(TRIM(CAST(${quoteIdent(match)} AS VARCHAR)), '')`, source: `column ${match}`, otherTagKeys: others }
  const map = columns.find((c) => c.name === "resource_tags" && c.type.toUpperCase().startsWith("MAP"))
  if (map !== undefined) {
    // CUR 2.0 spells the key user_<snake_case>; other spellings seen in the
    // file's keys are looked up too (each lookup costs a little on every row).
    const bare = (k: string) => k.replace(/^user[_:]/, "")
    const seen = mapKeys.filter((k) => squash(bare(k)) === squash(tag))
    const keys = [...new Set([`user_${snakeCase(tag)}`, ...seen])]
    const lookups = keys.map((k) => `"resource_tags"[${quoteString(k)}]`)
    return {
      expression: `NULLIF(${lookups.length === 1 ? lookups[0] : `COALESCE(${lookups.join(", ")})`}, '')`,
      source: `resource_tags map key ${keys.join(" | ")}`,
      otherTagKeys: [...others, ...mapKeys.filter((k) => !keys.includes(k)).map((k) => `resource_tags[${k}]`)]
    }
  }
  return { expression: "NULL", source: undefined, otherTagKeys: others }
}

const isTemporal = (type: string | undefined): boolean => type !== undefined && /^(DATE|TIMESTAMP)/i.test(type)

export interface CurQueryOptions {
  readonly format: CurFormat
  readonly columns: ReadonlyArray<ColumnInfo>
  /** The FROM clause reading the files, e.g. read_parquet([...]). */
  readonly reader: string
  readonly customerTag: string
  /** FOCUS only: providers kept (others are skipped and reported); AWS by default. */
  readonly providers?: ReadonlyArray<string>
  /** Inclusive bounds on the line's date; rows outside are reported as skipped. */
  readonly from?: string
  readonly to?: string
  /** Keys seen in a `resource_tags` map (a sample), to find the customer tag's spelling. */
  readonly mapKeys?: ReadonlyArray<string>
}

export interface CurQueryPlan {
  readonly sql: string
  readonly customerTagSource: string | undefined
  readonly otherTagKeys: ReadonlyArray<string>
}

/**
 * The single aggregation query. Each result row is either a group of good
 * rows (skip IS NULL: date, account, service, customer, rows, micro-dollars)
 * or the count and known cost of rows skipped for one reason.
 */
export const planQuery = (options: CurQueryOptions): CurQueryPlan => {
  const f = COLUMNS[options.format]
  const type = (name: string) => options.columns.find((c) => c.name === name)?.type
  const has = (name: string | undefined): name is string => name !== undefined && type(name) !== undefined
  const col = quoteIdent
  const money = (name: string) => `TRY_CAST(${col(name)} AS DECIMAL(38, 9))`
  // Text columns (CSV) need blank checks; typed Parquet columns do not, and
  // casting a DOUBLE to text on every row would double the cost of the pass.
  const isText = (name: string) => /^VARCHAR/i.test(type(name) ?? "")
  const text = (name: string) => (isText(name) ? `NULLIF(${col(name)}, '')` : `CAST(${col(name)} AS VARCHAR)`)
  const noCost = isText(f.unblended) ? `${col(f.unblended)} IS NULL OR TRIM(${col(f.unblended)}) = ''` : `${col(f.unblended)} IS NULL`
  const date = isTemporal(type(f.date))
    ? `CAST(${col(f.date)} AS DATE)`
    : `TRY_CAST(LEFT(TRIM(CAST(${col(f.date)} AS VARCHAR)), 10) AS DATE)`
  // The amortized column (FOCUS EffectiveCost) must hold a number; the
  // optional effective-cost columns of CUR may be blank but not malformed.
  const optionalMoney = (name: string | undefined) => (has(name) ? money(name) : "NULL")
  const malformedOptional = [f.amortized, f.riEffective, f.spEffective]
    .filter((name): name is string => has(name))
    .map((name) =>
      name === f.amortized
        ? ` OR ${isText(name) ? money(name) : col(name)} IS NULL`
        : isText(name) ? ` OR (NULLIF(${col(name)}, '') IS NOT NULL AND ${money(name)} IS NULL)` : ""
    )
    .join("")
  // AWS's amortized cost, computed on the group sums: covered usage at its
  // effective cost, the negation and upfront fee lines of a Savings Plan
  // zeroed, the rest as billed. (Unused RI fees stay as billed: an approximation.)
  const amortized = has(f.amortized)
    ? "amortized_col"
    : has(f.lineItemType)
      ? `CASE line_type ${has(f.riEffective) ? "WHEN 'DiscountedUsage' THEN ri_effective" : ""} ${has(f.spEffective) ? "WHEN 'SavingsPlanCoveredUsage' THEN sp_effective" : ""} WHEN 'SavingsPlanNegation' THEN 0 WHEN 'SavingsPlanUpfrontFee' THEN 0 ELSE unblended END`
      : "unblended"
  const tags = tagPlan(options.format, options.columns, options.customerTag, options.mapKeys ?? [])
  const providers = options.providers ?? ["AWS"]
  const provider = options.format === "focus" && has(f.provider) ? `CAST(${col(f.provider)} AS VARCHAR)` : "NULL"
  const providerCheck =
    options.format === "focus" && has(f.provider)
      ? `WHEN provider IS NULL THEN 'provider (missing)' WHEN provider NOT IN (${providers.map(quoteString).join(", ")}) THEN 'provider ' || provider`
      : ""
  const periodCheck = [
    options.from === undefined ? "" : `WHEN d < DATE ${quoteString(options.from)} THEN 'outside period'`,
    options.to === undefined ? "" : `WHEN d > DATE ${quoteString(options.to)} THEN 'outside period'`
  ].join(" ")
  // Two levels: the pass over the line items groups on plain columns (cheap
  // per row) and computes only what this format has; formatting and folding
  // skipped rows into one row per reason happen on the few thousand groups.
  const lineType = has(f.lineItemType) && !has(f.amortized)
  const sums: Array<{ readonly select: string; readonly sum: string }> = []
  if (has(f.amortized)) sums.push({ select: `${optionalMoney(f.amortized)} AS amortized_col`, sum: "SUM(amortized_col) AS amortized_col" })
  else {
    if (has(f.riEffective)) sums.push({ select: `${optionalMoney(f.riEffective)} AS ri_effective`, sum: "SUM(ri_effective) AS ri_effective" })
    if (has(f.spEffective)) sums.push({ select: `${optionalMoney(f.spEffective)} AS sp_effective`, sum: "SUM(sp_effective) AS sp_effective" })
  }
  const selects = [
    `${noCost} AS no_cost`,
    `${date} AS d`,
    `${text(f.account)} AS account`,
    `COALESCE(${text(f.service)}, '(none)') AS service`,
    `${tags.expression} AS customer`,
    `${money(f.unblended)} AS unblended`,
    ...(provider === "NULL" ? [] : [`${provider} AS provider`]),
    ...(lineType ? [`CAST(${col(f.lineItemType as string)} AS VARCHAR) AS line_type`] : []),
    ...(malformedOptional === "" ? [] : [`(FALSE${malformedOptional}) AS bad_optional`]),
    ...sums.map((x) => x.select)
  ]
  const sql = `
WITH src AS (
  SELECT
    ${selects.join(",\n    ")}
  FROM ${options.reader}
),
grouped AS (
  SELECT
    CASE
      WHEN no_cost THEN 'missing cost'
      WHEN unblended IS NULL${malformedOptional === "" ? "" : " OR bad_optional"} THEN 'malformed cost'
      WHEN d IS NULL THEN 'missing or malformed date'
      WHEN account IS NULL THEN 'missing account'
      ${providerCheck}
      ${periodCheck}
    END AS skip,
    d, account, service, customer${lineType ? ", line_type" : ""},
    COUNT(*) AS n,
    ${["SUM(unblended) AS unblended", ...sums.map((x) => x.sum)].join(",\n    ")}
  FROM src
  GROUP BY ALL
)
SELECT
  skip,
  CASE WHEN skip IS NULL THEN strftime(d, '%Y-%m-%d') END AS date,
  CASE WHEN skip IS NULL THEN account END AS account,
  CASE WHEN skip IS NULL THEN service END AS service,
  CASE WHEN skip IS NULL THEN customer END AS customer,
  SUM(n)::BIGINT AS rows,
  COALESCE(CAST(ROUND(SUM(unblended) * 1000000, 0) AS BIGINT), 0) AS unblended,
  COALESCE(CAST(ROUND(SUM(CASE WHEN skip IS NULL THEN ${amortized} END) * 1000000, 0) AS BIGINT), 0) AS amortized
FROM grouped
GROUP BY ALL
ORDER BY skip NULLS FIRST, date, account, service, customer NULLS FIRST`
  return { sql, customerTagSource: tags.source, otherTagKeys: tags.otherTagKeys }
}
