/**
 * The two pieces of SQL the sandbox's Athena has to understand before DuckDB
 * runs a statement: Athena's Hive DDL for external tables (parsed here, so a
 * table is a name over an S3 location as on AWS), and the Trino spellings
 * DuckDB writes differently (rewritten here, one rule per construct; add a
 * rule only with a test).
 */

export interface ExternalTable {
  readonly database: string | undefined
  readonly table: string
  readonly columns: ReadonlyArray<string>
  readonly format: "parquet" | "csv"
  /** `s3://bucket/prefix/` as written in the DDL. */
  readonly location: string
  /** `skip.header.line.count` (CSV only). */
  readonly skipHeader: boolean
  readonly ifNotExists: boolean
}

const unquote = (name: string): string => name.replace(/^[`"]|[`"]$/g, "")

/** Splits on commas outside <...> and (...), e.g. `a string, b map<string,string>`. */
const topLevel = (text: string): ReadonlyArray<string> => {
  const parts: Array<string> = []
  let depth = 0
  let current = ""
  for (const ch of text) {
    if (ch === "<" || ch === "(") depth++
    if (ch === ">" || ch === ")") depth--
    if (ch === "," && depth === 0) {
      parts.push(current)
      current = ""
    } else current += ch
  }
  if (current.trim() !== "") parts.push(current)
  return parts.map((p) => p.trim()).filter((p) => p !== "")
}

const HEAD = /^\s*CREATE\s+EXTERNAL\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?([`"]?[\w-]+[`"]?)(?:\.([`"]?[\w-]+[`"]?))?\s*\(/i

/** `CREATE EXTERNAL TABLE [IF NOT EXISTS] [db.]t (cols) ... LOCATION 's3://...'`, or undefined for any other statement. */
export const parseCreateExternalTable = (sql: string): ExternalTable | undefined => {
  const head = HEAD.exec(sql)
  if (head === null) return undefined
  // The column list ends at the parenthesis that closes the one HEAD ended on.
  let depth = 1
  let end = head[0].length
  while (end < sql.length && depth > 0) {
    const ch = sql[end]
    if (ch === "(") depth++
    if (ch === ")") depth--
    end++
  }
  const columns = topLevel(sql.slice(head[0].length, end - 1)).map((c) => unquote(c.split(/\s+/)[0] ?? ""))
  const rest = sql.slice(end)
  const location = /LOCATION\s+'([^']+)'/i.exec(rest)?.[1]
  if (location === undefined) return undefined
  const second = head[3]
  return {
    database: second === undefined ? undefined : unquote(head[2] ?? ""),
    table: unquote(second ?? head[2] ?? ""),
    columns,
    format: /STORED\s+AS\s+PARQUET|ParquetHiveSerDe/i.test(rest) ? "parquet" : "csv",
    location: location.endsWith("/") ? location : `${location}/`,
    skipHeader: /'skip\.header\.line\.count'\s*=\s*'1'/i.test(rest),
    ifNotExists: head[1] !== undefined
  }
}

/**
 * Trino -> DuckDB, only where the adapter's SQL needs it:
 * - `element_at(map, key)`: Trino gives the value (NULL when absent); DuckDB's
 *   `element_at` on a map gives a list, its `map_extract_value` the value.
 * Everything else the CUR query uses (CAST to decimal / varchar / date,
 * `TIMESTAMP '...'` literals, COALESCE, NULLIF, CASE, GROUP BY ordinals) is
 * spelled the same in both.
 */
export const trinoToDuckDb = (sql: string): string => sql.replace(/\belement_at\s*\(/gi, "map_extract_value(")
