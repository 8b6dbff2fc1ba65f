/**
 * `miyabi cost report|customer|per-task|model|budgets`: the AWS bill to each
 * customer (Cost Explorer or CUR files), cost per task from the task
 * records, the fleet cost model and budgets (@miyabi/cost).
 *
 * Flags that take a fixed set of values (--by, --source, --format, --size)
 * are plain text checked by the handler, so that a wrong value is one line
 * naming the flag and exit 1 rather than the usage screen.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { intOption } from "../../IntOption.js"
import { globalOptions } from "../../Global.js"

const month = Options.text("month").pipe(Options.withDescription("The month, YYYY-MM (default: the current month, UTC)."), Options.optional)

/** Where the bill comes from; shared by report, customer and budgets. */
export const sourceOptions = {
  ...globalOptions,
  month,
  tag: Options.text("tag").pipe(Options.withDescription("The cost-allocation tag naming the customer."), Options.withDefault("CostCenter")),
  source: Options.text("source").pipe(
    Options.withDescription("ce (Cost Explorer through the AWS the environment configures, AWS_ENDPOINT_URL included) or cur (CUR files read with DuckDB; default when --cur is given)."),
    Options.optional
  ),
  cur: Options.text("cur").pipe(Options.withDescription("A CUR file (.csv, .csv.gz, .parquet; legacy CUR, CUR 2.0 or FOCUS) or a folder of them."), Options.optional),
  accounts: Options.text("accounts").pipe(
    Options.withDescription("A JSON file of allocation accounts ([{account, kind: silo|pool|bridge|shared-platform, customers, key?}]); without it only tagged cost reaches customers."),
    Options.optional
  ),
  strict: Options.boolean("strict").pipe(
    Options.withDescription("Fail (exit 1) when a CUR file has malformed or incomplete rows, instead of skipping them with a note.")
  )
}

export const reportOptions = {
  ...sourceOptions,
  by: Options.text("by").pipe(Options.withDescription("customer, account or service."), Options.withDefault("customer")),
  format: Options.text("format").pipe(Options.withDescription("table, csv, json or html (a self-contained page with charts)."), Options.withDefault("table")),
  out: Options.text("out").pipe(Options.withDescription("Write the report to this file instead of stdout."), Options.optional)
}

export const customerOptions = { ...sourceOptions, customer: Args.text({ name: "customer" }).pipe(Args.withDescription("The customer id (the tag's value).")) }

/** --workers, --size and --spot: the fleet the cost model prices, described as each command reads them. */
const fleetOptions = (describe: { readonly workers: string; readonly size: string; readonly spot: string }) => ({
  workers: intOption("workers", { min: 1, max: 100_000 }).pipe(
    Options.withDescription(describe.workers),
    Options.withDefault(1)
  ),
  size: Options.text("size").pipe(Options.withDescription(describe.size), Options.withDefault("standard")),
  spot: Options.boolean("spot").pipe(Options.withDescription(describe.spot))
})

export const perTaskOptions = {
  ...globalOptions,
  since: Options.text("since").pipe(Options.withDescription("Tasks finished in the last 30d, 24h, 90m, 2w..."), Options.withDefault("30d")),
  fleetCost: Options.text("fleet-cost").pipe(
    Options.withDescription("The fleet's real cost over the window in USD (e.g. 2914.56); default: the model's cost of --workers workers over the window."),
    Options.optional
  ),
  ...fleetOptions({
    workers: "Workers running over the window, for the modelled fleet cost.",
    size: "Task size of every task: light, standard, medium, heavy or xl.",
    spot: "Workers run on Fargate Spot."
  })
}

export const modelOptions = {
  ...globalOptions,
  ...fleetOptions({
    workers: "Workers in the fleet.",
    size: "Worker size: light, standard, medium, heavy or xl.",
    spot: "Price the fleet as Fargate Spot (30 % of on-demand)."
  })
}

export const budgetsOptions = {
  ...sourceOptions,
  budget: Options.text("budget").pipe(Options.withDescription("A monthly budget, CUSTOMER=USD (repeatable)."), Options.repeated),
  asOf: Options.text("as-of").pipe(Options.withDescription("The last complete day, YYYY-MM-DD (default: yesterday, or the month's last day for a past month)."), Options.optional)
}

const handlers = () => Effect.promise(() => import("./CostHandlers.js"))

const report = Command.make("report", reportOptions, (flags) => Effect.flatMap(handlers(), (h) => h.report(flags))).pipe(
  Command.withDescription("A month's bill by customer (direct + shared = total, summing to the bill exactly), account or service, as a table, CSV, JSON or HTML.")
)

const customer = Command.make("customer", customerOptions, (flags) => Effect.flatMap(handlers(), (h) => h.customer(flags))).pipe(
  Command.withDescription("One customer's month: its total and where each part comes from (tagged, silo account, share of a pool).")
)

const perTask = Command.make("per-task", perTaskOptions, (flags) => Effect.flatMap(handlers(), (h) => h.perTask(flags))).pipe(
  Command.withDescription("Cost per task from the task records of --store (duration x size x Fargate price as weights), reconciled to the fleet's cost.")
)

const model = Command.make("model", modelOptions, (flags) => Effect.flatMap(handlers(), (h) => h.model(flags))).pipe(
  Command.withDescription("The fleet cost model: monthly cost, tasks/day and cost per task, beside the SPEC's scale points.")
)

const budgets = Command.make("budgets", budgetsOptions, (flags) => Effect.flatMap(handlers(), (h) => h.budgets(flags))).pipe(
  Command.withDescription("Each customer's month-to-date cost, month-end forecast and an alert when the forecast exceeds its budget.")
)

export const costCommand = Command.make("cost").pipe(
  Command.withDescription("Cost: the bill per customer, cost per task, the fleet model and budgets."),
  Command.withSubcommands([report, customer, perTask, model, budgets])
)
