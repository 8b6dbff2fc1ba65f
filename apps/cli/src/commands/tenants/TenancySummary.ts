/**
 * A placement summary of a tenancy state, for `miyabi tenants list|place`
 * and the demo: customers per model, and each shared account's occupancy.
 */
import type { TenancyStore } from "@miyabi/account-factory"
import type { TenancyModel } from "@miyabi/types"
import { renderTable } from "../../render/Table.js"

type TenancyState = TenancyStore.TenancyState

export interface TenancySummary {
  readonly customers: number
  readonly placed: number
  readonly byModel: { readonly [model in TenancyModel]: number }
  readonly pools: ReadonlyArray<{ readonly accountId: string; readonly model: "Pool" | "Bridge"; readonly members: number; readonly capacity: number }>
  readonly silos: ReadonlyArray<{ readonly customerId: string; readonly accountId: string }>
  readonly departed: number
  readonly scheduledDeletions: number
}

export const summarizeTenancy = (state: TenancyState): TenancySummary => ({
  customers: state.customers.length,
  placed: state.placements.length,
  byModel: {
    Pool: state.placements.filter((p) => p.model === "Pool").length,
    Silo: state.placements.filter((p) => p.model === "Silo").length,
    Bridge: state.placements.filter((p) => p.model === "Bridge").length
  },
  pools: state.pools.map((pool) => ({ accountId: pool.accountId, model: pool.model, members: pool.members.length, capacity: pool.capacity })),
  silos: state.placements.filter((p) => p.model === "Silo").map((p) => ({ customerId: p.customerId, accountId: p.accountId })),
  departed: state.departed.length,
  scheduledDeletions: state.deletions.length
})

export const renderTenancySummary = (summary: TenancySummary): string =>
  [
    `${summary.placed} customer(s) placed: ${summary.byModel.Pool} pool, ${summary.byModel.Silo} silo, ${summary.byModel.Bridge} bridge`,
    ...(summary.pools.length === 0
      ? []
      : ["", renderTable(["SHARED ACCOUNT", "MODEL", "CUSTOMERS", "CAPACITY"], summary.pools.map((p) => [p.accountId, p.model, p.members, p.capacity]))]),
    ...(summary.silos.length === 0 ? [] : ["", renderTable(["SILO ACCOUNT", "CUSTOMER"], summary.silos.map((s) => [s.accountId, s.customerId]))])
  ].join("\n")
