import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Fiber } from "effect"
import { makeCallGate } from "./CallGate.js"

describe("CallGate", () => {
  it.effect("lets at most its permits through, in arrival order, and frees a permit when a holder is interrupted", () =>
    Effect.gen(function* () {
      const gate = yield* makeCallGate(3)
      let inside = 0
      let most = 0
      const started: Array<number> = []
      const release = yield* Deferred.make<void>()
      const job = (k: number) =>
        gate.run(
          Effect.gen(function* () {
            started.push(k)
            inside++
            most = Math.max(most, inside)
            yield* Deferred.await(release)
          }).pipe(Effect.ensuring(Effect.sync(() => inside--)))
        )
      const fibers = yield* Effect.forEach(Array.from({ length: 10 }, (_, k) => k), (k) => Effect.fork(job(k)))
      yield* Effect.yieldNow()
      expect(started).toEqual([0, 1, 2])
      // An interrupted holder gives its permit to the next in line.
      yield* Fiber.interrupt(fibers[0] ?? Fiber.void)
      yield* Effect.yieldNow()
      expect(started).toEqual([0, 1, 2, 3])
      yield* Deferred.succeed(release, undefined)
      yield* Effect.forEach(fibers.slice(1), Fiber.join)
      expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
      expect(most).toBe(3)
      expect(inside).toBe(0)
    }))
})
