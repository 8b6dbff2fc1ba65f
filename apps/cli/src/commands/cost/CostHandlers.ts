/**
 * What `miyabi cost ...` does; loaded on first use (see CostCommand.ts).
 * Parse the flags, ask @miyabi/cost, render.
 */
import type * as Command from "@effect/cli/Command"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Budgets, CostExplorer, type CostProgressEvent, CostPerTask, CostReports, CurFiles, FleetModel, HtmlReport, type OnCostProgress, ReportView } from "@miyabi/cost"
import { TaskQueue } from "@miyabi/queue"
import { AllocationAccount, AllocationPolicy, InvalidInput, MicroUsd, Money, NotFound, type Task } from "@miyabi/types"
import { Clock, ConfigError, Effect, Layer, Option, Schema } from "effect"
import { withOutput, withQueue } from "../../CommandContext.js"
import { Output, type OutputShape } from "../../Output.js"
import { renderFields, renderTable } from "../../render/Table.js"
import { parseSince } from "../kpi/Kpi.js"
import type { budgetsOptions, customerOptions, modelOptions, perTaskOptions, reportOptions, sourceOptions } from "./CostCommand.js"
import { parseAsOf, parseBudgets, parseBy, parseFormat, parseMonth, parseSize, parseSource, parseUsd, CostSourceError } from "./CostInputs.js"
import { specScalePoints } from "./SpecScalePoints.js"
import { decodeJsonFile, replaceFile } from "../world/WorldFiles.js"
import { envSettingsError } from "../../EnvSettings.js"

type SourceFlags = Command.Command.ParseConfig<typeof sourceOptions>

const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))

const readAccounts = (path: string) => decodeJsonFile(Schema.Array(AllocationAccount), path)


/** One progress line per step of reading the bill, e.g. `cost 2026-10: checking CUR file 2/3 (.../part-2.parquet)`. */
export const costProgressLine = (month: string, e: CostProgressEvent): string => {
  switch (e._tag) {
    case "CurFile":
      return `cost ${month}: checking CUR file ${e.index}/${e.total} (${e.file})`
    case "CurQuery":
      return `cost ${month}: reading CUR (${e.files} file${e.files === 1 ? "" : "s"})`
    case "CostExplorerQuery": {
      const what = e.account === undefined ? "accounts with cost" : `account ${e.index}/${e.total} ${e.account}`
      return `cost ${month}: Cost Explorer ${what}, ${e.pages} page${e.pages === 1 ? "" : "s"}${e.cached ? " (cached)" : ""}`
    }
  }
}

/** Reading the bill on the output's progress line (a terminal only, never with --json). */
export const reportCostProgress = (output: OutputShape, month: string): OnCostProgress => (e) => output.progress(costProgressLine(month, e))

/** A month's report from the source the flags name. */
export const loadMonth = (flags: SourceFlags) =>
  Effect.gen(function* () {
    const output = yield* Output
    const month = yield* parseMonth(flags.month, yield* now)
    const source = yield* parseSource(flags.source, flags.cur)
    const accounts = yield* Option.match(flags.accounts, { onNone: () => Effect.succeed([]), onSome: readAccounts })
    const policy = AllocationPolicy.make({ accounts, customerTag: flags.tag, measure: "unblended", defaultKey: { _tag: "even" } })
    const onProgress = reportCostProgress(output, month)
    const cleared = Effect.ensuring(output.progress(""))
    const result: CostReports.MonthlyReport =
      source._tag === "cur"
        ? yield* CostReports.fromCur({ month, path: source.path, policy, failOnSkipped: flags.strict, onProgress }).pipe(Effect.provide(CurFiles.layerWithDuckDb()), cleared)
        : yield* CostReports.fromCostExplorer({ month, policy, onProgress }).pipe(
            Effect.provide(CostExplorer.layer.pipe(Layer.provide(AwsRuntime.layerConfig()))),
            Effect.mapError((error) => (ConfigError.isConfigError(error) ? envSettingsError(error) : error)),
            cleared
          )
    return { month, ...result }
  }).pipe(Effect.mapError((error) => (error instanceof InvalidInput ? error : new CostSourceError({ reason: "SourceFailed", detail: error.message }))))

const usd = (micros: number): string => Money.format(MicroUsd.make(micros))
/** Four decimals, for per-task amounts under a cent. */
const perTaskUsd = (micros: number): string => `$${ReportView.microsToDecimal(micros).slice(0, -2)}`

/** The skipped-row lines of a CUR read ("12 row(s) skipped (malformed cost), $3.40"); empty for Cost Explorer. */
const ingestLines = (result: CostReports.MonthlyReport): ReadonlyArray<string> => {
  const ingest = result.report.ingest
  if (ingest === undefined) return []
  return [
    `${ingest.rowsRead} row(s) read from ${ingest.files.length} file(s) (${ingest.format}), ${ingest.rowsSkipped} skipped`,
    ...ingest.skipped.map((s) => `skipped ${s.rows} row(s): ${s.reason} (${usd(s.cost)} of known cost)`)
  ]
}

const callsLine = (result: CostReports.MonthlyReport) =>
  result.calls === undefined ? [] : [`Cost Explorer: ${result.calls.sent} request(s) sent (billed at AWS), ${result.calls.cached} answered from cache`]

const summaryJson = (month: string, result: CostReports.MonthlyReport) => {
  const a = result.report.allocation
  return {
    month,
    source: result.report.source,
    customerTag: a.customerTag,
    billTotal: ReportView.microsToDecimal(a.billTotal),
    allocatedTotal: ReportView.microsToDecimal(a.customers.reduce((s, c) => s + c.total, 0) + a.unallocated),
    unallocated: ReportView.microsToDecimal(a.unallocated),
    ...(result.calls === undefined ? {} : { calls: result.calls }),
    ...(result.report.ingest === undefined
      ? {}
      : { ingest: { rowsRead: result.report.ingest.rowsRead, rowsSkipped: result.report.ingest.rowsSkipped, skipped: result.report.ingest.skipped } })
  }
}

const writeOut = (path: string, text: string) =>
  replaceFile(path, text).pipe(Effect.mapError((error) => new InvalidInput({ source: "--out", reason: `${path}: ${error.reason}` })))

const warn = (lines: ReadonlyArray<string>) => Effect.sync(() => void (lines.length > 0 && process.stderr.write(lines.map((l) => `note: ${l}\n`).join(""))))

export const report = (flags: Command.Command.ParseConfig<typeof reportOptions>) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const by = yield* parseBy(flags.by)
      const format = output.json ? "json" : yield* parseFormat(flags.format)
      const result = yield* loadMonth(flags)
      const table = ReportView.view(result.report, by)
      const a = result.report.allocation
      const text =
        format === "json"
          ? `${JSON.stringify({ ...summaryJson(result.month, result), by, rows: table.rows.map((row) => row.map((cell, i) => (table.moneyColumns.includes(i) ? ReportView.microsToDecimal(cell as number) : String(cell)))), report: ReportView.toJson(result.report) }, null, 2)}\n`
          : format === "csv"
            ? ReportView.toCsv(table)
            : format === "html"
              ? HtmlReport.toHtml(result.report, { daily: result.daily })
              : [
                  `${result.month} by ${by}, from ${result.report.source} (customer tag ${a.customerTag})`,
                  "",
                  ReportView.toTable(table, a.notes),
                  "",
                  `bill total ${usd(a.billTotal)}; customers + unallocated ${usd(a.customers.reduce((s, c) => s + c.total, 0) + a.unallocated)}`,
                  ...ingestLines(result),
                  ...callsLine(result)
                ].join("\n")
      const out = Option.getOrUndefined(flags.out)
      if (out !== undefined) {
        yield* writeOut(out, text)
        if (output.json) return yield* output.printJson({ ...summaryJson(result.month, result), by, format, file: out })
        yield* output.print([`wrote ${format} report to ${out}: bill total ${usd(a.billTotal)}`, ...ingestLines(result), ...callsLine(result)].join("\n"))
        return
      }
      if (format !== "table" && !output.json) yield* warn([...ingestLines(result), ...callsLine(result)])
      yield* output.print(text)
    })
  )

export const customer = (flags: Command.Command.ParseConfig<typeof customerOptions>) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const result = yield* loadMonth(flags)
      const found = result.report.allocation.customers.find((c) => c.customer === flags.customer)
      if (found === undefined) {
        const known = result.report.allocation.customers.map((c) => c.customer)
        return yield* Effect.fail(
          new NotFound({ entity: `customer (no cost in ${result.month}; known: ${known.slice(0, 8).join(", ")}${known.length > 8 ? ", ..." : ""})`, id: flags.customer })
        )
      }
      if (output.json) {
        return yield* output.printJson({
          ...summaryJson(result.month, result),
          customer: found.customer,
          direct: ReportView.microsToDecimal(found.direct),
          shared: ReportView.microsToDecimal(found.shared),
          total: ReportView.microsToDecimal(found.total),
          explanation: found.explanation.map((e) => ({ kind: e.kind, account: e.account, amount: ReportView.microsToDecimal(e.amount), text: e.text }))
        })
      }
      yield* output.print(
        [
          renderFields([
            ["customer", found.customer],
            ["month", `${result.month} (${result.report.source})`],
            ["total", usd(found.total)],
            ["direct", usd(found.direct)],
            ["shared", usd(found.shared)],
            ["share of bill", `${((found.total / Math.max(1, result.report.allocation.billTotal)) * 100).toFixed(2)} % of ${usd(result.report.allocation.billTotal)}`]
          ]),
          "",
          renderTable(["kind", "account", "amount", "why"], found.explanation.map((e) => [e.kind, e.account ?? "-", usd(e.amount), e.text])),
          ...ingestLines(result).map((l) => `note: ${l}`)
        ].join("\n")
      )
    })
  )

/** Most task records read; more and the output says it saw only part. */
const LIST_LIMIT = 10_000

/** The flags of `cost per-task`, checked before the store is opened (a refused run creates no store). */
const perTaskInputs = (flags: Command.Command.ParseConfig<typeof perTaskOptions>) =>
  Effect.gen(function* () {
    const sinceMs = parseSince(flags.since)
    if (sinceMs === undefined) return yield* Effect.fail(new InvalidInput({ source: "--since", reason: `"${flags.since}" is not a window such as 30d, 24h or 90m` }))
    const size = yield* parseSize(flags.size)
    const fleetCost = Option.isSome(flags.fleetCost) ? Option.some(yield* parseUsd("--fleet-cost", flags.fleetCost.value)) : Option.none()
    return { sinceMs, size, fleetCost }
  })

export const perTask = (flags: Command.Command.ParseConfig<typeof perTaskOptions>) =>
  Effect.flatMap(perTaskInputs(flags), (inputs) => perTaskOf(flags, inputs))

const perTaskOf = (
  flags: Command.Command.ParseConfig<typeof perTaskOptions>,
  { fleetCost, sinceMs, size }: Effect.Effect.Success<ReturnType<typeof perTaskInputs>>
) =>
  withQueue(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const capacity = flags.spot ? ("spot" as const) : ("on-demand" as const)
      const queue = yield* TaskQueue
      const to = yield* now
      const from = new Date(to.getTime() - sinceMs)
      const listed = yield* queue.list({ status: "Completed", limit: LIST_LIMIT })
      const ran = listed.filter(
        (t): t is Task & { startedAt: Date; finishedAt: Date } =>
          t.startedAt !== undefined && t.finishedAt !== undefined && t.finishedAt.getTime() >= from.getTime() && t.finishedAt.getTime() <= to.getTime()
      )
      const records: ReadonlyArray<CostPerTask.TaskRecord> = ran.map((t) => ({
        taskId: t.id,
        ...(t.tenant === undefined ? {} : { customer: t.tenant }),
        size,
        capacity,
        durationMs: t.finishedAt.getTime() - t.startedAt.getTime()
      }))
      const pricing = FleetModel.FARGATE_US_EAST_1
      const modelHourly = FleetModel.workerHourNanos(size, capacity, pricing)
      const fleet = Option.match(fleetCost, {
        onNone: () => ({
          cost: MicroUsd.make(Math.round((flags.workers * modelHourly * (sinceMs / 3_600_000)) / 1000)),
          basis: `model: ${flags.workers} ${size} worker(s) ${capacity} for ${flags.since} at ${pricing.name}`
        }),
        onSome: (cost) => ({ cost, basis: "--fleet-cost" })
      })
      const costs = CostPerTask.perTaskCosts(records, fleet.cost, pricing)
      const byKind = new Map<string, { tasks: number; cost: number; ms: number }>()
      ran.forEach((t, i) => {
        const entry = byKind.get(t.kind) ?? { tasks: 0, cost: 0, ms: 0 }
        entry.tasks += 1
        entry.cost += costs.tasks[i]?.cost ?? 0
        entry.ms += records[i]?.durationMs ?? 0
        byKind.set(t.kind, entry)
      })
      const kinds = [...byKind.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      const truncated = listed.length >= LIST_LIMIT
      if (output.json) {
        return yield* output.printJson({
          from: from.toISOString(),
          to: to.toISOString(),
          tasks: records.length,
          fleetCost: ReportView.microsToDecimal(costs.fleetCost),
          fleetCostBasis: fleet.basis,
          averagePerTask: ReportView.microsToDecimal(costs.averagePerTask),
          modelled: ReportView.microsToDecimal(costs.modelled),
          unattributed: ReportView.microsToDecimal(costs.unattributed),
          truncated,
          customers: costs.customers.map((c) => ({ customer: c.customer, tasks: c.tasks, cost: ReportView.microsToDecimal(c.cost), perTask: ReportView.microsToDecimal(c.perTask) })),
          kinds: kinds.map(([kind, k]) => ({ kind, tasks: k.tasks, cost: ReportView.microsToDecimal(k.cost), perTask: ReportView.microsToDecimal(Math.round(k.cost / k.tasks)), meanSeconds: Math.round(k.ms / k.tasks / 1000) }))
        })
      }
      yield* output.print(
        [
          renderFields([
            ["window", `${from.toISOString()} .. ${to.toISOString()} (${flags.since})`],
            ["tasks", `${records.length} completed${truncated ? ` (only the first ${LIST_LIMIT} records read)` : ""}`],
            ["fleet cost", `${usd(costs.fleetCost)} (${fleet.basis})`],
            ["cost per task", usd(costs.averagePerTask)],
            ["modelled", `${usd(costs.modelled)} at list price with no idle time; the rest of the fleet cost is idle capacity charged to the tasks that ran`],
            ...(costs.unattributed > 0 ? ([["unattributed", `${usd(costs.unattributed)} (no task with a duration in the window)`]] as const) : [])
          ]),
          "",
          renderTable(["customer", "tasks", "cost", "per task"], costs.customers.map((c) => [c.customer, c.tasks, usd(c.cost), usd(c.perTask)])),
          "",
          renderTable(["kind", "tasks", "mean s", "cost", "per task"], kinds.map(([kind, k]) => [kind, k.tasks, Math.round(k.ms / k.tasks / 1000), usd(k.cost), usd(Math.round(k.cost / k.tasks))]))
        ].join("\n")
      )
    })
  )

export const model = (flags: Command.Command.ParseConfig<typeof modelOptions>) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const size = yield* parseSize(flags.size)
      const e = FleetModel.estimate({ workers: flags.workers, size, capacity: flags.spot ? "spot" : "on-demand" })
      const points = specScalePoints()
      if (output.json) {
        return yield* output.printJson({
          workers: flags.workers,
          size,
          capacity: flags.spot ? "spot" : "on-demand",
          monthly: ReportView.microsToDecimal(e.totalMonthly),
          fleetMonthly: ReportView.microsToDecimal(e.fleetMonthly),
          tasksPerDay: e.tasksPerDay,
          costPerTask: ReportView.microsToDecimal(e.costPerTask),
          computePerTask: ReportView.microsToDecimal(e.computePerTask),
          assumptions: e.assumptions,
          spec: points.map((p) => ({ label: p.label, model: { tasksPerDay: p.model.tasksPerDay, fleetMonthly: ReportView.microsToDecimal(p.model.fleetMonthly), costPerTask: ReportView.microsToDecimal(p.model.costPerTask) }, spec: p.spec }))
        })
      }
      yield* output.print(
        [
          `${flags.workers} ${size} worker(s), ${flags.spot ? "Fargate Spot" : "on-demand"}: ${usd(e.totalMonthly)}/month, ${e.tasksPerDay.toLocaleString("en-US")} tasks/day, ${usd(e.costPerTask)} per task`,
          `  fleet ${usd(e.fleetMonthly)}/month (${perTaskUsd(e.computePerTask)} per task) + fixed ${usd(e.fixedMonthly)} + outside the fleet ${usd(e.externalMonthly)}`,
          "",
          renderTable(
            ["SPEC scale point", "tasks/day", "SPEC", "fleet $/month", "SPEC", "$/task", "SPEC"],
            points.map((p) => [p.label, p.model.tasksPerDay.toLocaleString("en-US"), p.spec.tasksPerDay, usd(p.model.fleetMonthly), p.spec.monthly, usd(p.model.costPerTask), p.spec.perTask])
          ),
          "",
          ...e.assumptions.map((a) => `assumption: ${a}`)
        ].join("\n")
      )
    })
  )

export const budgets = (flags: Command.Command.ParseConfig<typeof budgetsOptions>) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const limits = yield* parseBudgets(flags.budget)
      const asOf = yield* parseAsOf(flags.asOf, yield* now)
      const result = yield* loadMonth(flags)
      const forecasts = Budgets.forecastBudgets(result.month, asOf, result.daily, limits)
      const alerts = forecasts.filter((f) => f.alert)
      if (output.json) {
        return yield* output.printJson({
          ...summaryJson(result.month, result),
          asOf,
          alerts: alerts.map((f) => f.customer),
          forecasts: forecasts.map((f) => ({
            customer: f.customer,
            monthToDate: ReportView.microsToDecimal(f.monthToDate),
            forecast: ReportView.microsToDecimal(f.forecast),
            budget: f.budget === undefined ? null : ReportView.microsToDecimal(f.budget),
            method: f.method,
            daysObserved: f.daysObserved,
            alert: f.alert
          }))
        })
      }
      yield* output.print(
        [
          `${result.month} as of ${asOf}, from ${result.report.source}`,
          "",
          renderTable(
            ["customer", "month to date", "forecast", "budget", "method", ""],
            forecasts.map((f) => [f.customer, usd(f.monthToDate), usd(f.forecast), f.budget === undefined ? "-" : usd(f.budget), `${f.method} (${f.daysObserved}/${f.daysInMonth} d)`, f.alert ? "ALERT" : ""])
          ),
          "",
          alerts.length === 0 ? "no forecast exceeds its budget" : `ALERT: ${alerts.map((f) => `${f.customer} forecast ${usd(f.forecast)} > budget ${usd(f.budget ?? 0)}`).join("; ")}`,
          ...ingestLines(result).map((l) => `note: ${l}`)
        ].join("\n")
      )
    })
  )
