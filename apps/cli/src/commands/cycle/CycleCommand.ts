/**
 * The agent cycle's phases over a world state file: `miyabi plan` (θ2),
 * `miyabi optimize` (θ3) and `miyabi deploy` (θ4). Options only; the work
 * is in CycleHandlers.ts and DeployHandler.ts.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { intOption } from "../../IntOption.js"
import { globalOptions } from "../../Global.js"

const world = Options.text("world").pipe(Options.withDescription("The world state file to work from (miyabi discover --out)."))
const cycle = Options.text("cycle").pipe(Options.withDescription("The cycle id the plan carries (A-Z, a-z, 0-9, _ or -)."), Options.withDefault("cli"))

export const planOptions = {
  ...globalOptions,
  world,
  cycle,
  outDir: Options.text("out-dir").pipe(Options.withDescription("Where plan.md, plan.json and the CloudFormation/Terraform files go."), Options.withDefault("miyabi-plan"))
}

export const optimizeOptions = {
  ...globalOptions,
  world,
  cycle,
  out: Options.text("out").pipe(Options.withDescription("Write the execution plan (JSON, the input of miyabi deploy) here."), Options.optional)
}

export const deployOptions = {
  ...globalOptions,
  plan: Options.text("plan").pipe(Options.withDescription("The execution plan file (miyabi optimize --out).")),
  approve: Options.boolean("approve").pipe(Options.withDescription("Apply for real; without it a dry run prints what would change and changes nothing.")),
  maxChanges: intOption("max-changes", { min: 1, max: 10_000 }).pipe(
    Options.withDescription("Blast radius: refuse a run of more changes than this (on top of the plan's own limit)."),
    Options.optional
  ),
  top: intOption("top", { min: 1, max: 10_000 }).pipe(
    Options.withDescription("Take only the plan's first N changes (it is ordered by priority, then savings)."),
    Options.optional
  ),
  records: Options.text("records").pipe(Options.withDescription("Keep deployment records in this folder instead of the --store (they are kept so a crashed deployment can be resumed or rolled back)."), Options.optional)
}

const handlers = () => Effect.promise(() => import("./CycleHandlers.js"))

export const planCommand = Command.make("plan", planOptions, (flags) => Effect.flatMap(handlers(), (h) => h.plan(flags))).pipe(
  Command.withDescription("θ2: the cost and security plans of a world state (current vs target, each recommendation with its evidence) and the CloudFormation and Terraform for the resources they touch.")
)

export const optimizeCommand = Command.make("optimize", optimizeOptions, (flags) => Effect.flatMap(handlers(), (h) => h.optimize(flags))).pipe(
  Command.withDescription("θ3: the execution plan of a world state, ranked changes with priority, savings, risk and rollback; advice listed apart.")
)

export const deployCommand = Command.make("deploy", deployOptions, (flags) =>
  Effect.flatMap(
    Effect.promise(() => import("./DeployHandler.js")),
    (h) => h.deploy(flags)
  )
).pipe(
  Command.withDescription("θ4: apply an execution plan through the AWS the environment configures. A dry run unless --approve; blast radius, protected tags (miyabi:protected=true), dependency order, validation and rollback on failure; the record is kept in the --store (or --records DIR).")
)
