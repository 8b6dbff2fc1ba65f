/**
 * The sandbox Athena's tables: an external table is a DuckDB view over the
 * files of its LOCATION (a mapped local directory, or the sandbox's S3
 * objects copied by `S3Mirror`), defined by CREATE EXTERNAL TABLE and brought
 * up to date before each query that names it.
 *
 * Athena keeps a table's definition in the Glue catalog apart from its data:
 * "When you run a CREATE TABLE query in Athena, Athena registers your table
 * with the AWS Glue Data Catalog [...] Athena reads all data stored in the
 * Amazon S3 folder that you specify"
 * (https://docs.aws.amazon.com/athena/latest/ug/tables-location-format.html),
 * and "Athena only creates metadata when you create a table. Data is parsed
 * only when you run the query"; a location with nothing in it gives "Zero
 * records returned"
 * (https://repost.aws/knowledge-center/athena-empty-results).
 *
 * The view names the location's files one by one (`read_parquet([...])`),
 * every file whatever its name ends with but Hive's hidden ones, and is
 * defined again whenever that list changes. DuckDB cannot read an empty list,
 * so a table whose location holds no file is a view of its declared columns
 * (their Hive types in DuckDB's spelling) with no rows until files are there
 * (and again once they are all deleted).
 */
import { readdir, stat } from "node:fs/promises"
import { join, relative, sep } from "node:path"
import { Effect } from "effect"
import { type AthenaEngine, failureReason } from "./AthenaEngine.js"
import { duckDbType, type ExternalTable } from "./AthenaSql.js"
import type { S3Mirror } from "./S3Mirror.js"

export type TableOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string }

/** What a query read from a table: the files of its location when it ran. */
export interface TableRead {
  readonly key: string
  readonly files: ReadonlyArray<string>
}

interface Table {
  readonly database: string
  readonly ddl: ExternalTable
  readonly dir: string
  /** The location is the sandbox's S3 (mirrored before each query), not a mapped directory. */
  readonly s3: boolean
  /** The files the view reads now (none: the declared columns, no rows), as one string to compare. */
  reads: string | undefined
}

const ident = (name: string): string => `"${name.replace(/"/g, '""')}"`
const quote = (s: string): string => `'${s.replace(/'/g, "''")}'`

/**
 * The files a table reads under `dir`: every one, whatever its name ends
 * with ("Athena reads all files in an Amazon S3 location you specify in the
 * CREATE TABLE statement, and cannot ignore any files included in the
 * prefix", tables-location-format.html), but Hive's hidden ones: a name or
 * folder starting with "_" or "." (`_SUCCESS`, `.crc`, `_temporary/`).
 */
const dataFiles = async (dir: string): Promise<ReadonlyArray<string>> => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries
    .filter((e) => e.isFile() && !relative(dir, join(e.parentPath, e.name)).split(sep).some((s) => s.startsWith("_") || s.startsWith(".")))
    .map((e) => join(e.parentPath, e.name))
    .sort()
}

/** The table's view over `files`, or over its declared columns and no rows when there are none. */
const viewSql = (ddl: ExternalTable, files: ReadonlyArray<string>): string => {
  if (files.length === 0) {
    const columns = ddl.declared.map((c) => `CAST(NULL AS ${duckDbType(c.type)}) AS ${ident(c.name)}`)
    return `CREATE OR REPLACE VIEW ${ident(ddl.table)} AS SELECT ${columns.length === 0 ? "NULL AS _" : columns.join(", ")} WHERE false`
  }
  const list = `[${files.map(quote).join(", ")}]`
  const source = ddl.format === "parquet"
    ? `read_parquet(${list}, union_by_name = true)`
    : `read_csv(${list}, header = ${ddl.skipHeader}, names = [${ddl.columns.map(quote).join(", ")}])`
  return `CREATE OR REPLACE VIEW ${ident(ddl.table)} AS SELECT * FROM ${source}`
}

export const makeAthenaTables = (engine: AthenaEngine, options: { readonly mirror: S3Mirror | undefined; readonly localDir: (location: string) => string | undefined }) => {
  const tables = new Map<string, Table>()

  /** Defines the table's view over the files its location holds now, when they are not the ones it reads; the files. */
  const define = (t: Table): Effect.Effect<ReadonlyArray<string>, string> =>
    Effect.gen(function* () {
      const files = yield* Effect.promise(() => dataFiles(t.dir))
      const reads = files.join("\n")
      if (reads !== t.reads) {
        yield* engine.run(t.database, [viewSql(t.ddl, files)], true)
        t.reads = reads
      }
      return files
    })

  /** CREATE EXTERNAL TABLE: the view over the location's files, or over nothing when there are none yet. */
  const create = (ddl: ExternalTable, database: string | undefined): Effect.Effect<TableOutcome> =>
    Effect.gen(function* () {
      const db = ddl.database ?? database
      if (db === undefined) return { ok: false as const, reason: "SEMANTIC_ERROR: no database: name it in the table or in QueryExecutionContext" }
      const key = `${db}.${ddl.table}`.toLowerCase()
      if (tables.has(key)) return ddl.ifNotExists ? { ok: true as const } : { ok: false as const, reason: `ALREADY_EXISTS: Table ${key} already exists` }
      const mapped = options.localDir(ddl.location)
      const dir = mapped ?? (options.mirror === undefined ? undefined : yield* Effect.promise(() => options.mirror?.sync(ddl.location) ?? Promise.resolve(undefined)))
      if (dir === undefined) return { ok: false as const, reason: `HIVE_METASTORE_ERROR: the sandbox cannot read ${ddl.location} (an s3:// location in the sandbox's S3, or AthenaOptions.locations / the estate's athena.locations)` }
      const table: Table = { database: db, ddl, dir, s3: mapped === undefined, reads: undefined }
      const defined = yield* define(table).pipe(Effect.either)
      if (defined._tag === "Left") return { ok: false as const, reason: failureReason(defined.left) }
      tables.set(key, table)
      return { ok: true as const }
    })

  /**
   * Before a query: the tables it names (by name, in any database), their S3
   * objects mirrored as they are now (Athena reads the objects present when
   * the query runs) and their views reading them. Fails with DuckDB's message.
   */
  const prepare = (sql: string): Effect.Effect<ReadonlyArray<TableRead>, string> => {
    const text = sql.toLowerCase().replace(/"/g, "")
    const named = [...tables.entries()].filter(([key]) => text.includes(key.split(".")[1] ?? key))
    return Effect.forEach(named, ([key, t]) =>
      Effect.gen(function* () {
        const mirror = options.mirror
        if (t.s3 && mirror !== undefined) yield* Effect.promise(() => mirror.sync(t.ddl.location))
        return { key, files: yield* define(t) }
      })
    )
  }

  /** Athena bills the bytes it reads: here, the sizes of the files the query's tables read. */
  const scannedBytes = (reads: ReadonlyArray<TableRead>): Effect.Effect<number> =>
    Effect.promise(async () => {
      const sizes = await Promise.all(reads.flatMap((r) => r.files.map(async (f) => (await stat(f)).size)))
      return sizes.reduce((a, b) => a + b, 0)
    })

  return { create, prepare, scannedBytes }
}

export type AthenaTables = ReturnType<typeof makeAthenaTables>
