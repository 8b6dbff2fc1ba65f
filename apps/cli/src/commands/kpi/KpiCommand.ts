/**
 * `miyabi kpi [--since 7d]`: the fleet's KPIs from the task records of
 * --store, each beside its SPEC target.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { intOption } from "../../IntOption.js"
import { globalOptions } from "../../Global.js"

export const kpiOptions = {
  ...globalOptions,
  since: Options.text("since").pipe(Options.withDescription("The window: tasks finished in the last 7d, 24h, 90m, 2w..."), Options.withDefault("7d")),
  workers: intOption("workers", { min: 1, max: 100_000 }).pipe(
    Options.withDescription("Fleet size over the window, for tasks/day per worker (default: workers counted by busy time)."),
    Options.optional
  )
}

export const kpiCommand = Command.make("kpi", kpiOptions, (flags) =>
  Effect.flatMap(Effect.promise(() => import("./KpiHandlers.js")), (h) => h.kpi(flags))
).pipe(
  Command.withDescription(
    "Tasks/day per worker, p50/p99 task latency, success and error rates and dead-lettered tasks from the task records, each beside the SPEC's target."
  )
)
