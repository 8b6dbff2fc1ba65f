/**
 * Placement of customers on accounts. Pure: the current pools and
 * placements plus the customers to place -> where each goes and which
 * accounts must be vended first. Pool: the first shared account with room,
 * else a new pool account. Silo: an account of its own. Bridge: a shared
 * bridge account plus dedicated resources for the customer.
 */
import { Placement, PlacementHistoryEntry, type AccountId, type Customer, type CustomerId, type PoolState, type TenancyModel } from "@miyabi/types"
import { accountNameFor, type TenancySettings } from "./TenancySettings.js"

/** An account that exists, or one this plan vends (named as it will be created). */
export type AccountRef =
  | { readonly _tag: "Existing"; readonly accountId: AccountId }
  | { readonly _tag: "ToVend"; readonly name: string }

export interface PlannedPlacement {
  readonly customerId: CustomerId
  readonly model: TenancyModel
  readonly account: AccountRef
  readonly reason: string
}

export type TenancyAction =
  | { readonly _tag: "VendPoolAccount"; readonly model: "Pool" | "Bridge"; readonly name: string; readonly email: string; readonly ou: string; readonly capacity: number; readonly reason: string }
  | { readonly _tag: "VendSiloAccount"; readonly customerId: CustomerId; readonly name: string; readonly email: string; readonly ou: string }
  | { readonly _tag: "ProvisionBridgeResources"; readonly customerId: CustomerId; readonly account: AccountRef }

/** A shared account after placement: existing or to be vended. */
export interface PoolOccupancy {
  readonly account: AccountRef
  readonly model: "Pool" | "Bridge"
  readonly capacity: number
  readonly members: ReadonlyArray<CustomerId>
}

export interface PlacementPlan {
  readonly placements: ReadonlyArray<PlannedPlacement>
  readonly actions: ReadonlyArray<TenancyAction>
  readonly pools: ReadonlyArray<PoolOccupancy>
  /** Customers asked for that already have a placement; they are not moved. */
  readonly alreadyPlaced: ReadonlyArray<CustomerId>
}

export interface PlacementInput {
  readonly customers: ReadonlyArray<Customer>
  readonly pools: ReadonlyArray<PoolState>
  readonly placements: ReadonlyArray<Placement>
  readonly settings: TenancySettings
}

export const placeCustomers = (input: PlacementInput): PlacementPlan => {
  const { settings } = input
  const placed = new Set<string>(input.placements.map((placement) => placement.customerId))
  const pools: Array<{ account: AccountRef; model: "Pool" | "Bridge"; capacity: number; members: Array<CustomerId> }> = input.pools.map((pool) => ({
    account: { _tag: "Existing", accountId: pool.accountId },
    model: pool.model,
    capacity: pool.capacity,
    members: [...pool.members]
  }))
  const placements: Array<PlannedPlacement> = []
  const actions: Array<TenancyAction> = []
  const alreadyPlaced: Array<CustomerId> = []
  // Pool numbers continue after the highest existing one, so names never repeat.
  const vended = { Pool: input.pools.filter((pool) => pool.model === "Pool").length, Bridge: input.pools.filter((pool) => pool.model === "Bridge").length }

  const sharedAccountFor = (model: "Pool" | "Bridge") => {
    const open = pools.find((pool) => pool.model === model && pool.members.length < pool.capacity)
    if (open !== undefined) return { pool: open, reason: open.account._tag === "Existing" ? `room in ${model.toLowerCase()} account ${open.account.accountId}` : `room in new ${model.toLowerCase()} account ${open.account.name}` }
    const n = ++vended[model]
    const capacity = model === "Pool" ? settings.poolCapacity : settings.bridgeCapacity
    const { name, email, ou } = accountNameFor(settings.naming[model], { n })
    const full = pools.filter((pool) => pool.model === model).length
    actions.push({ _tag: "VendPoolAccount", model, name, email, ou, capacity, reason: full === 0 ? `no ${model.toLowerCase()} account yet` : `all ${full} ${model.toLowerCase()} accounts are full` })
    const pool = { account: { _tag: "ToVend" as const, name }, model, capacity, members: [] as Array<CustomerId> }
    pools.push(pool)
    return { pool, reason: `new ${model.toLowerCase()} account ${name}` }
  }

  for (const customer of input.customers) {
    if (placed.has(customer.id)) {
      alreadyPlaced.push(customer.id)
      continue
    }
    placed.add(customer.id)
    const model = customer.model ?? "Pool"
    if (model === "Silo") {
      const { name, email, ou } = accountNameFor(settings.naming.Silo, { customer: customer.id })
      actions.push({ _tag: "VendSiloAccount", customerId: customer.id, name, email, ou })
      placements.push({ customerId: customer.id, model, account: { _tag: "ToVend", name }, reason: "silo: an account of its own" })
      continue
    }
    const { pool, reason } = sharedAccountFor(model)
    pool.members.push(customer.id)
    placements.push({ customerId: customer.id, model, account: pool.account, reason })
    if (model === "Bridge") actions.push({ _tag: "ProvisionBridgeResources", customerId: customer.id, account: pool.account })
  }
  return { placements, actions, pools, alreadyPlaced }
}

/**
 * The placement record after a customer (re)lands on an account: the old
 * placement moves into the history, so the record says where it lived when.
 */
export const recordPlacement = (
  previous: Placement | undefined,
  next: { readonly customerId: CustomerId; readonly model: TenancyModel; readonly accountId: AccountId; readonly reason: string },
  at: Date
): Placement =>
  new Placement({
    customerId: next.customerId,
    model: next.model,
    accountId: next.accountId,
    since: at,
    history: [
      // A record made elsewhere may lack its own entry; keep where the customer was.
      ...(previous === undefined ? [] : previous.history.length > 0 ? previous.history : [new PlacementHistoryEntry({ at: previous.since, model: previous.model, accountId: previous.accountId, reason: "earlier placement" })]),
      new PlacementHistoryEntry({ at, model: next.model, accountId: next.accountId, reason: next.reason })
    ]
  })
