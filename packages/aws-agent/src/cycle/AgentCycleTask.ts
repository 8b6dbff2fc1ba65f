/**
 * The worker's `aws-cycle` task: a payload schema, a run function, the AWS
 * side it needs (`awsLayer`) and `definition`, which the apps turn into a
 * queue handler with their stores (domain packages do not import the queue):
 *
 *   DefinitionHandler.make(AgentCycleTask.definition, Layer.merge(AgentCycleTask.awsLayer, stores).pipe(Layer.provideMerge(aws)))
 *
 * A task that is retried (its worker died, its lease expired) finds its
 * cycle in the store and resumes it from the last completed phase instead
 * of starting a second one: the payload's cycle id is the idempotency key.
 */
import type { AwsClients } from "@miyabi/aws-runtime"
import { CycleId, defineTask, TaskKind, wasRead } from "@miyabi/types"
import { Duration, Effect, Layer, Schema } from "effect"
import * as CloudWatchAlarms from "../adapters/CloudWatchAlarms.js"
import * as CloudWatchMetrics from "../adapters/CloudWatchMetrics.js"
import * as LiveResources from "../deploy/LiveResources.js"
import * as DiscoveryAdapters from "../discovery/Adapters.js"
import * as PricingCatalog from "../pricing/PricingCatalog.js"
import * as AgentCycle from "./AgentCycle.js"
import type { AgentCycleEnv } from "./AgentPhases.js"
import { CycleStore } from "./CycleStore.js"

export const kind = "aws-cycle"

const PositiveInt = Schema.Int.pipe(Schema.positive())

export const Payload = Schema.Struct({
  cycleId: CycleId,
  accounts: Schema.optional(Schema.Array(Schema.String)),
  regions: Schema.optional(Schema.Array(Schema.String)),
  services: Schema.optional(Schema.Array(Schema.String)),
  /** Who approved applying the plan; absent: a dry run. */
  approvedBy: Schema.optional(Schema.String),
  top: Schema.optional(PositiveInt),
  maxChanges: Schema.optional(PositiveInt),
  /** OUs whose accounts are never changed unless `allowProduction`. */
  productionOus: Schema.optional(Schema.Array(Schema.String)),
  allowProduction: Schema.optional(Schema.Boolean),
  /** θ5's watch window, seconds (default 1,800). */
  watchSeconds: Schema.optionalWith(Schema.Int.pipe(Schema.between(0, 86_400)), { default: () => 1_800 })
})
export type Payload = typeof Payload.Type

/** The AWS side of a cycle (discovery, changes, CloudWatch), over AwsClients; the apps add the stores. */
export const awsLayer: Layer.Layer<
  DiscoveryAdapters.DiscoveryAdapters | LiveResources.LiveResources | CloudWatchMetrics.CloudWatchMetrics | CloudWatchAlarms.CloudWatchAlarms,
  never,
  AwsClients.AwsClients
> = Layer.mergeAll(DiscoveryAdapters.layer, LiveResources.layer, CloudWatchMetrics.layer, CloudWatchAlarms.layer)

/**
 * What the task returns: the cycle's outcome in a few numbers. `skipped`
 * counts the changes the deployer did not run; `notRead` those of them it
 * recorded without a before-state (it had no reader for the resource, or the
 * resource was gone).
 */
export const summaryOf = (report: AgentCycle.AgentCycleReport, resumed: ReadonlyArray<string>) => ({
  cycleId: report.cycleId,
  resumedPhases: resumed,
  deployment: {
    id: report.deployment.id,
    mode: report.deployment.mode,
    status: report.deployment.status,
    skipped: report.deployment.executions.filter((e) => e.status === "skipped").length,
    notRead: report.deployment.executions.filter((e) => !wasRead(e)).length
  },
  verdict: report.monitor.observation?.verdict ?? null,
  rolledBack: report.monitor.observation?.rolledBack.length ?? 0,
  monthlyCost: { before: report.learn.delta.before.monthlyCost, after: report.learn.delta.after.monthlyCost },
  score: { before: report.learn.delta.before.score, after: report.learn.delta.after.score },
  worldInfinity: report.learn.infinity.reached
})

export const run = (payload: Payload, env: AgentCycleEnv) =>
  Effect.gen(function* () {
    const store = yield* CycleStore
    const begun = (yield* store.load(payload.cycleId)) !== undefined
    const result = begun
      ? yield* AgentCycle.resume(payload.cycleId, env)
      : yield* AgentCycle.start(
          {
            cycleId: payload.cycleId,
            scope: {
              ...(payload.accounts === undefined ? {} : { accounts: payload.accounts }),
              ...(payload.regions === undefined ? {} : { regions: payload.regions }),
              ...(payload.services === undefined ? {} : { services: payload.services })
            },
            ...(payload.approvedBy === undefined ? {} : { approvedBy: payload.approvedBy }),
            ...(payload.top === undefined ? {} : { top: payload.top }),
            ...(payload.maxChanges === undefined ? {} : { maxChanges: payload.maxChanges }),
            ...(payload.productionOus === undefined ? {} : { productionOus: payload.productionOus }),
            ...(payload.allowProduction === undefined ? {} : { allowProduction: payload.allowProduction }),
            watch: Duration.seconds(payload.watchSeconds)
          },
          env
        )
    const report = yield* AgentCycle.report(payload.cycleId)
    return summaryOf(report, result.phases.filter((p) => p.resumed).map((p) => p.phase))
  }).pipe(Effect.withSpan("AgentCycleTask.run", { attributes: { cycleId: payload.cycleId } }))

/**
 * Whether a failed cycle is worth retrying (the retry resumes it): an AWS
 * error AWS calls retryable (throttling, 5xx, timeouts) or a store that
 * could not be read or written. A stored output that no longer decodes, a
 * bad id, or a refused or failed deployment is not.
 */
export const isTransient = (error: { readonly _tag: string; readonly reason?: string; readonly cause?: unknown }): boolean => {
  if (error._tag === "CycleStoreError") return error.reason === "ReadFailed" || error.reason === "WriteFailed"
  if (error._tag !== "CycleError" || error.reason !== "PhaseFailed") return false
  const cause = error.cause
  return typeof cause === "object" && cause !== null && "_tag" in cause && cause._tag === "AwsError" && "retryable" in cause && cause.retryable === true
}

/** `aws-cycle`: one cycle θ1..θ6 at the shipped prices, 6 hours at most. */
export const definition = defineTask({
  kind: TaskKind.make(kind),
  payload: Payload,
  timeout: "6 hours",
  run: (payload: Payload) => run(payload, { catalog: PricingCatalog.shipped }),
  isTransient
})
