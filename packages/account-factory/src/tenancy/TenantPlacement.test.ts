import { describe, expect, it } from "@effect/vitest"
import { AccountId, Customer, CustomerId, Placement, PoolState, type TenancyModel } from "@miyabi/types"
import * as fc from "fast-check"
import { placeCustomers, recordPlacement, type PlacementPlan } from "./TenantPlacement.js"
import { defaultTenancySettings, type TenancySettings } from "./TenancySettings.js"

const customer = (id: string, model?: TenancyModel) => new Customer({ id: CustomerId.make(id), name: id, ...(model === undefined ? {} : { model }) })
const customers = (n: number, prefix = "c", model?: TenancyModel) => Array.from({ length: n }, (_, i) => customer(`${prefix}${i + 1}`, model))
const pool = (accountId: string, capacity: number, members: ReadonlyArray<string>, model: "Pool" | "Bridge" = "Pool") =>
  new PoolState({ accountId: AccountId.make(accountId), model, capacity, members: members.map((m) => CustomerId.make(m)) })
const withCapacity = (poolCapacity: number): TenancySettings => ({ ...defaultTenancySettings, poolCapacity })

const accountLabel = (plan: PlacementPlan, id: string) => {
  const placement = plan.placements.find((p) => p.customerId === id)
  return placement === undefined ? undefined : placement.account._tag === "Existing" ? placement.account.accountId : placement.account.name
}

describe("placeCustomers", () => {
  it("places 150 pool customers on two pool accounts of 100, vending both", () => {
    const plan = placeCustomers({ customers: customers(150), pools: [], placements: [], settings: defaultTenancySettings })
    expect(plan.actions.map((a) => (a._tag === "VendPoolAccount" ? `${a.name} ${a.email} ${a.ou} ${a.capacity}` : a._tag))).toEqual([
      "pool-1 aws+pool-1@example.com Workloads/Pools 100",
      "pool-2 aws+pool-2@example.com Workloads/Pools 100"
    ])
    expect(plan.pools.map((p) => p.members.length)).toEqual([100, 50])
    expect(accountLabel(plan, "c100")).toBe("pool-1")
    expect(accountLabel(plan, "c101")).toBe("pool-2")
  })

  it("fills existing pools before vending and honours a capacity of 50", () => {
    const plan = placeCustomers({
      customers: customers(30),
      pools: [pool("200000000001", 50, Array.from({ length: 45 }, (_, i) => `old${i}`))],
      placements: [],
      settings: withCapacity(50)
    })
    expect(plan.pools.map((p) => [p.account._tag, p.capacity, p.members.length])).toEqual([["Existing", 50, 50], ["ToVend", 50, 25]])
    expect(plan.actions).toMatchObject([{ _tag: "VendPoolAccount", name: "pool-2", reason: "all 1 pool accounts are full" }])
  })

  it("gives a silo customer its own account and a bridge customer dedicated resources in a shared one", () => {
    const plan = placeCustomers({ customers: [customer("Acme.Corp", "Silo"), customer("beta", "Bridge"), customer("gamma", "Bridge")], pools: [], placements: [], settings: defaultTenancySettings })
    expect(plan.actions.map((a) => a._tag)).toEqual(["VendSiloAccount", "VendPoolAccount", "ProvisionBridgeResources", "ProvisionBridgeResources"])
    expect(plan.actions[0]).toMatchObject({ name: "silo-acme-corp", email: "aws+silo-acme-corp@example.com", ou: "Workloads/VIP" })
    expect(accountLabel(plan, "beta")).toBe("bridge-1")
    expect(accountLabel(plan, "gamma")).toBe("bridge-1")
  })

  it("numbers and reasons a new pool by pool accounts only, and gives a bridge account the bridge capacity", () => {
    // One full pool account and one bridge account exist: the next pool account is pool-2 (bridges do not count), and
    // "all 1 pool accounts are full". A new bridge account holds settings.bridgeCapacity (20), not the pool's 100.
    const plan = placeCustomers({
      customers: [customer("p1"), customer("b1", "Bridge")],
      pools: [pool("200000000001", 1, ["old"]), pool("200000000002", 1, ["oldb"], "Bridge")],
      placements: [],
      settings: defaultTenancySettings
    })
    expect(plan.actions.filter((a) => a._tag === "VendPoolAccount").map((a) => (a._tag === "VendPoolAccount" ? [a.name, a.capacity, a.reason] : []))).toEqual([
      ["pool-2", 100, "all 1 pool accounts are full"],
      ["bridge-2", 20, "all 1 bridge accounts are full"]
    ])
  })

  it("places a customer listed twice in one request once", () => {
    const plan = placeCustomers({ customers: [customer("c1"), customer("c1")], pools: [], placements: [], settings: defaultTenancySettings })
    expect(plan.placements.map((p) => p.customerId)).toEqual(["c1"])
    expect(plan.pools.map((p) => p.members)).toEqual([["c1"]])
  })

  it("keeps where a customer was even when its old record has no history of its own", () => {
    const old = new Placement({ customerId: CustomerId.make("c1"), model: "Pool", accountId: AccountId.make("200000000001"), since: new Date(0), history: [] })
    const next = recordPlacement(old, { customerId: CustomerId.make("c1"), model: "Silo", accountId: AccountId.make("300000000001"), reason: "moved" }, new Date(1000))
    expect(next.history.map((h) => [h.at.getTime(), h.model, h.accountId, h.reason])).toEqual([
      [0, "Pool", "200000000001", "earlier placement"],
      [1000, "Silo", "300000000001", "moved"]
    ])
  })

  it("does not move a customer that is already placed", () => {
    const existing = new Placement({ customerId: CustomerId.make("c1"), model: "Pool", accountId: AccountId.make("200000000001"), since: new Date(0), history: [] })
    const plan = placeCustomers({ customers: customers(2), pools: [pool("200000000001", 100, ["c1"])], placements: [existing], settings: defaultTenancySettings })
    expect(plan.alreadyPlaced).toEqual(["c1"])
    expect(plan.placements.map((p) => p.customerId)).toEqual(["c2"])
  })

  it("keeps the history of a customer's placements", () => {
    const first = recordPlacement(undefined, { customerId: CustomerId.make("c1"), model: "Pool", accountId: AccountId.make("200000000001"), reason: "initial" }, new Date("2026-01-01T00:00:00Z"))
    const second = recordPlacement(first, { customerId: CustomerId.make("c1"), model: "Silo", accountId: AccountId.make("300000000001"), reason: "above $1,000/month" }, new Date("2026-06-01T00:00:00Z"))
    expect(second.model).toBe("Silo")
    expect(second.since.toISOString()).toBe("2026-06-01T00:00:00.000Z")
    expect(second.history.map((h) => [h.model, h.accountId, h.reason])).toEqual([["Pool", "200000000001", "initial"], ["Silo", "300000000001", "above $1,000/month"]])
  })

  describe("invariants (property tests)", () => {
    const scenario = fc.record({
      capacity: fc.integer({ min: 1, max: 12 }),
      pools: fc.array(fc.record({ capacity: fc.integer({ min: 1, max: 12 }), fill: fc.integer({ min: 0, max: 12 }), bridge: fc.boolean() }), { maxLength: 4 }),
      customers: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), { maxLength: 60 }),
      models: fc.array(fc.constantFrom<TenancyModel | undefined>("Pool", "Silo", "Bridge", undefined), { minLength: 60, maxLength: 60 }),
      alreadyPlaced: fc.integer({ min: 0, max: 5 })
    })

    type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never
    const run = (s: Scenario) => {
      const pools = s.pools.map((p, i) => pool(`2000000000${String(i).padStart(2, "0")}`, p.capacity, Array.from({ length: Math.min(p.fill, p.capacity) }, (_, m) => `m${i}x${m}`), p.bridge ? "Bridge" : "Pool"))
      const input = s.customers.map((id, i) => customer(id, s.models[i]))
      const placed = input.slice(0, s.alreadyPlaced).map((c) => new Placement({ customerId: c.id, model: "Pool", accountId: AccountId.make("299999999999"), since: new Date(0), history: [] }))
      const settings: TenancySettings = { ...withCapacity(s.capacity), bridgeCapacity: s.capacity }
      return { input, pools, placed, settings, plan: placeCustomers({ customers: input, pools, placements: placed, settings }) }
    }

    it("never puts a pool over its capacity", () => {
      fc.assert(fc.property(scenario, (s) => {
        const { plan } = run(s)
        return plan.pools.every((p) => p.members.length <= p.capacity)
      }), { numRuns: 300 })
    })

    it("places every new customer exactly once and leaves placed ones alone", () => {
      fc.assert(fc.property(scenario, (s) => {
        const { input, placed, plan } = run(s)
        const expected = input.filter((c) => !placed.some((p) => p.customerId === c.id)).map((c) => c.id)
        const ids = plan.placements.map((p) => p.customerId)
        const inPools = plan.pools.flatMap((p) => p.members).filter((m) => expected.includes(m))
        const siloed = plan.placements.filter((p) => p.model === "Silo").map((p) => p.customerId)
        return (
          ids.length === new Set(ids).size &&
          [...ids].sort().join() === [...expected].sort().join() &&
          [...inPools, ...siloed].sort().join() === [...expected].sort().join() &&
          plan.alreadyPlaced.length === placed.length
        )
      }), { numRuns: 300 })
    })

    it("vends only as many shared accounts as the overflow needs, and one account per silo customer", () => {
      fc.assert(fc.property(scenario, (s) => {
        const { pools, plan, settings } = run(s)
        const byModel = (model: "Pool" | "Bridge") => {
          const wanted = plan.placements.filter((p) => p.model === model).length
          const free = pools.filter((p) => p.model === model).reduce((n, p) => n + p.capacity - p.members.length, 0)
          const vends = plan.actions.filter((a) => a._tag === "VendPoolAccount" && a.model === model).length
          const capacity = model === "Pool" ? settings.poolCapacity : settings.bridgeCapacity
          return vends === Math.ceil(Math.max(0, wanted - free) / capacity)
        }
        const silos = plan.actions.filter((a) => a._tag === "VendSiloAccount").length
        return byModel("Pool") && byModel("Bridge") && silos === plan.placements.filter((p) => p.model === "Silo").length
      }), { numRuns: 300 })
    })
  })
})
