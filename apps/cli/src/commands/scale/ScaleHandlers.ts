/**
 * What `miyabi scale simulate|status` do; loaded on first use (see ScaleCommand.ts).
 */
import type * as Command from "@effect/cli/Command"
import { Scaling, TaskQueue } from "@miyabi/queue"
import { InvalidInput } from "@miyabi/types"
import { Effect, Option } from "effect"
import { withOutput, withQueue } from "../../CommandContext.js"
import { Output } from "../../Output.js"
import { renderFields, renderTable } from "../../render/Table.js"
import type { simulateOptions, statusOptions } from "./ScaleCommand.js"
import { renderSummary, summarize } from "./ScaleReport.js"

type SimulateFlags = Command.Command.ParseConfig<typeof simulateOptions>

const invalid = (source: string, reason: string) => new InvalidInput({ source, reason })

/** "60-90s", "60s-90s", "75s" -> seconds. */
export const parseDelayRange = (text: string): { readonly min: number; readonly max: number } | undefined => {
  const parts = text.split("-").map((part) => part.trim())
  if (parts.length > 2 || parts.some((part) => part === "")) return undefined
  const unit = /[a-z]+$/i.exec(parts[parts.length - 1] ?? "")?.[0] ?? ""
  const [min, max] = parts.map((part) => Scaling.parseDuration(/[a-z]$/i.test(part) ? part : `${part}${unit}`))
  if (min === undefined) return undefined
  const upper = parts.length === 1 ? min : max
  return upper === undefined || upper < min ? undefined : { min, max: upper }
}

/** The simulation's inputs from the flags; every bad flag is one InvalidInput naming it. */
export const simulationOptions = (flags: SimulateFlags): Effect.Effect<Scaling.SimulationOptions, InvalidInput> =>
  Effect.gen(function* () {
    const seconds = Scaling.parseDuration(flags.service)
    if (seconds === undefined || seconds <= 0) return yield* Effect.fail(invalid("--service", `"${flags.service}" is not a duration such as 15m or 900s`))
    const startDelaySeconds = parseDelayRange(flags.startDelay)
    if (startDelaySeconds === undefined) return yield* Effect.fail(invalid("--start-delay", `"${flags.startDelay}" is not a range such as 60-90s`))
    const arrivals = yield* Option.match(flags.trace, {
      onSome: (file) =>
        Option.isSome(flags.arrivals) ? Effect.fail(invalid("--trace", "give either --trace or --arrivals, not both")) : Scaling.loadTrace(file),
      onNone: () =>
        Option.match(flags.arrivals, {
          onNone: () => Effect.fail(invalid("--arrivals", "give --arrivals RATE (e.g. 9600/day) or --trace FILE")),
          onSome: (text) => {
            const perDay = Scaling.parseRate(text)
            if (perDay === undefined || perDay <= 0) return Effect.fail(invalid("--arrivals", `"${text}" is not a rate such as 9600/day or 400/hour`))
            if (perDay * flags.days > 2_000_000) return Effect.fail(invalid("--arrivals", "more than 2,000,000 arrivals in all; use fewer --days"))
            return Effect.succeed(
              Scaling.generateArrivals(
                flags.pattern === "uniform"
                  ? { kind: "uniform", perDay, days: flags.days }
                  : { kind: "poisson", perDay, days: flags.days, ...(flags.pattern === "diurnal" ? { diurnalAmplitude: 0.5 } : {}) },
                flags.seed
              )
            )
          }
        })
    })
    return {
      policy: flags.max === "500" ? Scaling.hyperScalePolicy : Scaling.specPolicy,
      arrivals,
      service: { kind: "fixed", seconds },
      startDelaySeconds,
      seed: flags.seed
    }
  })

export const simulate = (flags: SimulateFlags) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const options = yield* simulationOptions(flags)
      yield* output.progress(`simulating ${options.arrivals.length} arrivals through ${options.policy.name}...`)
      const result = Scaling.simulate(options)
      yield* output.progress("")
      const summary = summarize(result, { capacity: flags.capacity })
      yield* output.json ? output.printJson({ policy: options.policy.name, ...summary }) : output.print(renderFields(renderSummary(summary)))
    })
  )

export const status = (flags: Command.Command.ParseConfig<typeof statusOptions>) =>
  withQueue(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const queue = yield* TaskQueue
      const stats = yield* queue.stats()
      const depth = stats.lanes.reduce((sum, lane) => sum + lane.depth, 0)
      const oldestAgeSeconds = stats.lanes.reduce((max, lane) => Math.max(max, lane.oldestAgeMs), 0) / 1000
      const ecsAsked = Option.isSome(flags.cluster) || Option.isSome(flags.service)
      // @miyabi/queue has no ECS adapter (DescribeServices); the CLI does not call the AWS SDK itself.
      const ecs = ecsAsked
        ? { available: false, reason: "running/desired tasks need an ECS DescribeServices adapter, which @miyabi/queue does not have yet" }
        : { available: false, reason: "pass --cluster and --service for running/desired tasks" }
      if (output.json) {
        return yield* output.printJson({
          at: stats.at.toISOString(),
          queueDepth: depth,
          oldestAgeSeconds,
          lanes: stats.lanes.map((lane) => ({ priority: lane.priority, depth: lane.depth, inFlight: lane.inFlight, oldestAgeSeconds: lane.oldestAgeMs / 1000 })),
          ecs
        })
      }
      yield* output.print(
        [
          renderTable(
            ["lane", "depth", "in flight", "oldest age"],
            stats.lanes.map((lane) => [lane.priority, lane.depth, lane.inFlight, `${(lane.oldestAgeMs / 1000).toFixed(0)} s`]),
            { colour: output.colour }
          ),
          "",
          renderFields([
            ["queue depth", depth],
            ["oldest age", `${oldestAgeSeconds.toFixed(0)} s`],
            ["ECS tasks", ecs.reason]
          ])
        ].join("\n")
      )
    })
  )
