/**
 * What `miyabi cycle` and `miyabi cycle history` do; loaded on first use
 * (see AgentCycleCommand.ts). The cycle runs over AwsRuntime.layerConfig
 * (AWS_ENDPOINT_URL honoured, so a sandbox serves it) with its phases kept
 * in the store of `--store`; the reports are written under --out-dir.
 */
import { join } from "node:path"
import type * as Command from "@effect/cli/Command"
import { Cycle, PricingCatalog } from "@miyabi/aws-agent"
import { type ChangeExecution, CycleId, decodeInput, InvalidInput, wasRead } from "@miyabi/types"
import { Duration, Effect, Layer, Option, Schema } from "effect"
import { resolveGlobals } from "../../Global.js"
import { Output } from "../../Output.js"
import { renderFields, renderTable } from "../../render/Table.js"
import { withCommandLogs } from "../discover/CommandLogs.js"
import { awsRuntime } from "../discover/DiscoverHandlers.js"
import { parseList, parseScope } from "../discover/ScopeParse.js"
import { usd } from "../discover/WorldSummary.js"
import { parseSince } from "../kpi/Kpi.js"
import { writeTextFile } from "../world/WorldFiles.js"
import type { cycleOptions, historyOptions } from "./AgentCycleCommand.js"
import { cycleStoreLayer, deploymentStoreLayer } from "./CycleStoreLayer.js"
import { deployProgressLine } from "./DeployHandler.js"

type CycleFlags = Command.Command.ParseConfig<typeof cycleOptions>
type HistoryFlags = Command.Command.ParseConfig<typeof historyOptions>

const PHASE_TITLES: Readonly<Record<string, string>> = {
  discover: "θ1 discovering World_n",
  plan: "θ2/θ3 planning and optimizing",
  deploy: "θ4 deploying",
  monitor: "θ5 watching the changed resources",
  rediscover: "θ1 discovering World_n+1",
  learn: "θ6 learning"
}

/** A duration flag such as 30m, 2h, 1d. */
export const parseWindow = (flag: string, text: string): Effect.Effect<Duration.Duration, InvalidInput> => {
  const ms = parseSince(text)
  return ms === undefined ? Effect.fail(new InvalidInput({ source: flag, reason: `"${text}" is not a window such as 30m, 2h or 1d` })) : Effect.succeed(Duration.millis(ms))
}

const OU = /^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/

/** --production-ous: OU (or root) ids as Organizations writes them. */
const parseOus = (value: Option.Option<string>) =>
  Effect.flatMap(parseList("--production-ous", value), (ous) => {
    const bad = ous?.find((ou) => !OU.test(ou))
    return bad === undefined ? Effect.succeed(ous) : Effect.fail(new InvalidInput({ source: "--production-ous", reason: `${bad} is not an OU id (ou-xxxx-xxxxxxxx) or a root id (r-xxxx)` }))
  })

/** A failure of the cycle, said against --resume when resuming (never "miyabi: miyabi cycle: ..."). */
const failedAs = (source: string) => (error: { readonly message: string }) => new InvalidInput({ source, reason: error.message })

/** The AWS side of a cycle: discovery, changes, CloudWatch, deployment records in the --store `store` (or the folder `records`). */
export const agentLayer = (store: Option.Option<string>, records: Option.Option<string>): Layer.Layer<Cycle.AgentPhases.AgentPhaseContext, InvalidInput> =>
  Layer.merge(Cycle.AgentCycleTask.awsLayer, deploymentStoreLayer(store, records)).pipe(Layer.provideMerge(awsRuntime))

/** The files of a cycle's reports, relative to its folder. */
export const reportFiles = (report: Cycle.AgentCycle.AgentCycleReport) => [
  { path: "cycle.md", content: Cycle.CycleReport.renderCycleMarkdown(report) },
  { path: "cycle.json", content: JSON.stringify(Cycle.AgentCycle.encodeReport(report), null, 2) },
  { path: "plan.md", content: report.plan.markdown },
  ...report.plan.iac
]

/** "; 3 skipped (2 not read)" when the deployer skipped changes (not read: recorded without a before-state); nothing otherwise. */
export const skippedNote = (executions: ReadonlyArray<ChangeExecution>): string => {
  const skipped = executions.filter((e) => e.status === "skipped")
  const notRead = skipped.filter((e) => !wasRead(e)).length
  return skipped.length === 0 ? "" : `; ${skipped.length} skipped${notRead === 0 ? "" : ` (${notRead} not read)`}`
}

/** The cycle for people: World_n -> World_n+1 and what each phase did. */
export const renderCycle = (r: Cycle.AgentCycle.AgentCycleReport): string => {
  const w0 = r.world0.world
  const w1 = r.world1.world
  const applied = r.deployment.executions.filter((e) => e.status === "applied").length
  const observation = r.monitor.observation
  return renderFields([
    ["cycle", r.cycleId],
    ["World_n", `${w0.resources.length} resources, ${usd(w0.monthlyCost)}/month, score ${w0.securityScore}, ${w0.averageUtilization} % CPU`],
    ["plan", `${r.plan.changesProposed} change(s) proposed, ${r.plan.plan.changes.length} taken, ${r.plan.adviceCount} advice; target ${usd(r.plan.cost.target)}/month, score ${r.plan.security.target.toFixed(1)}`],
    [
      "deploy",
      (r.deployment.mode === "dry-run"
        ? `dry run: ${r.deployment.executions.filter((e) => e.status === "would-apply").length} change(s) would apply (--approve to apply)`
        : `${applied} applied, status ${r.deployment.status}`) + skippedNote(r.deployment.executions)
    ],
    ["monitor", observation === null ? r.monitor.note : `${observation.verdict}, ${observation.alarms.length} alarm(s), ${observation.rolledBack.length} rolled back`],
    ["World_n+1", `${w1.resources.length} resources, ${usd(w1.monthlyCost)}/month (${usd(r.learn.delta.costDelta)}), score ${w1.securityScore}, ${w1.averageUtilization} % CPU`],
    ["learn", `${r.learn.record.outcomes.length} outcome(s), realized ${usd(r.learn.record.realizedMonthlySavings)} of ${usd(r.learn.record.predictedMonthlySavings)} predicted; ${r.learn.recommendations.length} recommendation(s)`],
    ["World∞", `${r.learn.infinity.reached ? "reached" : "not yet"}: ${r.learn.infinity.criteria.map((c) => `${c.met ? "✓" : "✗"} ${c.detail}`).join("; ")}`]
  ])
}

export const cycle = (flags: CycleFlags) =>
  Effect.gen(function* () {
    const globals = yield* resolveGlobals(flags)
    const scope = yield* parseScope(flags)
    const watch = yield* parseWindow("--watch", flags.watch)
    const productionOus = yield* parseOus(Option.orElse(flags.productionOus, () => Option.fromNullable(process.env["MIYABI_PRODUCTION_OUS"])))
    const cycleId = Option.isSome(flags.id) ? yield* decodeInput(CycleId, "--id")(flags.id.value) : undefined
    const body = Effect.gen(function* () {
      const output = yield* Output
      const env: Cycle.AgentPhases.AgentCycleEnv = {
        catalog: PricingCatalog.shipped,
        onPhase: (phase) => output.progress(`${PHASE_TITLES[phase] ?? phase}...`),
        onProgress: (e) => output.progress(`θ1: ${e.done}/${e.total} units (${e.account} ${e.region} ${e.service}: ${e.status})`),
        onDeployProgress: (e) => output.progress(`θ4: ${deployProgressLine(e)}`)
      }
      const result = yield* Option.match(flags.resume, {
        onSome: (id) => Cycle.AgentCycle.resume(id, env),
        onNone: () =>
          Cycle.AgentCycle.start(
            {
              ...(cycleId === undefined ? {} : { cycleId }),
              scope: { ...scope, windowDays: flags.utilizationDays },
              ...(flags.approve ? { approvedBy: process.env["USER"] ?? "cli" } : {}),
              ...(Option.isSome(flags.top) ? { top: flags.top.value } : {}),
              ...(Option.isSome(flags.maxChanges) ? { maxChanges: flags.maxChanges.value } : {}),
              ...(productionOus === undefined ? {} : { productionOus }),
              ...(flags.allowProduction ? { allowProduction: true } : {}),
              watch
            },
            env
          )
      }).pipe(Effect.mapError(failedAs(Option.isSome(flags.resume) ? "--resume" : "cycle")))
      yield* output.progress("")
      const report = yield* Cycle.AgentCycle.report(result.cycleId).pipe(Effect.mapError(failedAs("cycle")))
      const dir = join(flags.outDir, result.cycleId)
      const files = reportFiles(report)
      yield* Effect.forEach(files, (f) => writeTextFile(join(dir, f.path), f.content), { discard: true })
      const resumed = result.phases.filter((p) => p.resumed).map((p) => p.phase)
      if (output.json) return yield* output.printJson({ ...Cycle.AgentCycle.encodeReport(report), resumedPhases: resumed, files: files.map((f) => join(dir, f.path)) })
      yield* output.print(
        [renderCycle(report), "", ...(resumed.length === 0 ? [] : [`resumed: ${resumed.join(", ")} taken from the store`, ""]), `reports written to ${dir}: ${files.map((f) => f.path).join(", ")}`].join("\n")
      )
    })
    return yield* body.pipe(
      withCommandLogs(globals.json),
      Effect.provide(Layer.merge(agentLayer(globals.store, flags.records), cycleStoreLayer(globals.store))),
      Effect.provide(Output.layer({ json: globals.json }))
    )
  })

export const history = (flags: HistoryFlags) =>
  Effect.gen(function* () {
    const globals = yield* resolveGlobals(flags)
    const body = Effect.gen(function* () {
      const output = yield* Output
      const rows = yield* Cycle.AgentCycle.history.pipe(Effect.mapError(failedAs("cycle history")))
      if (output.json) return yield* output.printJson(rows.map((row) => Schema.encodeSync(Cycle.AgentCycleData.HistoryRow)(row)))
      if (rows.length === 0) return yield* output.print("no cycle in the store yet: miyabi cycle [--approve]")
      yield* output.print(
        renderTable(
          ["cycle", "started", "phases", "mode", "cost World_n -> n+1", "score", "World∞"],
          rows.map((r) => [
            r.cycleId,
            r.startedAt.toISOString(),
            `${r.phases.length}/6${r.phases.length < 6 ? ` (next: ${Cycle.AgentCycle.PHASE_NAMES[r.phases.length]}; --resume)` : ""}`,
            r.mode,
            r.delta === undefined ? undefined : `${usd(r.delta.before.monthlyCost)} -> ${usd(r.delta.after.monthlyCost)}`,
            r.delta === undefined ? undefined : `${r.delta.before.score} -> ${r.delta.after.score}`,
            r.infinityReached === undefined ? undefined : r.infinityReached ? "reached" : "no"
          ]),
          { colour: output.colour }
        )
      )
    })
    return yield* body.pipe(Effect.provide(cycleStoreLayer(globals.store)), Effect.provide(Output.layer({ json: globals.json })))
  })
