/**
 * The worker's `cost-report` task, as a payload schema and a run function.
 * The worker registers it (domain packages do not import the queue):
 *
 *   handler({ kind: TaskKind.make(CostReportTask.kind), payload: CostReportTask.Payload,
 *             run: (p) => CostReportTask.run(p).pipe(Effect.mapError(CostReportTask.toFailure(...))) })
 *
 * It allocates one month from CUR files or Cost Explorer and, when asked,
 * writes the HTML, CSV and JSON reports to a folder.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { AllocationAccount, AllocationKey, AllocationPolicy, CostMonth } from "@miyabi/types"
import { Effect, Schema } from "effect"
import { fromCostExplorer, fromCur, type MonthlyReport } from "./CostReports.js"
import { toHtml } from "./HtmlReport.js"
import { toCsv, toJson, view } from "./ReportView.js"

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
  outputDir: Schema.optional(Schema.String)
}).pipe(Schema.filter((p) => p.source !== "cur" || p.curPath !== undefined || "curPath is required when source is cur"))
export type Payload = typeof Payload.Type

export class CostReportTaskError extends Schema.TaggedError<CostReportTaskError>()("CostReportTaskError", {
  reason: Schema.Literal("WriteFailed"),
  detail: Schema.String
}) {}

export interface Summary {
  readonly month: string
  readonly source: string
  readonly billTotal: number
  readonly unallocated: number
  readonly customers: ReadonlyArray<{ readonly customer: string; readonly total: number }>
  readonly files: ReadonlyArray<string>
  readonly calls?: { readonly sent: number; readonly cached: number }
}

const write = (dir: string, result: MonthlyReport) =>
  Effect.tryPromise({
    try: async () => {
      await mkdir(dir, { recursive: true })
      const files = {
        "report.html": toHtml(result.report, { daily: result.daily }),
        "report.csv": toCsv(view(result.report, "customer")),
        "report.json": `${JSON.stringify(toJson(result.report), null, 2)}\n`
      }
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
      return Object.keys(files).map((name) => join(dir, name))
    },
    catch: (cause) => new CostReportTaskError({ reason: "WriteFailed", detail: cause instanceof Error ? cause.message : String(cause) })
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
    const files = payload.outputDir === undefined ? [] : yield* write(payload.outputDir, result)
    const a = result.report.allocation
    return {
      month: payload.month,
      source: result.report.source,
      billTotal: a.billTotal,
      unallocated: a.unallocated,
      customers: a.customers.map((c) => ({ customer: c.customer, total: c.total })),
      files,
      ...(result.calls === undefined ? {} : { calls: result.calls })
    } satisfies Summary
  }).pipe(Effect.withSpan("CostReportTask.run"))

/** Whether a failure is worth retrying: throttled or unreachable AWS, yes; bad input or a bad bill, no. */
export const isTransient = (error: unknown): boolean =>
  typeof error === "object" && error !== null && "retryable" in error && (error as { readonly retryable: unknown }).retryable === true
