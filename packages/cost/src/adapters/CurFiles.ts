/**
 * CUR files on disk (legacy CUR CSV.gz, CUR 2.0 Parquet, FOCUS CSV or
 * Parquet), read with DuckDB: a file or a folder of monthly files becomes
 * cost lines in one SQL pass (see CurColumns.ts), never a JavaScript loop
 * over line items. What was skipped, and why, travels with the lines.
 */
import { readdir, stat } from "node:fs/promises"
import { join } from "node:path"
import { CostLine, IngestSummary, MicroUsd } from "@miyabi/types"
import { Context, Effect, Layer, Schema } from "effect"
import type { OnCostProgress } from "../CostProgress.js"
import { type ColumnInfo, type CurFormat, detectFormat, missingColumns, planQuery, quoteString } from "../CurColumns.js"
import { DuckDb, type DuckDbError, type DuckDbOptions, layer as duckDbLayer } from "./DuckDb.js"

export class CurError extends Schema.TaggedError<CurError>()("CurError", {
  reason: Schema.Literal("NoFiles", "UnknownFormat", "MixedFormats", "MissingColumns", "SkippedRows", "QueryFailed"),
  path: Schema.String,
  columns: Schema.optional(Schema.Array(Schema.String)),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.path}: ${this.detail}${this.columns === undefined ? "" : ` (${this.columns.join(", ")})`}`
  }
}

export interface CurReadOptions {
  /** A file (.csv, .csv.gz, .parquet) or a folder searched recursively. */
  readonly path: string
  /** The customer tag; CostCenter by default. */
  readonly customerTag?: string
  /** FOCUS only: providers kept; ["AWS"] by default. */
  readonly providers?: ReadonlyArray<string>
  readonly from?: string
  readonly to?: string
  /** Fail with SkippedRows instead of returning when any row was malformed or incomplete. */
  readonly failOnSkipped?: boolean
  /** Told as each file is checked, then when the one read of all files starts. */
  readonly onProgress?: OnCostProgress
}

export interface CurRead {
  readonly lines: ReadonlyArray<CostLine>
  readonly ingest: IngestSummary
}

export interface CurSourceService {
  readonly read: (options: CurReadOptions) => Effect.Effect<CurRead, CurError>
}

export class CurSource extends Context.Tag("@miyabi/cost/CurSource")<CurSource, CurSourceService>() {}

const CUR_FILE = /\.(csv|csv\.gz|parquet)$/i

const listFiles = (path: string): Effect.Effect<ReadonlyArray<string>, CurError> =>
  Effect.tryPromise({
    try: async () => {
      const info = await stat(path)
      if (!info.isDirectory()) return [path]
      const entries = await readdir(path, { recursive: true, withFileTypes: true })
      return entries
        .filter((e) => e.isFile() && CUR_FILE.test(e.name))
        .map((e) => join(e.parentPath, e.name))
        .sort()
    },
    catch: (cause) => new CurError({ reason: "NoFiles", path, detail: cause instanceof Error ? cause.message : String(cause) })
  })

const MAP_KEY_SAMPLE_ROWS = 10_000

const CSV_OPTIONS = "header = true, all_varchar = true, nullstr = ['', 'NULL']"

const readerFor = (files: ReadonlyArray<string>, kind: "csv" | "parquet"): string => {
  const list = `[${files.map(quoteString).join(", ")}]`
  return kind === "csv" ? `read_csv(${list}, ${CSV_OPTIONS}, union_by_name = true)` : `read_parquet(${list}, union_by_name = true)`
}

const toNumber = (value: unknown): number => (typeof value === "bigint" ? Number(value) : typeof value === "number" ? value : 0)
const toText = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

export const make = Effect.gen(function* () {
  const db = yield* DuckDb
  const failed = (path: string) => (error: DuckDbError) => new CurError({ reason: "QueryFailed", path, detail: error.detail })

  const describe = (sql: string, path: string): Effect.Effect<ReadonlyArray<ColumnInfo>, CurError> =>
    db.query(`DESCRIBE SELECT * FROM ${sql}`).pipe(
      Effect.map(({ rows }) => rows.map((row) => ({ name: String(row[0]), type: String(row[1]) }))),
      Effect.mapError(failed(path))
    )

  // A file DuckDB cannot read at all (truncated, not Parquet, bad gzip): one
  // line naming it, without the "LINE 1: DESCRIBE SELECT ..." echo DuckDB adds.
  const describeFile = (file: string, kind: "csv" | "parquet"): Effect.Effect<ReadonlyArray<ColumnInfo>, CurError> =>
    describe(readerFor([file], kind), file).pipe(
      Effect.mapError((error) =>
        error.reason === "QueryFailed"
          ? new CurError({ reason: "QueryFailed", path: file, detail: `not a readable ${kind} file: ${error.detail.replace(/\s*LINE \d+:[\s\S]*$/, "").replace(/\s+/g, " ").trim()}` })
          : error
      )
    )

  // The tag keys of a map column vary by estate; a sample of the first file
  // finds their spelling without a second pass over the month.
  const sampleMapKeys = (file: string, kind: "csv" | "parquet"): Effect.Effect<ReadonlyArray<string>, CurError> =>
    db.query(`SELECT DISTINCT unnest(map_keys(resource_tags)) FROM (SELECT resource_tags FROM ${readerFor([file], kind)} LIMIT ${MAP_KEY_SAMPLE_ROWS}) ORDER BY 1`).pipe(
      Effect.map(({ rows }) => rows.map((row) => String(row[0]))),
      Effect.mapError(failed(file))
    )

  const read = (options: CurReadOptions): Effect.Effect<CurRead, CurError> =>
    Effect.gen(function* () {
      const tag = options.customerTag ?? "CostCenter"
      const files = yield* listFiles(options.path)
      if (files.length === 0) {
        return yield* new CurError({ reason: "NoFiles", path: options.path, detail: "no .csv, .csv.gz or .parquet files" })
      }
      const kinds = new Set(files.map((f) => (/\.parquet$/i.test(f) ? "parquet" : "csv") as "csv" | "parquet"))
      if (kinds.size > 1) {
        return yield* new CurError({ reason: "MixedFormats", path: options.path, detail: "a folder mixes CSV and Parquet files; read them separately" })
      }
      const kind = [...kinds][0] as "csv" | "parquet"
      // Check each file on its own, so that an error names the file at fault.
      let format: CurFormat | undefined
      for (const [i, file] of files.entries()) {
        if (options.onProgress !== undefined) yield* options.onProgress({ _tag: "CurFile", index: i + 1, total: files.length, file })
        const columns = yield* describeFile(file, kind)
        const detected = detectFormat(columns)
        if (detected === undefined) {
          return yield* new CurError({
            reason: "UnknownFormat",
            path: file,
            columns: ["lineItem/UnblendedCost", "line_item_unblended_cost", "BilledCost"],
            detail: "not a CUR or FOCUS file: none of the cost columns is present"
          })
        }
        if (format !== undefined && detected !== format) {
          return yield* new CurError({ reason: "MixedFormats", path: file, detail: `${detected} file among ${format} files` })
        }
        format = detected
        const missing = missingColumns(detected, columns)
        if (missing.length > 0) {
          return yield* new CurError({ reason: "MissingColumns", path: file, columns: missing, detail: `missing required ${detected} columns` })
        }
      }
      const reader = readerFor(files, kind)
      const columns = yield* describe(reader, options.path)
      const mapKeys = columns.some((c) => c.name === "resource_tags" && /^MAP/i.test(c.type))
        ? yield* sampleMapKeys(files[0] as string, kind)
        : []
      const plan = planQuery({
        mapKeys,
        format: format as CurFormat,
        columns,
        reader,
        customerTag: tag,
        ...(options.providers === undefined ? {} : { providers: options.providers }),
        ...(options.from === undefined ? {} : { from: options.from }),
        ...(options.to === undefined ? {} : { to: options.to })
      })
      if (options.onProgress !== undefined) yield* options.onProgress({ _tag: "CurQuery", path: options.path, files: files.length })
      const { rows } = yield* db.query(plan.sql).pipe(Effect.mapError(failed(options.path)))
      const lines: Array<CostLine> = []
      const skipped: Array<{ reason: string; rows: number; cost: MicroUsd }> = []
      let rowsRead = 0
      let costRead = 0
      for (const row of rows) {
        const [skip, date, account, service, customer, count, unblended, amortized] = row
        rowsRead += toNumber(count)
        const reason = toText(skip)
        if (reason !== undefined) {
          skipped.push({ reason, rows: toNumber(count), cost: MicroUsd.make(toNumber(unblended)) })
          continue
        }
        const who = toText(customer)
        costRead += toNumber(unblended)
        // Rows come typed from SQL; skip re-validating each one.
        lines.push(
          new CostLine(
            {
              date: toText(date) ?? "",
              account: toText(account) ?? "",
              service: toText(service) ?? "",
              tags: who === undefined ? {} : { [tag]: who },
              unblended: MicroUsd.make(toNumber(unblended)),
              amortized: MicroUsd.make(toNumber(amortized)),
              source: options.path
            },
            true
          )
        )
      }
      const rowsSkipped = skipped.reduce((s, x) => s + x.rows, 0)
      const notes: Array<string> = []
      if (plan.customerTagSource === undefined) notes.push(`no ${tag} tag column found: every line is untagged`)
      const ingest = new IngestSummary({
        files,
        format: format as CurFormat,
        ...(plan.customerTagSource === undefined ? {} : { customerTagSource: plan.customerTagSource }),
        rowsRead,
        rowsSkipped,
        skipped,
        costRead: MicroUsd.make(costRead),
        costSkipped: MicroUsd.make(skipped.reduce((s, x) => s + x.cost, 0)),
        otherTagKeys: plan.otherTagKeys,
        notes
      })
      const broken = skipped.filter((s) => !s.reason.startsWith("provider ") && s.reason !== "outside period")
      if (options.failOnSkipped === true && broken.length > 0) {
        return yield* new CurError({
          reason: "SkippedRows",
          path: options.path,
          detail: `skipped ${broken.map((s) => `${s.rows} row(s): ${s.reason}`).join("; ")}`
        })
      }
      return { lines, ingest }
    }).pipe(Effect.withSpan("CurSource.read", { attributes: { path: options.path } }))

  return CurSource.of({ read })
})

export const layer: Layer.Layer<CurSource, never, DuckDb> = Layer.effect(CurSource, make)

/** The source with its own DuckDB database. */
export const layerWithDuckDb = (options: DuckDbOptions = {}): Layer.Layer<CurSource, DuckDbError> =>
  layer.pipe(Layer.provide(duckDbLayer(options)))
