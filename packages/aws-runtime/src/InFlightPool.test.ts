import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import { makeInFlightPool } from "./InFlightPool.js"

/** Forks `count` jobs that record their start and hold their permit until `release`. */
const holders = (count: number, permits: number) =>
  Effect.gen(function* () {
    const pool = yield* makeInFlightPool(permits)
    const release = yield* Deferred.make<void>()
    const started: Array<number> = []
    const state = { inside: 0, most: 0 }
    const job = (k: number) =>
      pool.withPermit(
        Effect.gen(function* () {
          started.push(k)
          state.inside++
          state.most = Math.max(state.most, state.inside)
          yield* Deferred.await(release)
        }).pipe(Effect.ensuring(Effect.sync(() => state.inside--)))
      )
    const fibers = yield* Effect.forEach(Array.from({ length: count }, (_, k) => k), (k) => Effect.fork(job(k)))
    yield* Effect.yieldNow()
    return { pool, release, started, state, fibers }
  })

describe("InFlightPool", () => {
  it.effect("lets at most its permits through, in arrival order, and frees a permit when a holder is interrupted", () =>
    Effect.gen(function* () {
      const { pool, release, started, state, fibers } = yield* holders(10, 3)
      expect(started).toEqual([0, 1, 2])
      expect(pool.snapshot()).toEqual({ free: 0, waiting: 7 })
      // An interrupted holder gives its permit to the next in line.
      yield* Fiber.interrupt(fibers[0] ?? Fiber.void)
      yield* Effect.yieldNow()
      expect(started).toEqual([0, 1, 2, 3])
      yield* Deferred.succeed(release, undefined)
      yield* Effect.forEach(fibers.slice(1), Fiber.join)
      expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
      expect(state.most).toBe(3)
      expect(state.inside).toBe(0)
      expect(pool.snapshot()).toEqual({ free: 3, waiting: 0 })
    }))

  it.effect("lets a waiter be interrupted while it waits, without taking a permit", () =>
    Effect.gen(function* () {
      const { pool, release, started, fibers } = yield* holders(4, 2)
      // Jobs 2 and 3 wait; interrupting 2 takes it out of the line.
      yield* Fiber.interrupt(fibers[2] ?? Fiber.void)
      expect(pool.snapshot()).toEqual({ free: 0, waiting: 1 })
      yield* Deferred.succeed(release, undefined)
      yield* Effect.forEach([fibers[0], fibers[1], fibers[3]], (f) => Fiber.join(f ?? Fiber.void))
      expect(started).toEqual([0, 1, 3])
      expect(pool.snapshot()).toEqual({ free: 2, waiting: 0 })
    }))

  it.effect("returns the permit when the effect fails", () =>
    Effect.gen(function* () {
      const pool = yield* makeInFlightPool(1)
      const failed = yield* Effect.flip(pool.withPermit(Effect.fail("boom")))
      expect(failed).toBe("boom")
      expect(yield* pool.withPermit(Effect.succeed(42))).toBe(42)
      expect(pool.snapshot()).toEqual({ free: 1, waiting: 0 })
    }))
})
