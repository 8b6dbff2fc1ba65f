/**
 * What `miyabi monitor` does; loaded on first use (see AgentCycleCommand.ts).
 * θ5 for a deployment kept in the --store or --records (miyabi deploy --approve): baseline,
 * tagged alarms, the watch window, the verdict; regressed changes are rolled
 * back and the record says so.
 */
import type * as Command from "@effect/cli/Command"
import { Cycle, Deployment, Monitoring, PricingCatalog } from "@miyabi/aws-agent"
import { decodeInput, DeploymentId, InvalidInput, Observation } from "@miyabi/types"
import { Effect, Layer, Option, Schema } from "effect"
import { withOutput } from "../../CommandContext.js"
import { resolveGlobals } from "../../Global.js"
import { Output } from "../../Output.js"
import { renderFields, renderTable } from "../../render/Table.js"
import { withCommandLogs } from "../discover/CommandLogs.js"
import { awsRuntime } from "../discover/DiscoverHandlers.js"
import type { monitorOptions } from "./AgentCycleCommand.js"
import { parseWindow } from "./AgentCycleHandler.js"
import { deploymentPlace, deploymentStoreLayer } from "./CycleStoreLayer.js"

type MonitorFlags = Command.Command.ParseConfig<typeof monitorOptions>

const failed = (error: { readonly message: string }) => new InvalidInput({ source: "miyabi monitor", reason: error.message })

/** An observation for people: the verdict, each comparison and each alarm. */
export const renderObservation = (o: Observation, options: { readonly colour?: boolean } = {}): string =>
  [
    renderFields([
      ["verdict", o.verdict],
      ["watched", `${o.windowStart.toISOString()} .. ${o.windowEnd.toISOString()}`],
      ["rolled back", o.rolledBack.length === 0 ? "none" : o.rolledBack.join(", ")]
    ]),
    "",
    o.comparisons.length === 0
      ? "no metric compared"
      : renderTable(
          ["change", "resource", "metric", "baseline", "observed", "threshold", "regressed"],
          o.comparisons.map((c) => [c.changeId, c.resource.id, `${c.metric} ${c.statistic}`, c.baseline.toFixed(1), c.observed.toFixed(1), c.threshold, c.regressed ? "yes" : "no"]),
          options.colour === true ? { colour: true } : {}
        ),
    "",
    o.alarms.length === 0 ? "no alarms" : renderTable(["alarm", "condition", "state"], o.alarms.map((a) => [a.name, a.condition, a.state]), options.colour === true ? { colour: true } : {})
  ].join("\n")

export const monitor = (flags: MonitorFlags) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const window = yield* parseWindow("--watch", flags.watch)
      const id = yield* decodeInput(DeploymentId, "--deployment")(flags.deployment)
      const { store } = yield* resolveGlobals(flags)
      const place = yield* deploymentPlace(store, flags.records)
      const observation = yield* Effect.gen(function* () {
        const stored = yield* (yield* Deployment.DeploymentStore.DeploymentStore).load(id)
        if (Option.isNone(stored)) return yield* new InvalidInput({ source: "--deployment", reason: `no deployment ${id} in ${place}` })
        const { plan, record } = stored.value
        if (record.mode === "dry-run") return yield* new InvalidInput({ source: "--deployment", reason: `${id} is a dry run: nothing was changed, nothing to watch` })
        yield* output.progress(`watching ${record.executions.filter((e) => e.status === "applied").length} applied change(s) for ${flags.watch}...`)
        return yield* Monitoring.watch({ plan, record }, { window, catalog: PricingCatalog.shipped })
      }).pipe(
        Effect.mapError((error) => (error._tag === "InvalidInput" ? error : failed(error))),
        withCommandLogs(output.json),
        Effect.provide(Layer.merge(Cycle.AgentCycleTask.awsLayer.pipe(Layer.provideMerge(awsRuntime)), deploymentStoreLayer(store, flags.records)))
      )
      yield* output.progress("")
      if (output.json) return yield* output.printJson(Schema.encodeSync(Observation)(observation))
      yield* output.print(renderObservation(observation, { colour: output.colour }))
    })
  )
