/** `miyabi cost report|customer|budgets`' progress: reading the bill, one line per step, on stderr on a terminal only. */
import { describe, expect, it } from "@effect/vitest"
import type { CostProgressEvent } from "@miyabi/cost"
import { Effect } from "effect"
import { onTerminal, progressCases } from "../../Output.testkit.js"
import { costProgressLine, reportCostProgress } from "./CostHandlers.js"

const events: ReadonlyArray<CostProgressEvent> = [
  { _tag: "CurFile", index: 2, total: 3, file: "cur/part-2.parquet" },
  { _tag: "CurQuery", path: "cur", files: 3 },
  { _tag: "CostExplorerQuery", index: 0, total: 0, pages: 1, cached: false },
  { _tag: "CostExplorerQuery", account: "111111111111", index: 4, total: 9, pages: 3, cached: true }
]
const lines = [
  "cost 2026-10: checking CUR file 2/3 (cur/part-2.parquet)",
  "cost 2026-10: reading CUR (3 files)",
  "cost 2026-10: Cost Explorer accounts with cost, 1 page",
  "cost 2026-10: Cost Explorer account 4/9 111111111111, 3 pages (cached)"
]

describe("cost progress", () => {
  it.effect("one line per step of reading the bill, on stderr on a terminal only: nothing in a pipe or with --json", () =>
    Effect.gen(function* () {
      expect(events.map((e) => costProgressLine("2026-10", e))).toEqual(lines)
      expect(yield* progressCases((output) => Effect.forEach(events, reportCostProgress(output, "2026-10"), { discard: true }))).toEqual({ terminal: onTerminal(lines), pipe: [], json: [] })
    }))
})
