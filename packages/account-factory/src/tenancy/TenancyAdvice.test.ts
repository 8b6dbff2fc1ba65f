import { describe, expect, it } from "@effect/vitest"
import { AccountId, Customer, CustomerId, Money, Placement, PoolState, type MicroUsd, type TenancyModel } from "@miyabi/types"
import * as fc from "fast-check"
import { adviseTenancy } from "./TenancyAdvice.js"
import { defaultTenancySettings } from "./TenancySettings.js"

const POOL = AccountId.make("200000000001")
const customer = (id: string, monthlyUsd?: number) => new Customer({ id: CustomerId.make(id), name: id, ...(monthlyUsd === undefined ? {} : { monthlyCost: Money.fromUsd(monthlyUsd) }) })
const placed = (id: string, model: TenancyModel, accountId = POOL) => new Placement({ customerId: CustomerId.make(id), model, accountId, since: new Date(0), history: [] })

describe("adviseTenancy", () => {
  const customers = [customer("small"), customer("big", 1_200), customer("measured", 20), customer("vip", 5_000)]
  const placements = [placed("small", "Pool"), placed("big", "Pool"), placed("measured", "Bridge", AccountId.make("200000000002")), placed("vip", "Silo", AccountId.make("300000000001"))]
  const pools = [new PoolState({ accountId: POOL, model: "Pool", capacity: 100, members: [CustomerId.make("small"), CustomerId.make("big")] })]
  const costs = new Map<CustomerId, MicroUsd>([[CustomerId.make("measured"), Money.fromUsd(1_500)]])
  const report = adviseTenancy({ customers, placements, pools, settings: defaultTenancySettings, costs })
  const of = (id: string) => report.customers.find((a) => a.customerId === id)!

  it("uses measured costs first, then declared costs, then the model", () => {
    expect([of("small").costSource, of("big").costSource, of("measured").costSource]).toEqual(["model", "declared", "measured"])
    // Pool by the model: $5 per customer plus its share of the $500 pool (2 members).
    expect(Money.format(of("small").monthlyCost)).toBe("$255.00")
    expect(Money.format(of("measured").monthlyCost)).toBe("$1,500.00")
  })

  it("advises a move to a silo above $1,000/month, and never for a silo", () => {
    expect(report.moveToSilo).toEqual(["big", "measured"])
    expect(of("big").reason).toMatch(/\$1,200\.00\/month \(declared\) is above the silo threshold of \$1,000\.00/)
    expect(of("vip").recommendation).toBe("Stay")
    expect(of("small").recommendation).toBe("Stay")
  })

  it("keeps a customer at exactly the threshold where it is; one micro-dollar more moves it", () => {
    const at = new Customer({ id: CustomerId.make("at"), name: "at", monthlyCost: Money.fromUsd(1_000) })
    const over = new Customer({ id: CustomerId.make("over"), name: "over", monthlyCost: (Money.fromUsd(1_000) + 1) as MicroUsd })
    const edge = adviseTenancy({ customers: [at, over], placements: [placed("at", "Pool"), placed("over", "Pool")], pools, settings: defaultTenancySettings })
    expect(edge.customers.map((a) => [a.customerId, a.recommendation])).toEqual([["at", "Stay"], ["over", "MoveToSilo"]])
  })

  it("prices each model per customer as the SPEC does", () => {
    expect(of("small").modelCosts).toEqual({ Silo: Money.fromUsd(50), Pool: Money.fromUsd(255), Bridge: Money.fromUsd(15) })
    expect(report.totals).toEqual({ Silo: Money.fromUsd(50), Pool: Money.fromUsd(510), Bridge: Money.fromUsd(15) })
  })

  it("shares a pool's fixed cost by its members, rounded to the nearest micro-dollar, and by capacity for a new customer", () => {
    const three = new PoolState({ accountId: POOL, model: "Pool", capacity: 100, members: ["a", "b", "c"].map((m) => CustomerId.make(m)) })
    const empty = new PoolState({ accountId: AccountId.make("200000000009"), model: "Pool", capacity: 100, members: [] })
    const poolCost = (id: string, placements: ReadonlyArray<Placement>) =>
      adviseTenancy({ customers: [customer(id)], placements, pools: [three, empty], settings: defaultTenancySettings }).customers[0]!.modelCosts.Pool
    // $5 + $500 / 3 = 171,666,666.67 micro-dollars -> 171,666,667.
    expect(poolCost("a", [placed("a", "Pool")])).toBe(171_666_667)
    // A pool whose member list is stale (empty) charges its whole $500 to the one customer placed there: $505, not infinity.
    expect(poolCost("z", [placed("z", "Pool", AccountId.make("200000000009"))])).toBe(Money.fromUsd(505))
    // Not placed yet: it would share $500 with a full pool of 100 -> $5 + $5.
    expect(poolCost("new", [])).toBe(Money.fromUsd(10))
  })

  it("judges a customer by where it is placed, not the model it asked for, and counts fixed cost of pool accounts only", () => {
    const wantsSilo = new Customer({ id: CustomerId.make("w"), name: "w", model: "Silo", monthlyCost: Money.fromUsd(1_200) })
    const bridge = new PoolState({ accountId: AccountId.make("200000000002"), model: "Bridge", capacity: 20, members: [] })
    const result = adviseTenancy({ customers: [wantsSilo], placements: [placed("w", "Pool")], pools: [pools[0]!, bridge], settings: defaultTenancySettings })
    // Placed in a pool at $1,200/month: above the $1,000 threshold, so it should move.
    expect(result.moveToSilo).toEqual(["w"])
    // Pool total: $5 for the one customer + $500 for the one pool account (the bridge account adds no pool fixed cost).
    expect(result.totals.Pool).toBe(Money.fromUsd(505))
  })

  it("advises a silo exactly when a non-silo customer costs more than the threshold", () => {
    fc.assert(fc.property(
      fc.array(fc.record({ cents: fc.integer({ min: 0, max: 300_000 }), model: fc.constantFrom<TenancyModel>("Pool", "Silo", "Bridge") }), { maxLength: 30 }),
      (rows) => {
        const cs = rows.map((row, i) => new Customer({ id: CustomerId.make(`c${i}`), name: `c${i}`, monthlyCost: (row.cents * 10_000) as MicroUsd }))
        const ps = rows.map((row, i) => placed(`c${i}`, row.model))
        const advice = adviseTenancy({ customers: cs, placements: ps, pools: [], settings: defaultTenancySettings })
        return advice.customers.every((a, i) => (a.recommendation === "MoveToSilo") === (rows[i]!.model !== "Silo" && rows[i]!.cents > 100_000))
      }
    ), { numRuns: 200 })
  })
})
