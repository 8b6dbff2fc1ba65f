/**
 * The priority of a change: the stricter of what its money and its security
 * severity say. P0 is "do now" (money burning or the estate exposed), P3
 * "whenever".
 */
import type { ChangePriority, Severity } from "@miyabi/types"

export interface PriorityRow {
  readonly priority: ChangePriority
  /** Expected monthly savings at or above this (micro-dollars). */
  readonly minMonthlySavings: number
  /** Or a security finding of one of these severities. */
  readonly severities: ReadonlyArray<Severity>
}

/** The documented mapping, strictest first. */
export const PRIORITY_TABLE: ReadonlyArray<PriorityRow> = [
  { priority: "P0", minMonthlySavings: 500_000_000, severities: ["critical"] },
  { priority: "P1", minMonthlySavings: 100_000_000, severities: ["high"] },
  { priority: "P2", minMonthlySavings: 20_000_000, severities: ["medium"] },
  { priority: "P3", minMonthlySavings: 0, severities: ["low", "info"] }
]

export const PRIORITY_RANK: Readonly<Record<ChangePriority, number>> = { P0: 0, P1: 1, P2: 2, P3: 3 }

export const priorityOf = (monthlySavings: number, severity?: Severity): ChangePriority => {
  const row = PRIORITY_TABLE.find((r) => monthlySavings >= r.minMonthlySavings || (severity !== undefined && r.severities.includes(severity)))
  return row?.priority ?? "P3"
}
