/**
 * What `miyabi kpi` does; loaded on first use (see KpiCommand.ts).
 */
import type * as Command from "@effect/cli/Command"
import { TaskQueue } from "@miyabi/queue"
import { InvalidInput } from "@miyabi/types"
import { Clock, Effect, Option } from "effect"
import { withQueue } from "../../CommandContext.js"
import { Output } from "../../Output.js"
import { renderFields, renderTable } from "../../render/Table.js"
import { computeKpis, formatValue, parseSince } from "./Kpi.js"
import type { kpiOptions } from "./KpiCommand.js"

/** Most records read per status; more and the report says it saw only part. */
export const LIST_LIMIT = 10_000

/** `--since` in milliseconds, checked before the store is opened (a refused run creates no store). */
const since = (text: string): Effect.Effect<number, InvalidInput> => {
  const sinceMs = parseSince(text)
  return sinceMs === undefined ? Effect.fail(new InvalidInput({ source: "--since", reason: `"${text}" is not a window such as 7d, 24h or 90m` })) : Effect.succeed(sinceMs)
}

export const kpi = (flags: Command.Command.ParseConfig<typeof kpiOptions>) =>
  Effect.flatMap(since(flags.since), (sinceMs) => kpiSince(flags, sinceMs))

const kpiSince = (flags: Command.Command.ParseConfig<typeof kpiOptions>, sinceMs: number) =>
  withQueue(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const queue = yield* TaskQueue
      const completed = yield* queue.list({ status: "Completed", limit: LIST_LIMIT })
      const failed = yield* queue.list({ status: "Failed", limit: LIST_LIMIT })
      const truncated = completed.length >= LIST_LIMIT || failed.length >= LIST_LIMIT
      const now = new Date(yield* Clock.currentTimeMillis)
      const report = computeKpis([...completed, ...failed], { now, sinceMs, ...Option.match(flags.workers, { onNone: () => ({}), onSome: (workers) => ({ workers }) }) })
      if (output.json) {
        return yield* output.printJson({
          from: report.from.toISOString(),
          to: report.to.toISOString(),
          completed: report.completed,
          deadLettered: report.deadLettered,
          attempts: report.attempts,
          busyHours: report.busyHours,
          workersBasis: report.workersBasis,
          truncated,
          kpis: report.rows.map((row) => ({ name: row.name, value: row.value, target: row.target?.text ?? null, pass: row.pass }))
        })
      }
      yield* output.print(
        [
          renderTable(
            ["KPI", "value", "target", ""],
            report.rows.map((row) => [row.label, formatValue(row), row.target?.text ?? "-", row.pass === null ? "" : row.pass ? "PASS" : "FAIL"]),
            { colour: output.colour }
          ),
          "",
          renderFields([
            ["window", `${report.from.toISOString()} .. ${report.to.toISOString()} (${flags.since})`],
            ["tasks", `${report.completed} completed, ${report.deadLettered} dead-lettered, ${report.attempts} attempts`],
            ["workers", report.workersBasis],
            ...(truncated ? ([["note", `read only the first ${LIST_LIMIT} records per status`]] as const) : [])
          ])
        ].join("\n")
      )
    })
  )
