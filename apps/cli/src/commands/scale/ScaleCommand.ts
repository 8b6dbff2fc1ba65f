/**
 * `miyabi scale simulate`: replay a queue (a trace file, or generated
 * arrivals) through the SPEC's scaling policy; `miyabi scale status`: the
 * live queue the policy watches.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { intOption } from "../../IntOption.js"
import { globalOptions } from "../../Global.js"
import { choiceOption } from "../../ChoiceOption.js"

export const patterns = ["uniform", "poisson", "diurnal"] as const
export const capacities = ["on-demand", "spot"] as const

export const simulateOptions = {
  ...globalOptions,
  trace: Options.text("trace").pipe(
    Options.withDescription("A queue trace: CSV `at[,serviceSeconds[,priority]]` or JSON lines; `at` ISO-8601 or seconds."),
    Options.optional
  ),
  arrivals: Options.text("arrivals").pipe(Options.withDescription("Generated arrivals instead of a trace, e.g. 9600/day or 400/hour."), Options.optional),
  service: Options.text("service").pipe(Options.withDescription("Service time of a task without one (e.g. 15m, 900s)."), Options.withDefault("15m")),
  startDelay: Options.text("start-delay").pipe(
    Options.withDescription("Time from launching an ECS task to it taking work, a range drawn uniformly (e.g. 60-90s)."),
    Options.withDefault("60-90s")
  ),
  seed: Options.integer("seed").pipe(Options.withDescription("Seed of generated arrivals and start delays."), Options.withDefault(1)),
  days: intOption("days", { min: 1, max: 30 }).pipe(
    Options.withDescription("Days of generated arrivals (1-30)."),
    Options.withDefault(1)
  ),
  pattern: choiceOption("pattern", patterns).pipe(
    Options.withDescription("Generated arrivals: evenly spaced, Poisson, or Poisson with a day/night swing of 50 %."),
    Options.withDefault("uniform" as const)
  ),
  max: choiceOption("max", ["100", "500"] as const).pipe(
    Options.withDescription("Fleet maximum: the SPEC policy (100) or its hyper-scale variant (500)."),
    Options.withDefault("100" as const)
  ),
  capacity: choiceOption("capacity", capacities).pipe(
    Options.withDescription("Price workers on-demand (the SPEC's figures) or as Fargate Spot."),
    Options.withDefault("on-demand" as const)
  )
}

export const statusOptions = {
  ...globalOptions,
  cluster: Options.text("cluster").pipe(
    Options.withDescription("ECS cluster of the worker service, for running/desired tasks (default: MIYABI_ECS_CLUSTER)."),
    Options.optional
  ),
  service: Options.text("service").pipe(Options.withDescription("ECS service of the workers (default: MIYABI_ECS_SERVICE)."), Options.optional)
}

const simulate = Command.make("simulate", simulateOptions, (flags) =>
  Effect.flatMap(Effect.promise(() => import("./ScaleHandlers.js")), (h) => h.simulate(flags))
).pipe(
  Command.withDescription(
    "Replay a queue trace or generated arrivals through the scaling policy (with the ECS start delay) and report scale events, queue wait, worker-hours and cost per task."
  )
)

const status = Command.make("status", statusOptions, (flags) =>
  Effect.flatMap(Effect.promise(() => import("./ScaleHandlers.js")), (h) => h.status(flags))
).pipe(
  Command.withDescription(
    "The live queue the scaling policy watches (depth and oldest age per lane) beside the worker service's running, desired and pending ECS tasks (DescribeServices)."
  )
)

export const scaleCommand = Command.make("scale").pipe(
  Command.withDescription("Fleet scaling: simulate the policy, or look at the live queue."),
  Command.withSubcommands([simulate, status])
)
