/**
 * `miyabi cycle [--approve] [--resume ID]`, `miyabi cycle history`,
 * `miyabi monitor` (θ5) and `miyabi learn` (θ6). Options only; the work is
 * in AgentCycleHandler.ts, MonitorHandler.ts and LearnHandler.ts, loaded on
 * first use.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { intOption } from "../../IntOption.js"
import { globalOptions } from "../../Global.js"
import { scopeOptions } from "../discover/ScopeFlags.js"

const count = (name: string, description: string) =>
  intOption(name, { min: 1, max: 10_000 }).pipe(Options.withDescription(description), Options.optional)

const watch = Options.text("watch").pipe(
  Options.withDescription("θ5's watch window after the changes: 90m, 2h, 1d... (CloudWatch needs several 5-minute periods)."),
  Options.withDefault("30m")
)

const records = Options.text("records").pipe(
  Options.withDescription("Keep deployment records in this folder instead of the --store (they are kept so a crashed deployment can be resumed or rolled back)."),
  Options.optional
)

export const cycleOptions = {
  ...globalOptions,
  ...scopeOptions,
  approve: Options.boolean("approve").pipe(Options.withDescription("Apply the plan for real; without it the cycle is a dry run and changes nothing.")),
  top: count("top", "Deploy only the plan's first N changes (ordered by priority, then savings)."),
  maxChanges: count("max-changes", "Blast radius: refuse a deployment of more changes than this."),
  productionOus: Options.text("production-ous").pipe(
    Options.withDescription("OU ids (comma-separated; child OUs included) whose accounts are never changed without --allow-production (default: MIYABI_PRODUCTION_OUS)."),
    Options.optional
  ),
  allowProduction: Options.boolean("allow-production").pipe(Options.withDescription("Let --approve change accounts under the production OUs too.")),
  watch,
  records,
  utilizationDays: intOption("utilization-days", { min: 1, max: 63 }).pipe(
    Options.withDescription("CloudWatch window of θ1 in days."),
    Options.withDefault(14)
  ),
  id: Options.text("id").pipe(Options.withDescription("The new cycle's id (default: cycle-<UTC time>)."), Options.optional),
  resume: Options.text("resume").pipe(Options.withDescription("Continue the stored cycle ID from its last completed phase instead of starting one."), Options.optional),
  outDir: Options.text("out-dir").pipe(Options.withDescription("Where the cycle's reports go (<dir>/<cycle id>/cycle.md, cycle.json, plan.md and the IaC)."), Options.withDefault("miyabi-cycles"))
}

export const historyOptions = { ...globalOptions }

export const monitorOptions = {
  ...globalOptions,
  deployment: Options.text("deployment").pipe(Options.withDescription("The deployment id to watch (in the --store, or --records; miyabi deploy --approve prints it).")),
  records,
  watch
}

export const learnOptions = {
  ...globalOptions,
  cycle: Options.text("cycle").pipe(Options.withDescription("The stored cycle whose learning to show (default: the newest completed one)."), Options.optional),
  out: Options.text("out").pipe(Options.withDescription("Also write the learning report (Markdown) to this file."), Options.optional)
}

const cycleHandlers = () => Effect.promise(() => import("./AgentCycleHandler.js"))

const historyCommand = Command.make("history", historyOptions, (flags) => Effect.flatMap(cycleHandlers(), (h) => h.history(flags))).pipe(
  Command.withDescription("The cycles in the store, newest first: phases done, World_n -> World_n+1 cost and score, World∞.")
)

export const cycleCommand = Command.make("cycle", cycleOptions, (flags) => Effect.flatMap(cycleHandlers(), (h) => h.cycle(flags))).pipe(
  Command.withDescription(
    "One agent cycle, World_n -> World_n+1: θ1 discover, θ2/θ3 plan and optimize, θ4 deploy (dry run unless --approve), θ5 monitor (regressions rolled back), θ1 again, θ6 learn; every phase stored in --store, --resume continues a stopped cycle."
  ),
  Command.withSubcommands([historyCommand])
)

export const monitorCommand = Command.make("monitor", monitorOptions, (flags) =>
  Effect.flatMap(
    Effect.promise(() => import("./MonitorHandler.js")),
    (h) => h.monitor(flags)
  )
).pipe(
  Command.withDescription("θ5 for an applied deployment: baseline before it, CloudWatch alarms (CPU > 80 % sustained, cost over target), a watch window, the verdict; regressed changes are rolled back.")
)

export const learnCommand = Command.make("learn", learnOptions, (flags) =>
  Effect.flatMap(
    Effect.promise(() => import("./LearnHandler.js")),
    (h) => h.learn(flags)
  )
).pipe(Command.withDescription("θ6: realized vs predicted savings per change and per rule, rule confidence, which rules are advice-only, and the recommendations for the next cycle."))
