import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { decodeInput, decodeInputEither } from "./Decode.js"
import { Customer, Placement, PoolState } from "./Tenancy.js"

const aPlacement = {
  customerId: "acme",
  model: "Silo",
  accountId: "222222222222",
  since: "2026-11-01T00:00:00.000Z",
  history: [{ at: "2026-01-01T00:00:00.000Z", model: "Pool", accountId: "111111111111", reason: "initial placement" }]
}

/** The single issue `input` is refused for: its field, or its message (undefined when it decodes). */
const issueOf = <A, I>(schema: Schema.Schema<A, I>, input: unknown) => {
  const result = decodeInputEither(schema, "input")(input)
  return result._tag === "Left" ? result.left : undefined
}
const refused = <A, I>(schema: Schema.Schema<A, I>, input: unknown) => issueOf(schema, input)?.path
const reasonOf = <A, I>(schema: Schema.Schema<A, I>, input: unknown) => issueOf(schema, input)?.reason

describe("Tenancy", () => {
  it("round-trips a placement with its history", () => {
    const placement = Schema.decodeUnknownSync(Placement)(aPlacement)
    expect(placement.history[0]?.at).toBeInstanceOf(Date)
    expect(Schema.encodeSync(Placement)(placement)).toEqual(aPlacement)
  })

  it("round-trips a customer with a monthly cost in micro-dollars", () => {
    const input = { id: "acme", name: "Acme Corp", model: "Bridge", monthlyCost: 1_500_000_000 }
    expect(Schema.encodeSync(Customer)(Schema.decodeUnknownSync(Customer)(input))).toEqual(input)
    expect(refused(Customer, { ...input, monthlyCost: 1.5 })).toBe("monthlyCost")
    expect(refused(Customer, { ...input, model: "Hybrid" })).toBe("model")
  })

  it("defaults a pool's model and keeps members within capacity", () => {
    const pool = Schema.decodeUnknownSync(PoolState)({ accountId: "111111111111", capacity: 2, members: ["a", "b"] })
    expect(pool.model).toBe("Pool")
    expect(reasonOf(PoolState, { accountId: "111111111111", capacity: 1, members: ["a", "b"] })).toBe("the pool holds 2 customers, over its capacity of 1")
    expect(reasonOf(PoolState, { accountId: "111111111111", capacity: 5, members: ["a", "a"] })).toBe("a customer appears twice in the pool")
  })

  it.effect("names the field of a bad placement", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decodeInput(Placement, "placements.json")({ ...aPlacement, accountId: "12" }))
      expect(error.path).toBe("accountId")
    }))
})
