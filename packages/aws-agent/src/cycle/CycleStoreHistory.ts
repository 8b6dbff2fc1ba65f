/** How every store turns its phases into `history` lines, so all stores order them alike. */
import { Clock, Effect } from "effect"
import type { CycleSummary, StoredPhase } from "./CycleStore.js"

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Newest first by startedAt (ISO 8601 sorts as text), ties by id descending. */
export const newestFirst = (summaries: Iterable<CycleSummary>): ReadonlyArray<CycleSummary> =>
  [...summaries].sort((a, b) => (a.startedAt === b.startedAt ? compare(b.cycleId, a.cycleId) : compare(b.startedAt, a.startedAt)))

/** One cycle's summary from its stored phases (in any order). */
export const summarize = (cycleId: string, startedAt: string, phases: ReadonlyArray<Pick<StoredPhase, "index" | "phase" | "completedAt">>): CycleSummary => {
  const ordered = [...phases].sort((a, b) => a.index - b.index)
  const last = ordered[ordered.length - 1]
  return { cycleId, startedAt, phases: ordered.map((p) => p.phase), ...(last === undefined ? {} : { lastCompletedAt: last.completedAt }) }
}

/** The start time `begin` records: Effect's Clock, so tests control it with TestClock. */
export const startTime: Effect.Effect<string> = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms).toISOString())
