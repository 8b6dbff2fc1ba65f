import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import { makeMemory } from "./DeliveryStore.js"

describe("DeliveryStore (memory)", () => {
  it.effect("remembers a delivery for its TTL, then lets it through again", () =>
    Effect.gen(function* () {
      const store = yield* makeMemory({ maxEntries: 10 })
      expect(yield* store.remember("a", "1 hour")).toBe(true)
      expect(yield* store.remember("a", "1 hour")).toBe(false)
      yield* TestClock.adjust("59 minutes")
      expect(yield* store.remember("a", "1 hour")).toBe(false)
      yield* TestClock.adjust("2 minutes")
      expect(yield* store.remember("a", "1 hour")).toBe(true)
    })
  )

  it.effect("forgets on request", () =>
    Effect.gen(function* () {
      const store = yield* makeMemory({ maxEntries: 10 })
      expect(yield* store.remember("a", "1 hour")).toBe(true)
      yield* store.forget("a")
      expect(yield* store.remember("a", "1 hour")).toBe(true)
    })
  )

  it.effect("holds at most maxEntries ids, dropping the oldest", () =>
    Effect.gen(function* () {
      const store = yield* makeMemory({ maxEntries: 3 })
      for (const id of ["a", "b", "c", "d"]) expect(yield* store.remember(id, "1 hour")).toBe(true)
      // "a" was evicted to make room for "d"; b, c, d are still known.
      expect(yield* store.remember("b", "1 hour")).toBe(false)
      expect(yield* store.remember("d", "1 hour")).toBe(false)
      // Re-admitting "a" evicts the oldest, "b".
      expect(yield* store.remember("a", "1 hour")).toBe(true)
      expect(yield* store.remember("c", "1 hour")).toBe(false)
      expect(yield* store.remember("b", "1 hour")).toBe(true)
    })
  )
})
