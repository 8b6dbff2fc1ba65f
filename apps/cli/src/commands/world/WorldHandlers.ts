/** What `miyabi world diff` does; loaded on first use (see WorldCommand.ts). */
import type * as Command from "@effect/cli/Command"
import { WorldDiff } from "@miyabi/aws-agent"
import { WorldDiff as WorldDiffSchema } from "@miyabi/types"
import { Effect, Schema } from "effect"
import { withOutput } from "../../CommandContext.js"
import { Output } from "../../Output.js"
import { renderFields, renderTable } from "../../render/Table.js"
import { usd } from "../discover/WorldSummary.js"
import type { diffOptions } from "./WorldCommand.js"
import { readWorld } from "./WorldFiles.js"

type DiffFlags = Command.Command.ParseConfig<typeof diffOptions>

const signed = (n: number, text: string) => (n > 0 ? `+${text}` : text)

export const renderDiff = (d: WorldDiffSchema, options: { readonly colour?: boolean } = {}): string => {
  const colour = options.colour === true ? { colour: true } : {}
  const rows = [
    ...d.added.map((r) => ["added", r.kind, r.id, usd(r.monthlyCost), ""]),
    ...d.removed.map((r) => ["removed", r.kind, r.id, usd(-r.monthlyCost), ""]),
    ...d.changed.map((c) => ["changed", c.resource.kind, c.resource.id, usd(c.after.monthlyCost - c.before.monthlyCost), c.fields.join(", ")])
  ]
  return [
    renderFields([
      ["from", d.from.toISOString()],
      ["to", d.to.toISOString()],
      ["added / removed / changed", `${d.added.length} / ${d.removed.length} / ${d.changed.length}`],
      ["monthly cost", signed(d.monthlyCostDelta, usd(d.monthlyCostDelta))],
      ["security score", signed(d.securityScoreDelta, String(d.securityScoreDelta))],
      ["avg utilization", `${signed(d.averageUtilizationDelta, String(d.averageUtilizationDelta))} points`],
      ["findings", `${d.findingsAdded.length} new, ${d.findingsResolved.length} resolved`]
    ]),
    ...(rows.length === 0 ? [] : ["", renderTable(["what", "type", "resource", "cost/month", "fields"], rows, colour)])
  ].join("\n")
}

export const diff = (flags: DiffFlags) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const from = yield* readWorld(flags.from)
      const to = yield* readWorld(flags.to)
      const d = WorldDiff.diff(from, to)
      if (output.json) return yield* output.printJson(Schema.encodeSync(WorldDiffSchema)(d))
      yield* output.print(renderDiff(d, { colour: output.colour }))
    })
  )
