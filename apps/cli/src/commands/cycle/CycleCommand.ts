/**
 * The agent cycle's phases over a world state file: `miyabi plan` (θ2),
 * `miyabi optimize` (θ3) and `miyabi deploy` (θ4). Options only; the work
 * is in CycleHandlers.ts.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
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

const handlers = () => Effect.promise(() => import("./CycleHandlers.js"))

export const planCommand = Command.make("plan", planOptions, (flags) => Effect.flatMap(handlers(), (h) => h.plan(flags))).pipe(
  Command.withDescription("θ2: the cost and security plans of a world state (current vs target, each recommendation with its evidence) and the CloudFormation and Terraform for the resources they touch.")
)

export const optimizeCommand = Command.make("optimize", optimizeOptions, (flags) => Effect.flatMap(handlers(), (h) => h.optimize(flags))).pipe(
  Command.withDescription("θ3: the execution plan of a world state, ranked changes with priority, savings, risk and rollback; advice listed apart.")
)
