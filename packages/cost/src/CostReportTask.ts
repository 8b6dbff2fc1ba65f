/**
 * The `cost-report` task kind: a payload schema, a run function, the
 * sources it reads, and `definition`, which the apps turn into a queue
 * handler (domain packages do not import the queue).
 *
 * It allocates one month from CUR files or Cost Explorer, returns the rows
 * by `by` (customer, account or service) with amounts as exact decimal
 * dollars, and, when asked, writes the HTML, CSV (by `by`) and JSON reports
 * to a folder. Throttled or unreachable AWS is retried; a bad CUR file, a
 * bad payload or a folder that cannot be written is not.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import type { AwsClients } from "@miyabi/aws-runtime"
import { AllocationAccount, AllocationKey, AllocationPolicy, CostMonth, type TaskDefinition, TaskKind } from "@miyabi/types"
import { Effect, Layer, Schema } from "effect"
import * as CostExplorer from "./adapters/CostExplorer.js"
import * as CurFiles from "./adapters/CurFiles.js"
import type { DuckDbError } from "./adapters/DuckDb.js"
import { fromCostExplorer, fromCur, type MonthlyReport } from "./CostReports.js"
import { toHtml } from "./HtmlReport.js"
import { microsToDecimal, toCsv, toJson, view } from "./ReportView.js"

export const kind = "cost-report"

export const Payload = Schema.Struct({
  month: CostMonth,
  source: Schema.Literal("cur", "ce"),
  /** A CUR file or folder; required when source is "cur". */
  curPath: Schema.optional(Schema.String),
  customerTag: Schema.optional(Schema.String),
  defaultKey: Schema.optional(AllocationKey),
  accounts: Schema.optionalWith(Schema.Array(AllocationAccount), { default: () => [] }),
  /** Write report.html, report.csv and report.json here. */
  outputDir: Schema.optional(Schema.String),
  /** The rows of the result and of report.csv (customer by default). */
  by: Schema.optionalWith(Schema.Literal("customer", "account", "service"), { default: () => "customer" as const })
}).pipe(Schema.filter((p) => p.source !== "cur" || p.curPath !== undefined || "curPath is required when source is cur"))
export type Payload = typeof Payload.Type

export class CostReportTaskError extends Schema.TaggedError<CostReportTaskError>()("CostReportTaskError", {
  reason: Schema.Literal("WriteFailed"),
  path: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `cannot write the report to ${this.path}: ${this.detail}`
  }
}

/** What a task returns; amounts are exact decimal dollars ("1234.560001"). */
export interface Summary {
  readonly month: string
  readonly source: string
  readonly by: Payload["by"]
  readonly billTotal: string
  readonly unallocated: string
  /** The rows by `by` (a TOTAL row last), money cells as decimal dollars. */
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
  /** CUR files the ingest passed over, and why. */
  readonly skipped: ReadonlyArray<unknown>
  readonly files: ReadonlyArray<string>
  readonly calls?: { readonly sent: number; readonly cached: number }
}

const write = (dir: string, files: Readonly<Record<string, string>>) =>
  Effect.tryPromise({
    try: async () => {
      await mkdir(dir, { recursive: true })
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
      return Object.keys(files).map((name) => join(dir, name))
    },
    catch: (cause) => new CostReportTaskError({ reason: "WriteFailed", path: dir, detail: cause instanceof Error ? cause.message : String(cause) })
  })

/** Runs one `cost-report` task. */
export const run = (payload: Payload) =>
  Effect.gen(function* () {
    const policy = AllocationPolicy.make({
      accounts: payload.accounts,
      customerTag: payload.customerTag ?? "CostCenter",
      measure: "unblended",
      defaultKey: payload.defaultKey ?? { _tag: "even" }
    })
    const result: MonthlyReport =
      payload.source === "cur"
        ? yield* fromCur({ month: payload.month, path: payload.curPath ?? "", policy })
        : yield* fromCostExplorer({ month: payload.month, policy })
    const table = view(result.report, payload.by)
    const files =
      payload.outputDir === undefined
        ? []
        : yield* write(payload.outputDir, {
            "report.html": toHtml(result.report, { daily: result.daily }),
            "report.csv": toCsv(table),
            "report.json": `${JSON.stringify(toJson(result.report), null, 2)}\n`
          })
    const a = result.report.allocation
    return {
      month: payload.month,
      source: result.report.source,
      by: payload.by,
      billTotal: microsToDecimal(a.billTotal),
      unallocated: microsToDecimal(a.unallocated),
      rows: table.rows.map((row) => row.map((cell, i) => (table.moneyColumns.includes(i) ? microsToDecimal(cell as number) : String(cell)))),
      skipped: result.report.ingest?.skipped ?? [],
      files,
      ...(result.calls === undefined ? {} : { calls: result.calls })
    } satisfies Summary
  }).pipe(Effect.withSpan("CostReportTask.run"))

/** The sources a report reads, over the app's AWS runtime: CUR files through an in-process DuckDB on one thread, and Cost Explorer. */
export const layer: Layer.Layer<CurFiles.CurSource | CostExplorer.CostExplorerSource, DuckDbError, AwsClients.AwsClients> = Layer.merge(
  CurFiles.layerWithDuckDb({ config: { threads: "1" } }),
  CostExplorer.layer
)

/** Whether a failure is worth retrying: throttled or unreachable AWS, yes; bad input or a bad bill, no. */
export const isTransient = (error: unknown): boolean =>
  typeof error === "object" && error !== null && "retryable" in error && (error as { readonly retryable: unknown }).retryable === true

/** How a task can fail: its run, or the DuckDB of `layer` that would not open. */
export type Failure = Effect.Effect.Error<ReturnType<typeof run>> | DuckDbError

/** `cost-report`, 30 minutes at most. */
export const definition: TaskDefinition<Payload, typeof Payload.Encoded, Failure, CurFiles.CurSource | CostExplorer.CostExplorerSource> = {
  kind: TaskKind.make(kind),
  payload: Payload,
  timeout: "30 minutes",
  run,
  isTransient
}
