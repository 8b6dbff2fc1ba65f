/**
 * The two pieces of SQL the sandbox's Athena has to understand before DuckDB
 * runs a statement: Athena's Hive DDL for external tables (parsed here, so a
 * table is a name over an S3 location as on AWS), and the Trino spellings
 * DuckDB writes differently (rewritten here, one rule per construct; add a
 * rule only with a test).
 */

export interface Column {
  readonly name: string
  /** The Hive type as written: `string`, `decimal(18,6)`, `map<string,string>`. */
  readonly type: string
}

export interface ExternalTable {
  readonly database: string | undefined
  readonly table: string
  readonly columns: ReadonlyArray<string>
  /** Every column the table declares, with its Hive type: its own, then the PARTITIONED BY keys. */
  readonly declared: ReadonlyArray<Column>
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

/** `name type, ...` from just after an opening parenthesis to the one closing it; `end` is just past that. */
const columnList = (sql: string, from: number): { readonly columns: ReadonlyArray<Column>; readonly end: number } => {
  let depth = 1
  let end = from
  while (end < sql.length && depth > 0) {
    const ch = sql[end]
    if (ch === "(") depth++
    if (ch === ")") depth--
    end++
  }
  const columns = topLevel(sql.slice(from, end - 1)).map((c) => {
    const [name = "", ...type] = c.split(/\s+/)
    return { name: unquote(name), type: type.join(" ").replace(/\s+COMMENT\s+'.*$/i, "") }
  })
  return { columns, end }
}

const HEAD = /^\s*CREATE\s+EXTERNAL\s+TABLE\s+(IF\s+NOT\s+EXISTS\s+)?([`"]?[\w-]+[`"]?)(?:\.([`"]?[\w-]+[`"]?))?\s*\(/i

/** `CREATE EXTERNAL TABLE [IF NOT EXISTS] [db.]t (cols) ... LOCATION 's3://...'`, or undefined for any other statement. */
export const parseCreateExternalTable = (sql: string): ExternalTable | undefined => {
  const head = HEAD.exec(sql)
  if (head === null) return undefined
  const own = columnList(sql, head[0].length)
  const rest = sql.slice(own.end)
  const location = /LOCATION\s+'([^']+)'/i.exec(rest)?.[1]
  if (location === undefined) return undefined
  const partitioned = /PARTITIONED\s+BY\s*\(/i.exec(rest)
  const partitions = partitioned === null ? [] : columnList(rest, partitioned.index + partitioned[0].length).columns
  const second = head[3]
  return {
    database: second === undefined ? undefined : unquote(head[2] ?? ""),
    table: unquote(second ?? head[2] ?? ""),
    columns: own.columns.map((c) => c.name),
    declared: [...own.columns, ...partitions],
    format: /STORED\s+AS\s+PARQUET|ParquetHiveSerDe/i.test(rest) ? "parquet" : "csv",
    location: location.endsWith("/") ? location : `${location}/`,
    skipHeader: /'skip\.header\.line\.count'\s*=\s*'1'/i.test(rest),
    ifNotExists: head[1] !== undefined
  }
}

const PRIMITIVES: Readonly<Record<string, string>> = {
  string: "VARCHAR", varchar: "VARCHAR", char: "VARCHAR", tinyint: "TINYINT", smallint: "SMALLINT", int: "INTEGER", integer: "INTEGER",
  bigint: "BIGINT", float: "FLOAT", double: "DOUBLE", boolean: "BOOLEAN", date: "DATE", timestamp: "TIMESTAMP", binary: "BLOB", decimal: "DECIMAL(10, 0)"
}

/**
 * A Hive column type as DuckDB spells it, for a table whose location holds no
 * file to read the types from: `array<t>` -> `t[]`, `map<k,v>` ->
 * `MAP(k, v)`, `struct<a:t>` -> `STRUCT("a" t)`, `decimal(p,s)` kept,
 * anything unknown VARCHAR.
 */
export const duckDbType = (hive: string): string => {
  const t = hive.trim()
  const generic = /^(array|map|struct)\s*<(.*)>$/is.exec(t)
  if (generic !== null) {
    const [kind = "", inner = ""] = [generic[1]?.toLowerCase(), generic[2]]
    const parts = topLevel(inner)
    if (kind === "array") return `${duckDbType(parts[0] ?? "string")}[]`
    if (kind === "map") return `MAP(${duckDbType(parts[0] ?? "string")}, ${duckDbType(parts[1] ?? "string")})`
    return `STRUCT(${parts.map((field) => {
      const colon = field.indexOf(":")
      return `"${unquote(field.slice(0, colon).trim()).replace(/"/g, '""')}" ${duckDbType(field.slice(colon + 1))}`
    }).join(", ")})`
  }
  const decimal = /^decimal\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$/i.exec(t)
  if (decimal !== null) return `DECIMAL(${decimal[1]}, ${decimal[2]})`
  return PRIMITIVES[t.toLowerCase().replace(/\s*\(.*$/, "")] ?? "VARCHAR"
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
