/**
 * Tenancy carried out: place customers (vending the pool and silo accounts
 * the placement needs, at most 5 at once) and record the placements; offboard
 * a customer (suspend and close a silo, or leave a pool and schedule the
 * data deletion). Reruns are safe: vending finds accounts by e-mail, and
 * customers already placed are not placed again.
 */
import { CustomerId, PoolState, type AccountId, type Customer, type OrgNodeId } from "@miyabi/types"
import { Effect, Either, Option, Schema } from "effect"
import { Organizations, type OrganizationsError } from "../org/Organizations.js"
import { vendAccounts, type VendError, type VendOptions } from "../vending/AccountVending.js"
import { ScheduledDeletion, TenancyState, TenancyStore, type TenancyStoreError } from "./TenancyStore.js"
import { planOffboarding, type OffboardingReport } from "./TenantOffboarding.js"
import { placeCustomers, recordPlacement, type PlacementPlan } from "./TenantPlacement.js"
import { BridgeProvisioner, bridgeResourcesFor, type BridgeResource, type ProvisionedResource } from "./BridgeResources.js"
import type { TenantResource } from "./TenantResource.js"
import { TenantResources } from "./TenantResources.js"
import type { TenancySettings } from "./TenancySettings.js"

export class TenancyError extends Schema.TaggedError<TenancyError>()("TenancyError", {
  reason: Schema.Literal("UnknownOu", "NotPlaced", "Organizations", "BridgeResources", "Resources"),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.reason}: ${this.detail}`
  }
}

export interface PlaceResult {
  readonly plan: PlacementPlan
  readonly placed: ReadonlyArray<CustomerId>
  /** Customers whose account could not be vended; placing them again retries. */
  readonly unplaced: ReadonlyArray<{ readonly customerId: CustomerId; readonly error: VendError }>
  /** Bridge customers' dedicated resources made (or found) by the `BridgeProvisioner`. */
  readonly bridgeProvisioned: ReadonlyArray<ProvisionedResource>
  /**
   * Bridge resources not made: no `BridgeProvisioner` was provided (the plan
   * is exact: make them, or place again with one), or it failed (placing the
   * same customers again retries; it is idempotent).
   */
  readonly bridgePending: ReadonlyArray<{ readonly resource: BridgeResource; readonly reason: string }>
}

const ouIdsByPath = Effect.gen(function* () {
  const org = yield* (yield* Organizations).snapshot()
  const byId = new Map(org.organizationalUnits.map((ou) => [ou.id as string, ou]))
  const pathOf = (id: string, depth = 0): string | undefined => {
    if (id === org.rootId) return ""
    const ou = byId.get(id)
    const parent = ou === undefined || depth > 10 ? undefined : pathOf(ou.parentId, depth + 1)
    return parent === undefined || ou === undefined ? undefined : parent === "" ? ou.name : `${parent}/${ou.name}`
  }
  return new Map<string, OrgNodeId>([["Root", org.rootId], ...org.organizationalUnits.flatMap((ou) => {
    const path = pathOf(ou.id)
    return path === undefined ? [] : [[path, ou.id] as const]
  })])
})

const orgError = (error: OrganizationsError) => new TenancyError({ reason: "Organizations", detail: error.message })

export const placeTenants = (
  customers: ReadonlyArray<Customer>,
  settings: TenancySettings,
  options: { readonly vend?: VendOptions; readonly now?: Date } = {}
): Effect.Effect<PlaceResult, TenancyError | TenancyStoreError, Organizations | TenancyStore> =>
  Effect.gen(function* () {
    const store = yield* TenancyStore
    const state = yield* store.load()
    const plan = placeCustomers({ customers, pools: state.pools, placements: state.placements, settings })
    const ous = yield* Effect.mapError(ouIdsByPath, orgError)
    const vends = plan.actions.flatMap((action) => (action._tag === "VendPoolAccount" || action._tag === "VendSiloAccount" ? [action] : []))
    const requests = yield* Effect.forEach(vends, (action) => {
      const parentId = ous.get(action.ou)
      return parentId === undefined
        ? Effect.fail(new TenancyError({ reason: "UnknownOu", detail: `OU ${action.ou} does not exist: apply the org spec first` }))
        : Effect.succeed({ name: action.name, email: action.email, parentId, tags: { Tenancy: action._tag === "VendSiloAccount" ? "Silo" : action.model, ...(action._tag === "VendSiloAccount" ? { CostCenter: action.customerId } : {}) } })
    })
    const results = yield* vendAccounts(requests, options.vend ?? {})
    const accountByName = new Map<string, AccountId>()
    const failures = new Map<string, VendError>()
    results.forEach((result, index) => {
      const name = requests[index]!.name
      if (Either.isRight(result)) accountByName.set(name, result.right.accountId)
      else failures.set(name, result.left)
    })
    const now = options.now ?? new Date()
    const placements = [...state.placements]
    const placed: Array<CustomerId> = []
    const unplaced: Array<{ customerId: CustomerId; error: VendError }> = []
    for (const placement of plan.placements) {
      const accountId = placement.account._tag === "Existing" ? placement.account.accountId : accountByName.get(placement.account.name)
      if (accountId === undefined) {
        const error = placement.account._tag === "ToVend" ? failures.get(placement.account.name) : undefined
        if (error !== undefined) unplaced.push({ customerId: placement.customerId, error })
        continue
      }
      placements.push(recordPlacement(undefined, { customerId: placement.customerId, model: placement.model, accountId, reason: placement.reason }, now))
      placed.push(placement.customerId)
    }
    // A pool whose account could not be vended is left out; its customers are in `unplaced`.
    const pools = plan.pools.flatMap((pool) => {
      const accountId = pool.account._tag === "Existing" ? pool.account.accountId : accountByName.get(pool.account.name)
      return accountId === undefined ? [] : [new PoolState({ accountId, model: pool.model, capacity: pool.capacity, members: pool.members })]
    })
    const known = new Set(state.customers.map((c) => c.id as string))
    yield* store.save(new TenancyState({ ...state, customers: [...state.customers, ...customers.filter((c) => !known.has(c.id))], pools, placements }))
    // Bridge customers placed now, and those asked for again (a rerun retries what failed), get their dedicated resources.
    const asked = new Set<string>(customers.map((c) => c.id))
    const bridged = placements.filter((p) => p.model === "Bridge" && asked.has(p.customerId)).flatMap((p) => bridgeResourcesFor(p.customerId, p.accountId))
    const provisioner = yield* Effect.serviceOption(BridgeProvisioner)
    const outcomes = Option.isNone(provisioner)
      ? bridged.map((resource) => Either.left({ resource, reason: "no BridgeProvisioner: not created" }))
      : yield* Effect.forEach(bridged, (resource) => Effect.either(Effect.mapError(provisioner.value.ensure(resource), (error) => ({ resource, reason: error.message }))), { concurrency: 5 })
    return { plan, placed, unplaced, bridgeProvisioned: outcomes.flatMap((o) => (Either.isRight(o) ? [o.right] : [])), bridgePending: outcomes.flatMap((o) => (Either.isLeft(o) ? [o.left] : [])) }
  }).pipe(Effect.withSpan("TenantOperations.placeTenants", { attributes: { customers: customers.length } }))

export const offboardTenant = (
  customerId: string,
  resources: ReadonlyArray<TenantResource>,
  settings: TenancySettings,
  now: Date
): Effect.Effect<OffboardingReport, TenancyError | TenancyStoreError, Organizations | TenancyStore> =>
  Effect.gen(function* () {
    const store = yield* TenancyStore
    const orgs = yield* Organizations
    const state = yield* store.load()
    const placement = state.placements.find((p) => p.customerId === customerId)
    const customer = state.customers.find((c) => c.id === customerId)
    if (placement === undefined || customer === undefined) return yield* Effect.fail(new TenancyError({ reason: "NotPlaced", detail: `customer ${customerId} has no placement` }))
    const report = planOffboarding(customer, placement, resources, settings, now)
    let pools = state.pools
    let deletions = state.deletions
    for (const action of report.actions) {
      switch (action._tag) {
        case "MoveAccount": {
          const ous = yield* Effect.mapError(ouIdsByPath, orgError)
          const to = ous.get(action.toOu)
          if (to === undefined) return yield* Effect.fail(new TenancyError({ reason: "UnknownOu", detail: `OU ${action.toOu} does not exist` }))
          const from = yield* Effect.mapError(orgs.parentOf(placement.accountId), orgError)
          if (from !== to) yield* Effect.mapError(orgs.moveAccount(placement.accountId, from, to), orgError)
          break
        }
        case "CloseAccount":
          yield* Effect.mapError(orgs.closeAccount(placement.accountId), orgError)
          break
        case "RemoveFromPool":
          pools = pools.map((pool) => (pool.accountId === action.accountId ? new PoolState({ ...pool, members: pool.members.filter((m) => m !== customerId) }) : pool))
          break
        case "ScheduleDataDeletion":
          deletions = [...deletions, new ScheduledDeletion({ customerId: CustomerId.make(customerId), accountId: placement.accountId, at: action.at, resources: action.resources })]
          break
      }
    }
    yield* store.save(new TenancyState({
      ...state,
      pools,
      deletions,
      placements: state.placements.filter((p) => p.customerId !== customerId),
      departed: [...state.departed, recordPlacement(placement, { customerId: placement.customerId, model: placement.model, accountId: placement.accountId, reason: `offboarded on ${now.toISOString().slice(0, 10)}` }, now)]
    }))
    return report
  }).pipe(Effect.withSpan("TenantOperations.offboardTenant", { attributes: { customerId } }))

/**
 * Offboards a customer with its resources found by its tenant tag
 * (`TenantResources`: CostCenter = customer id in the customer's account,
 * in each of `settings.regions`): the report lists them, and for a pool or
 * bridge customer they are what is scheduled for deletion after the
 * retention period.
 */
export const offboardTenantByTag = (
  customerId: string,
  settings: TenancySettings,
  now: Date
): Effect.Effect<OffboardingReport, TenancyError | TenancyStoreError, Organizations | TenancyStore | TenantResources> =>
  Effect.gen(function* () {
    const state = yield* (yield* TenancyStore).load()
    const placement = state.placements.find((p) => p.customerId === customerId)
    if (placement === undefined) return yield* Effect.fail(new TenancyError({ reason: "NotPlaced", detail: `customer ${customerId} has no placement` }))
    const resources = yield* (yield* TenantResources)
      .find({ customerId: placement.customerId, accountId: placement.accountId, regions: settings.regions })
      .pipe(Effect.mapError((error) => new TenancyError({ reason: "Resources", detail: error.message })))
    return yield* offboardTenant(customerId, resources, settings, now)
  }).pipe(Effect.withSpan("TenantOperations.offboardTenantByTag", { attributes: { customerId } }))
