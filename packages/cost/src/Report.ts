/**
 * A per-customer cost report: the allocation of a period's lines plus totals
 * by service and account, and what the source skipped. Skipped rows are
 * never silent: the report repeats them in its notes.
 */
import { Allocation, type AllocationPolicy, type CostLine, CostReport, type IngestSummary, MicroUsd, Money } from "@miyabi/types"
import { Either } from "effect"
import { allocate, type AllocationError } from "./Allocation.js"
import { compareIds } from "./Apportion.js"
import type { DailyCost } from "./Budgets.js"

export interface ReportInput {
  readonly lines: ReadonlyArray<CostLine>
  readonly policy: AllocationPolicy
  readonly source: string
  readonly ingest?: IngestSummary
}

const sumBy = (lines: ReadonlyArray<CostLine>, key: (line: CostLine) => string, measure: (line: CostLine) => number) => {
  const sums = new Map<string, number>()
  for (const line of lines) sums.set(key(line), (sums.get(key(line)) ?? 0) + measure(line))
  return [...sums.entries()].sort(([a, x], [b, y]) => y - x || compareIds(a, b))
}

/** Builds the report; `from`/`to` are the first and last dates of the lines. */
export const buildReport = (input: ReportInput): Either.Either<CostReport, AllocationError> =>
  Either.map(allocate(input.lines, input.policy), (allocation) => {
    const measure = (line: CostLine) => (input.policy.measure === "amortized" ? line.amortized : line.unblended)
    const dates = input.lines.map((l) => l.date).sort()
    const skippedNotes = (input.ingest?.skipped ?? []).map(
      (s) => `${s.rows} row(s) skipped (${s.reason}), ${Money.format(s.cost)} of known cost not allocated`
    )
    return new CostReport({
      from: dates[0] ?? "1970-01-01",
      to: dates[dates.length - 1] ?? "1970-01-01",
      source: input.source,
      ...(input.ingest === undefined ? {} : { ingest: input.ingest }),
      allocation: skippedNotes.length === 0 ? allocation : new Allocation({ ...allocation, notes: [...allocation.notes, ...skippedNotes] }),
      byService: sumBy(input.lines, (l) => l.service, measure).map(([service, cost]) => ({ service, cost: MicroUsd.make(cost) })),
      byAccount: sumBy(input.lines, (l) => l.account, measure).map(([account, cost]) => ({ account, cost: MicroUsd.make(cost) }))
    })
  })

/** Allocates each day on its own: the daily per-customer costs that budgets forecast from. */
export const dailyCustomerCosts = (
  lines: ReadonlyArray<CostLine>,
  policy: AllocationPolicy
): Either.Either<ReadonlyArray<DailyCost>, AllocationError> => {
  const byDate = new Map<string, Array<CostLine>>()
  for (const line of lines) {
    const day = byDate.get(line.date) ?? []
    day.push(line)
    byDate.set(line.date, day)
  }
  const out: Array<DailyCost> = []
  for (const date of [...byDate.keys()].sort()) {
    const result = allocate(byDate.get(date) ?? [], policy)
    if (Either.isLeft(result)) return Either.left(result.left)
    for (const c of result.right.customers) out.push({ customer: c.customer, date, cost: c.total })
  }
  return Either.right(out)
}
