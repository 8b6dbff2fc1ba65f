/**
 * What `miyabi scale simulate|status` do; loaded on first use (see ScaleCommand.ts).
 */
import type * as Command from "@effect/cli/Command"
import { EcsServiceStatus, Scaling, type ServiceStatus, TaskQueue } from "@miyabi/queue"
import { InvalidInput } from "@miyabi/types"
import { Effect, Option } from "effect"
import { withOutput, withQueue } from "../../CommandContext.js"
import { Output } from "../../Output.js"
import { renderFields, renderTable } from "../../render/Table.js"
import type { simulateOptions, statusOptions } from "./ScaleCommand.js"
import { renderSummary, summarize } from "./ScaleReport.js"
import { envSettingsError } from "../../EnvSettings.js"

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

type StatusFlags = Command.Command.ParseConfig<typeof statusOptions>

/** Which ECS service to describe: the flags, else MIYABI_ECS_CLUSTER / MIYABI_ECS_SERVICE; none, or one name alone, is an error line. */
export const ecsTarget = (
  flags: Pick<StatusFlags, "cluster" | "service">,
  env: Readonly<Record<string, string | undefined>>
): Effect.Effect<Option.Option<{ readonly cluster: string; readonly service: string }>, InvalidInput> => {
  const fromEnv = (name: string) => Option.filter(Option.fromNullable(env[name]?.trim()), (value) => value !== "")
  const cluster = Option.orElse(Option.filter(Option.map(flags.cluster, (c) => c.trim()), (c) => c !== ""), () => fromEnv("MIYABI_ECS_CLUSTER"))
  const service = Option.orElse(Option.filter(Option.map(flags.service, (c) => c.trim()), (c) => c !== ""), () => fromEnv("MIYABI_ECS_SERVICE"))
  if (Option.isSome(cluster) && Option.isSome(service)) return Effect.succeed(Option.some({ cluster: cluster.value, service: service.value }))
  if (Option.isNone(cluster) && Option.isNone(service)) return Effect.succeed(Option.none())
  return Effect.fail(
    Option.isNone(cluster)
      ? invalid("--cluster", "give the ECS cluster of --service (or MIYABI_ECS_CLUSTER)")
      : invalid("--service", "give the ECS service of --cluster (or MIYABI_ECS_SERVICE)")
  )
}

const NO_ECS = "pass --cluster and --service (or MIYABI_ECS_CLUSTER and MIYABI_ECS_SERVICE) for running/desired tasks"

/** The worker service through ECS DescribeServices, with the AWS settings of the environment. */
const describeService = (target: { readonly cluster: string; readonly service: string }) =>
  Effect.flatMap(EcsServiceStatus.EcsServiceStatus, (ecs) => ecs.serviceStatus(target.cluster, target.service)).pipe(
    Effect.provide(EcsServiceStatus.layerConfig()),
    Effect.catchTag("ConfigError", (error) => Effect.fail(envSettingsError(error)))
  )

const ecsJson = (ecs: ServiceStatus) => ({
  available: true,
  cluster: ecs.cluster,
  service: ecs.service,
  status: ecs.status,
  running: ecs.running,
  desired: ecs.desired,
  pending: ecs.pending,
  taskDefinition: ecs.taskDefinition,
  deployments: ecs.deployments.map((d) => ({ ...d, updatedAt: d.updatedAt?.toISOString() }))
})

const ecsLine = (ecs: ServiceStatus): string =>
  `${ecs.running} running / ${ecs.desired} desired${ecs.pending > 0 ? ` / ${ecs.pending} pending` : ""} (${ecs.cluster}/${ecs.service}, ${ecs.status})`

const deploymentsLine = (ecs: ServiceStatus): string =>
  ecs.deployments
    .map((d) => `${d.status} ${d.taskDefinition.split("/").at(-1) ?? d.taskDefinition} ${d.running}/${d.desired}${d.rolloutState === undefined ? "" : ` ${d.rolloutState}`}${d.failedTasks > 0 ? `, ${d.failedTasks} failed` : ""}`)
    .join("; ")

export const status = (flags: StatusFlags) =>
  withQueue(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const target = yield* ecsTarget(flags, process.env)
      const queue = yield* TaskQueue
      const stats = yield* queue.stats()
      const depth = stats.lanes.reduce((sum, lane) => sum + lane.depth, 0)
      const oldestAgeSeconds = stats.lanes.reduce((max, lane) => Math.max(max, lane.oldestAgeMs), 0) / 1000
      const ecs = yield* Option.match(target, { onNone: () => Effect.succeed(Option.none<ServiceStatus>()), onSome: (t) => Effect.map(describeService(t), Option.some) })
      if (output.json) {
        return yield* output.printJson({
          at: stats.at.toISOString(),
          queueDepth: depth,
          oldestAgeSeconds,
          lanes: stats.lanes.map((lane) => ({ priority: lane.priority, depth: lane.depth, inFlight: lane.inFlight, oldestAgeSeconds: lane.oldestAgeMs / 1000 })),
          ecs: Option.match(ecs, { onNone: () => ({ available: false, reason: NO_ECS }), onSome: ecsJson })
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
            ["ECS tasks", Option.match(ecs, { onNone: () => NO_ECS, onSome: ecsLine })],
            ...Option.match(ecs, { onNone: () => [], onSome: (e) => [["deployments", deploymentsLine(e)] as const] })
          ])
        ].join("\n")
      )
    })
  )
