/**
 * What the CLI and the worker's `cost-report` task call: a month's report
 * from CUR files or from Cost Explorer, with the daily per-customer costs
 * that budgets and the HTML chart need, and the allocation input derived
 * from customer placements.
 */
import {
  AllocationAccount,
  type AllocationKey,
  type AllocationPolicy,
  type CostLine,
  type CostMonth,
  type CostReport,
  type IngestSummary,
  type Placement
} from "@miyabi/types"
import { Effect, Either } from "effect"
import { compareIds } from "./Apportion.js"
import type { OnCostProgress } from "./CostProgress.js"
import type { DailyCost } from "./Budgets.js"
import { CostExplorerSource } from "./adapters/CostExplorer.js"
import { CurSource } from "./adapters/CurFiles.js"
import { buildReport, dailyCustomerCosts } from "./Report.js"

export interface MonthlyReport {
  readonly report: CostReport
  readonly daily: ReadonlyArray<DailyCost>
  /** Cost Explorer requests sent (billed) and answered from cache; absent for CUR. */
  readonly calls?: { readonly sent: number; readonly cached: number }
}

/** First and last day of a month. */
export const monthDays = (month: CostMonth): { readonly from: string; readonly to: string } => {
  const [year, m] = month.split("-").map(Number) as [number, number]
  const last = new Date(Date.UTC(year, m, 0)).getUTCDate()
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` }
}

const finish = (lines: ReadonlyArray<CostLine>, policy: AllocationPolicy, source: string, ingest?: IngestSummary) =>
  Either.flatMap(buildReport({ lines, policy, source, ...(ingest === undefined ? {} : { ingest }) }), (report) =>
    Either.map(dailyCustomerCosts(lines, policy), (daily) => ({ report, daily }))
  )

/** A month from CUR files (a file or a folder); lines outside the month are reported as skipped. */
export const fromCur = (options: {
  readonly month: CostMonth
  readonly path: string
  readonly policy: AllocationPolicy
  readonly failOnSkipped?: boolean
  readonly onProgress?: OnCostProgress
}) =>
  Effect.gen(function* () {
    const cur = yield* CurSource
    const { from, to } = monthDays(options.month)
    const read = yield* cur.read({
      path: options.path,
      customerTag: options.policy.customerTag,
      from,
      to,
      ...(options.failOnSkipped === undefined ? {} : { failOnSkipped: options.failOnSkipped }),
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress })
    })
    return yield* finish(read.lines, options.policy, `cur:${options.path}`, read.ingest)
  }).pipe(Effect.withSpan("CostReports.fromCur"))

/** A month from Cost Explorer, by day. */
export const fromCostExplorer = (options: { readonly month: CostMonth; readonly policy: AllocationPolicy; readonly onProgress?: OnCostProgress }) =>
  Effect.gen(function* () {
    const ce = yield* CostExplorerSource
    const read = yield* ce.read({ ...monthDays(options.month), customerTag: options.policy.customerTag, ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }) })
    const result = yield* finish(read.lines, options.policy, "cost-explorer")
    return { ...result, calls: { sent: read.calls, cached: read.cachedCalls } } satisfies MonthlyReport
  }).pipe(Effect.withSpan("CostReports.fromCostExplorer"))

/**
 * Allocation accounts from where customers are placed: a Silo account is its
 * one customer's; Pool and Bridge accounts list their customers. An account
 * holding a Silo placement and others is treated as a pool (and listed in
 * `conflicts`). `platformAccounts` are the platform's own accounts.
 */
export const accountsFromPlacements = (
  placements: ReadonlyArray<Placement>,
  options: { readonly platformAccounts?: ReadonlyArray<string>; readonly key?: AllocationKey } = {}
): { readonly accounts: ReadonlyArray<AllocationAccount>; readonly conflicts: ReadonlyArray<string> } => {
  const byAccount = new Map<string, Array<Placement>>()
  for (const p of placements) byAccount.set(p.accountId, [...(byAccount.get(p.accountId) ?? []), p])
  const conflicts: Array<string> = []
  const accounts = [...byAccount.entries()]
    .sort(([a], [b]) => compareIds(a, b))
    .map(([account, here]) => {
      const customers = [...new Set(here.map((p) => p.customerId as string))].sort(compareIds)
      const models = new Set(here.map((p) => p.model))
      const silo = models.size === 1 && models.has("Silo") && customers.length === 1
      if (models.has("Silo") && !silo) conflicts.push(account)
      return new AllocationAccount({
        account,
        kind: silo ? "silo" : models.has("Bridge") ? "bridge" : "pool",
        customers,
        ...(options.key === undefined || silo ? {} : { key: options.key })
      })
    })
  for (const account of options.platformAccounts ?? []) {
    if (!byAccount.has(account)) accounts.push(new AllocationAccount({ account, kind: "shared-platform", customers: [] }))
  }
  return { accounts, conflicts }
}

/** An account as an organization inventory describes it (the sandbox estate, an org scan). */
export interface RoledAccount {
  readonly id: string
  /** "silo" | "pool" | "bridge" for customer accounts; "management", "security", "infrastructure" for the platform's; anything else is left undeclared. */
  readonly role: string
  /** The owner of a silo account. */
  readonly customerId?: string | undefined
}

const PLATFORM_ROLES = new Set(["management", "security", "infrastructure"])

/**
 * Allocation accounts from account roles: silo accounts to their owner, pool
 * and bridge accounts shared by `poolCustomers` (the customers placed in
 * pools), platform accounts shared by everyone. Other accounts (workloads,
 * sandboxes) stay undeclared, so their untagged cost shows as unallocated.
 */
export const accountsFromRoles = (
  accounts: ReadonlyArray<RoledAccount>,
  poolCustomers: ReadonlyArray<string>,
  key?: AllocationKey
): ReadonlyArray<AllocationAccount> =>
  [...accounts]
    .sort((a, b) => compareIds(a.id, b.id))
    .flatMap((a): ReadonlyArray<AllocationAccount> => {
      if (a.role === "silo" && a.customerId !== undefined) return [new AllocationAccount({ account: a.id, kind: "silo", customers: [a.customerId] })]
      if (a.role === "pool" || a.role === "bridge") {
        return [new AllocationAccount({ account: a.id, kind: a.role, customers: [...new Set(poolCustomers)].sort(compareIds), ...(key === undefined ? {} : { key }) })]
      }
      if (PLATFORM_ROLES.has(a.role)) return [new AllocationAccount({ account: a.id, kind: "shared-platform", customers: [], ...(key === undefined ? {} : { key }) })]
      return []
    })
