/**
 * What `miyabi learn` does; loaded on first use (see AgentCycleCommand.ts).
 * θ6 of a stored cycle (default: the newest completed one): per-rule
 * statistics, which rules are advice-only, and the next cycle's
 * recommendations; --out writes the same as Markdown.
 */
import type * as Command from "@effect/cli/Command"
import { Cycle } from "@miyabi/aws-agent"
import { InvalidInput } from "@miyabi/types"
import { Effect, Option, Schema } from "effect"
import { resolveGlobals } from "../../Global.js"
import { Output } from "../../Output.js"
import { renderTable } from "../../render/Table.js"
import { usd } from "../discover/WorldSummary.js"
import { writeTextFile } from "../world/WorldFiles.js"
import type { learnOptions } from "./AgentCycleCommand.js"
import { cycleStoreLayer } from "./CycleStoreLayer.js"

type LearnFlags = Command.Command.ParseConfig<typeof learnOptions>

/** A failure of the cycle store, said against --cycle when the user named one (never "miyabi: miyabi learn: ..."). */
const failedFor = (flags: LearnFlags) => (error: { readonly message: string }) =>
  new InvalidInput({ source: Option.isSome(flags.cycle) ? "--cycle" : "learn", reason: error.message })

/** The cycle to show: the one named, else the newest with a learn phase. */
const chosenCycle = (named: Option.Option<string>) =>
  Option.match(named, {
    onSome: (id) => Effect.succeed<string | undefined>(id),
    onNone: () =>
      Effect.flatMap(Cycle.CycleStore.CycleStore, (store) => store.history()).pipe(
        Effect.map((cycles) => cycles.find((c) => c.phases.includes("learn"))?.cycleId)
      )
  })

export const learn = (flags: LearnFlags) =>
  Effect.gen(function* () {
    const globals = yield* resolveGlobals(flags)
    const body = Effect.gen(function* () {
      const output = yield* Output
      const failed = failedFor(flags)
      const cycleId = yield* chosenCycle(flags.cycle).pipe(Effect.mapError(failed))
      if (cycleId === undefined) return yield* new InvalidInput({ source: "learn", reason: "no completed cycle in the store yet: run miyabi cycle first" })
      const { learn } = yield* Cycle.AgentCycle.report(cycleId).pipe(Effect.mapError(failed))
      if (Option.isSome(flags.out)) yield* writeTextFile(flags.out.value, Cycle.CycleReport.renderLearningMarkdown(learn))
      if (output.json) return yield* output.printJson({ cycleId, ...Schema.encodeSync(Cycle.AgentCycleData.LearnOutput)(learn) })
      const adviceOnly = new Set(learn.recommendations.filter((r) => r.kind === "advice-only").map((r) => r.rule))
      yield* output.print(
        [
          `cycle ${cycleId}: ${learn.record.outcomes.length} outcome(s), realized ${usd(learn.record.realizedMonthlySavings)} of ${usd(learn.record.predictedMonthlySavings)} predicted per month`,
          ...Cycle.CycleReport.unmeasuredLines(learn),
          "",
          learn.record.rules.length === 0
            ? "no rule has statistics yet (a dry-run cycle applies nothing)"
            : renderTable(
                ["rule", "applied", "rolled back", "realized share", "confidence", "auto-apply"],
                learn.record.rules.map((s) => [s.rule, s.applied, s.rolledBack, Cycle.CycleReport.realizedShare(s), s.confidence.toFixed(2), adviceOnly.has(s.rule) ? "no (advice only)" : "yes"]),
                { colour: output.colour }
              ),
          "",
          ...(learn.recommendations.length === 0 ? ["no recommendation for the next cycle"] : learn.recommendations.map((r) => `- ${r.message}`)),
          ...(Option.isSome(flags.out) ? ["", `written to ${flags.out.value}`] : [])
        ].join("\n")
      )
    })
    return yield* body.pipe(Effect.provide(cycleStoreLayer(globals.store)), Effect.provide(Output.layer({ json: globals.json })))
  })
