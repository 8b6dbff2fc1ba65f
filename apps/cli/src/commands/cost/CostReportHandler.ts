/**
 * The `cost-report` task kind for `miyabi worker run`: @miyabi/cost's task
 * payload (month, source "cur" | "ce", curPath, customerTag, accounts,
 * outputDir) plus `by` (customer, account or service; customer by default)
 * for the rows of the result. Writes report.html, report.csv (by `by`) and
 * report.json to `outputDir` when given. Throttled or unreachable AWS is
 * retried; a bad CUR file or payload is not.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { CostExplorer, CostReports, CostReportTask, CurFiles, HtmlReport, ReportView } from "@miyabi/cost"
import { HandlerRegistry, TaskFailure } from "@miyabi/queue"
import { AllocationPolicy, TaskKind } from "@miyabi/types"
import { ConfigError, Effect, Layer, Schema } from "effect"

export const costReportKind = TaskKind.make(CostReportTask.kind)

export const CostReportPayload = Schema.extend(
  CostReportTask.Payload.from,
  Schema.Struct({ by: Schema.optionalWith(Schema.Literal("customer", "account", "service"), { default: () => "customer" as const }) })
).pipe(Schema.filter((p) => p.source !== "cur" || p.curPath !== undefined || "curPath is required when source is cur"))
export type CostReportPayload = typeof CostReportPayload.Type

const sources = Layer.merge(CurFiles.layerWithDuckDb({ config: { threads: "1" } }), CostExplorer.layer.pipe(Layer.provide(AwsRuntime.layerConfig())))

const write = (dir: string, files: Readonly<Record<string, string>>) =>
  Effect.tryPromise({
    try: async () => {
      await mkdir(dir, { recursive: true })
      for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
      return Object.keys(files).map((name) => join(dir, name))
    },
    catch: (cause) => new TaskFailure({ reason: "Permanent", message: `cannot write the report to ${dir}: ${cause instanceof Error ? cause.message : String(cause)}` })
  })

/** Runs one task: the month's report and its rows by `by`, amounts as exact decimal dollars. */
export const runCostReport = (payload: CostReportPayload) =>
  Effect.gen(function* () {
    const policy = AllocationPolicy.make({
      accounts: payload.accounts,
      customerTag: payload.customerTag ?? "CostCenter",
      measure: "unblended",
      defaultKey: payload.defaultKey ?? { _tag: "even" }
    })
    const result: CostReports.MonthlyReport =
      payload.source === "cur"
        ? yield* CostReports.fromCur({ month: payload.month, path: payload.curPath ?? "", policy })
        : yield* CostReports.fromCostExplorer({ month: payload.month, policy })
    const table = ReportView.view(result.report, payload.by)
    const files =
      payload.outputDir === undefined
        ? []
        : yield* write(payload.outputDir, {
            "report.html": HtmlReport.toHtml(result.report, { daily: result.daily }),
            "report.csv": ReportView.toCsv(table),
            "report.json": `${JSON.stringify(ReportView.toJson(result.report), null, 2)}\n`
          })
    const a = result.report.allocation
    return {
      month: payload.month,
      source: result.report.source,
      by: payload.by,
      billTotal: ReportView.microsToDecimal(a.billTotal),
      unallocated: ReportView.microsToDecimal(a.unallocated),
      rows: table.rows.map((row) => row.map((cell, i) => (table.moneyColumns.includes(i) ? ReportView.microsToDecimal(cell as number) : String(cell)))),
      skipped: result.report.ingest?.skipped ?? [],
      files,
      ...(result.calls === undefined ? {} : { calls: result.calls })
    }
  }).pipe(
    Effect.provide(sources),
    Effect.mapError((error) =>
      error instanceof TaskFailure
        ? error
        : ConfigError.isConfigError(error)
          ? new TaskFailure({ reason: "Permanent", message: `AWS settings: ${String(error)}` })
          : new TaskFailure({ reason: CostReportTask.isTransient(error) ? "Transient" : "Permanent", message: error.message })
    ),
    Effect.withSpan("CostReportHandler.run")
  )

export const CostReportHandler = HandlerRegistry.handler({
  kind: costReportKind,
  payload: CostReportPayload,
  timeout: "30 minutes",
  run: (payload) => runCostReport(payload)
})
