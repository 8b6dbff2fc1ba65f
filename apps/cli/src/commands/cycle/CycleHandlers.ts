/**
 * What `miyabi plan` and `miyabi optimize` do; loaded on first use (see
 * CycleCommand.ts). Pure library calls over a world state file and the
 * shipped pricing catalog; files written, a summary printed.
 */
import { join } from "node:path"
import type * as Command from "@effect/cli/Command"
import { Optimize, Planning, PricingCatalog } from "@miyabi/aws-agent"
import { CycleId, decodeInput, ExecutionPlan } from "@miyabi/types"
import { Effect, Option, Schema } from "effect"
import { withOutput } from "../../CommandContext.js"
import { Output } from "../../Output.js"
import { renderFields, renderTable } from "../../render/Table.js"
import { usd } from "../discover/WorldSummary.js"
import { readWorld, writeJsonFile, writeTextFile } from "../world/WorldFiles.js"
import type { optimizeOptions, planOptions } from "./CycleCommand.js"

type PlanFlags = Command.Command.ParseConfig<typeof planOptions>
type OptimizeFlags = Command.Command.ParseConfig<typeof optimizeOptions>

const cycleId = (text: string) => decodeInput(CycleId, "--cycle")(text)

/** The execution plan as a table: priority, rule, resource, savings, risk. */
export const renderChanges = (o: Pick<Optimize.Optimization, "plan">, options: { readonly colour?: boolean } = {}): string =>
  o.plan.changes.length === 0
    ? "no changes"
    : renderTable(
        ["priority", "rule", "resource", "savings/month", "risk", "change"],
        o.plan.changes.map((c) => [c.priority, c.rule, c.resource.id, usd(c.expectedMonthlySavings), c.risk, c.summary]),
        options.colour === true ? { colour: true } : {}
      )

export const optimizationJson = (o: Optimize.Optimization) => ({
  plan: Schema.encodeSync(ExecutionPlan)(o.plan),
  advice: o.advice.map((a) => ({ rule: a.rule, resource: a.resource.arn, reason: a.reason, summary: a.summary, priority: a.priority, expectedMonthlySavings: a.expectedMonthlySavings })),
  excluded: o.excluded.map((e) => ({ resource: e.resource.arn, reason: e.reason }))
})

export const optimize = (flags: OptimizeFlags) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const world = yield* readWorld(flags.world)
      const o = Optimize.optimize(world, PricingCatalog.shipped, { cycleId: yield* cycleId(flags.cycle) })
      if (Option.isSome(flags.out)) yield* writeJsonFile(flags.out.value, Schema.encodeSync(ExecutionPlan)(o.plan))
      if (output.json) return yield* output.printJson(optimizationJson(o))
      yield* output.print(
        [
          renderChanges(o, { colour: output.colour }),
          "",
          renderFields([
            ["changes", o.plan.changes.length],
            ["expected savings", `${usd(o.plan.expectedMonthlySavings)}/month of ${usd(world.monthlyCost)}`],
            ["advice (a person decides)", o.advice.length],
            ["protected, left alone", o.excluded.length],
            ["written to", Option.getOrUndefined(flags.out)]
          ])
        ].join("\n")
      )
    })
  )

export const plan = (flags: PlanFlags) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const world = yield* readWorld(flags.world)
      const p = Planning.plan(world, PricingCatalog.shipped, { cycleId: yield* cycleId(flags.cycle) })
      const dir = flags.outDir
      const files = [
        { path: "plan.md", content: Planning.renderPlanMarkdown(p) },
        { path: "plan.json", content: Planning.renderPlanJson(p) },
        ...p.plan.iac.map((a) => ({ path: a.path, content: a.content }))
      ]
      yield* Effect.forEach(files, (f) => writeTextFile(join(dir, f.path), f.content), { discard: true })
      const summary = {
        outDir: dir,
        files: files.map((f) => f.path),
        cost: { currentUsd: (p.cost.current / 1e6).toFixed(2), targetUsd: (p.cost.target / 1e6).toFixed(2), targetWithAdviceUsd: (p.cost.targetWithAdvice / 1e6).toFixed(2), items: p.cost.items.length },
        security: { current: p.security.current, target: p.security.target, items: p.security.items.length, fixedFindings: p.security.fixedFindings.length },
        touched: p.touched.length
      }
      if (output.json) return yield* output.printJson(summary)
      yield* output.print(
        [
          renderFields([
            ["monthly cost", `${usd(p.cost.current)} -> ${usd(p.cost.target)} (${usd(p.cost.targetWithAdvice)} with advice)`],
            ["security score", `${p.security.current.toFixed(1)} -> ${p.security.target.toFixed(1)}`],
            ["cost plan", `${p.cost.items.length} item(s)`],
            ["security plan", `${p.security.items.length} item(s), fixes ${p.security.fixedFindings.length} finding(s)`],
            ["resources touched", p.touched.length]
          ]),
          "",
          `written to ${dir}:`,
          ...files.map((f) => `  ${f.path}`)
        ].join("\n")
      )
    })
  )
