import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Schema } from "effect"
import { decodeInput } from "./Decode.js"
import { Customer, Placement, PoolState } from "./Tenancy.js"

const aPlacement = {
  customerId: "acme",
  model: "Silo",
  accountId: "222222222222",
  since: "2026-11-01T00:00:00.000Z",
  history: [{ at: "2026-01-01T00:00:00.000Z", model: "Pool", accountId: "111111111111", reason: "initial placement" }]
}

describe("Tenancy", () => {
  it("round-trips a placement with its history", () => {
    const placement = Schema.decodeUnknownSync(Placement)(aPlacement)
    expect(placement.history[0]?.at).toBeInstanceOf(Date)
    expect(Schema.encodeSync(Placement)(placement)).toEqual(aPlacement)
  })

  it("round-trips a customer with a monthly cost in micro-dollars", () => {
    const input = { id: "acme", name: "Acme Corp", model: "Bridge", monthlyCost: 1_500_000_000 }
    expect(Schema.encodeSync(Customer)(Schema.decodeUnknownSync(Customer)(input))).toEqual(input)
    expect(Either.isLeft(Schema.decodeUnknownEither(Customer)({ ...input, monthlyCost: 1.5 }))).toBe(true)
    expect(Either.isLeft(Schema.decodeUnknownEither(Customer)({ ...input, model: "Hybrid" }))).toBe(true)
  })

  it("defaults a pool's model and keeps members within capacity", () => {
    const pool = Schema.decodeUnknownSync(PoolState)({ accountId: "111111111111", capacity: 2, members: ["a", "b"] })
    expect(pool.model).toBe("Pool")
    expect(Either.isLeft(Schema.decodeUnknownEither(PoolState)({ accountId: "111111111111", capacity: 1, members: ["a", "b"] }))).toBe(true)
    expect(Either.isLeft(Schema.decodeUnknownEither(PoolState)({ accountId: "111111111111", capacity: 5, members: ["a", "a"] }))).toBe(true)
  })

  it.effect("names the field of a bad placement", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decodeInput(Placement, "placements.json")({ ...aPlacement, accountId: "12" }))
      expect(error.path).toBe("accountId")
    }))
})
