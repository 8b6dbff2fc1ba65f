/**
 * What every TenancyStore driver must do, as one suite each driver's test
 * runs (memory, JSON file, SQLite, DynamoDB): the state round-trips, and
 * every placement change is kept as history with who and when.
 */
import { expect, it } from "@effect/vitest"
import { AccountId, Customer, CustomerId, Placement, PoolState, type TenancyModel } from "@miyabi/types"
import { Effect, type Layer } from "effect"
import { emptyTenancyState, ScheduledDeletion, TenancyState, TenancyStore, type TenancyStoreOptions } from "./TenancyStore.js"

export const POOL = AccountId.make("200000000001")
export const SILO = AccountId.make("300000000001")
export const T0 = new Date("2026-11-01T00:00:00.000Z")
export const placement = (id: string, model: TenancyModel, accountId: AccountId) => new Placement({ customerId: CustomerId.make(id), model, accountId, since: T0, history: [] })
const customer = (id: string) => new Customer({ id: CustomerId.make(id), name: `Customer ${id}` })

export const placedTwo = new TenancyState({
  customers: [customer("a"), customer("b")],
  pools: [new PoolState({ accountId: POOL, model: "Pool", capacity: 100, members: [CustomerId.make("a"), CustomerId.make("b")] })],
  placements: [placement("a", "Pool", POOL), placement("b", "Pool", POOL)],
  departed: [],
  deletions: []
})

/** Registers the contract's tests for the driver `makeLayer` builds (a fresh, empty store per call). */
export const tenancyStoreContract = (makeLayer: (options: TenancyStoreOptions) => Layer.Layer<TenancyStore, unknown>) => {
  const ticks = [new Date("2026-11-02T00:00:00.000Z"), new Date("2026-11-03T00:00:00.000Z"), new Date("2026-11-04T00:00:00.000Z")]
  const clock = () => {
    let next = 0
    return () => ticks[Math.min(next++, ticks.length - 1)]!
  }

  it.scoped("an empty store loads an empty state and has no history", () =>
    Effect.gen(function* () {
      const store = yield* TenancyStore
      expect(yield* store.load()).toEqual(emptyTenancyState())
      expect(yield* store.history(CustomerId.make("a"))).toEqual([])
    }).pipe(Effect.provide(makeLayer({}))))

  it.scoped("the state round-trips: customers, pools, placements, departed and deletions", () =>
    Effect.gen(function* () {
      const store = yield* TenancyStore
      const state = new TenancyState({
        ...placedTwo,
        departed: [placement("z", "Silo", SILO)],
        deletions: [new ScheduledDeletion({ customerId: CustomerId.make("z"), accountId: POOL, at: new Date("2026-12-01T00:00:00.000Z"), resources: ["arn:aws:s3:::z-data"] })]
      })
      yield* store.save(state)
      expect(yield* store.load()).toEqual(state)
    }).pipe(Effect.provide(makeLayer({}))))

  it.scoped("every placement change is history: placed, moved, offboarded, with who and when, per customer", () =>
    Effect.gen(function* () {
      const store = yield* TenancyStore
      yield* store.save(placedTwo)
      // a moves to a silo; b stays where it was
      const moved = new TenancyState({ ...placedTwo, placements: [placement("a", "Silo", SILO), placement("b", "Pool", POOL)] })
      yield* store.save(moved)
      // saving the same placements again changes nothing
      yield* store.save(moved)
      const offboarded = new TenancyState({ ...moved, placements: [placement("b", "Pool", POOL)], departed: [placement("a", "Silo", SILO)] })
      yield* store.save(offboarded)

      const a = yield* store.history(CustomerId.make("a"))
      expect(a.map((event) => [event.kind, event.model, event.accountId, event.at.toISOString(), event.actor])).toEqual([
        ["placed", "Pool", POOL, "2026-11-02T00:00:00.000Z", "alice"],
        ["moved", "Silo", SILO, "2026-11-03T00:00:00.000Z", "alice"],
        ["offboarded", "Silo", SILO, "2026-11-04T00:00:00.000Z", "alice"]
      ])
      expect(a[1]?.from).toEqual({ model: "Pool", accountId: POOL })
      expect((yield* store.history(CustomerId.make("b"))).map((event) => event.kind)).toEqual(["placed"])
      expect((yield* store.load()).placements.map((p) => p.customerId)).toEqual(["b"])
    }).pipe(Effect.provide(makeLayer({ actor: "alice", now: clock() }))))
}
