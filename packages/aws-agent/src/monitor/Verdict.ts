/**
 * θ5: the verdict over every assessed metric and every alarm of a watch
 * window. A regression names the changes θ4 must roll back.
 */
import type { AlarmObservation, ChangeId, ObservationVerdict } from "@miyabi/types"
import type { Assessment } from "./Compare.js"

export interface VerdictResult {
  readonly verdict: ObservationVerdict
  /** Changes to roll back, in first-seen order, each once. */
  readonly rollback: ReadonlyArray<ChangeId>
  readonly reasons: ReadonlyArray<string>
}

/**
 * regressed: any metric regressed or any alarm of a change is in ALARM;
 * insufficient-data: nothing was assessed, or a metric had too few points;
 * healthy otherwise. An alarm in INSUFFICIENT_DATA alone is not a verdict:
 * new alarms start there until their first evaluation periods fill.
 */
export const verdict = (assessments: ReadonlyArray<Assessment>, alarms: ReadonlyArray<AlarmObservation>): VerdictResult => {
  const rollback: Array<ChangeId> = []
  const reasons: Array<string> = []
  const mark = (id: ChangeId | undefined) => {
    if (id !== undefined && !rollback.includes(id)) rollback.push(id)
  }
  for (const a of assessments) {
    if (a.status !== "regressed") continue
    mark(a.comparison.changeId)
    reasons.push(...a.reasons.map((r) => `${a.comparison.changeId}: ${r}`))
  }
  for (const alarm of alarms) {
    if (alarm.state !== "ALARM") continue
    mark(alarm.changeId)
    reasons.push(`alarm ${alarm.name} in ALARM (${alarm.condition})`)
  }
  if (reasons.length > 0) return { verdict: "regressed", rollback, reasons }
  const missing = assessments.filter((a) => a.status === "insufficient-data")
  if (assessments.length === 0) return { verdict: "insufficient-data", rollback, reasons: ["no metric was assessed"] }
  if (missing.length > 0) {
    return { verdict: "insufficient-data", rollback, reasons: missing.flatMap((a) => a.reasons.map((r) => `${a.comparison.changeId}: ${r}`)) }
  }
  return { verdict: "healthy", rollback, reasons }
}
