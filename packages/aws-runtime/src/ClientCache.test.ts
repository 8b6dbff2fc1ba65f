import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, TestClock } from "effect"
import { makeClientCache } from "./ClientCache.js"
import type { SdkClient } from "./ServiceDescriptor.js"

/** A client that records its destruction under `name`. */
const fakeClient = (name: string, destroyed: Array<string>): SdkClient => ({
  send: () => Promise.reject(new Error("not used")),
  destroy: () => {
    destroyed.push(name)
  }
})

describe("ClientCache", () => {
  it.scoped("makes a client once per key, destroys it after it has been idle, and makes it again on the next use", () =>
    Effect.gen(function* () {
      const destroyed: Array<string> = []
      let made = 0
      const cache = yield* makeClientCache(Duration.minutes(5))
      const make = (name: string) => () => {
        made++
        return fakeClient(name, destroyed)
      }
      yield* cache.use("a", make("a1"), () => Effect.void)
      yield* cache.use("a", make("a2"), () => Effect.void)
      yield* cache.use("b", make("b1"), () => Effect.void)
      expect(made).toBe(2)
      yield* TestClock.adjust(Duration.minutes(4))
      yield* cache.use("b", make("b2"), () => Effect.void)
      // a idle 5 minutes or more at the sweep after 7.5 minutes; b was used at 4.
      yield* TestClock.adjust(Duration.minutes(4))
      expect(destroyed).toEqual(["a1"])
      expect(cache.size()).toBe(1)
      yield* cache.use("a", make("a3"), () => Effect.void)
      expect(made).toBe(3)
    }))

  it.scoped("never destroys a client in use, however long the use", () =>
    Effect.gen(function* () {
      const destroyed: Array<string> = []
      const cache = yield* makeClientCache(Duration.minutes(5))
      const long = yield* Effect.fork(cache.use("a", () => fakeClient("a", destroyed), () => Effect.sleep(Duration.minutes(30))))
      yield* TestClock.adjust(Duration.minutes(20))
      expect(destroyed).toEqual([])
      yield* TestClock.adjust(Duration.minutes(10))
      yield* Fiber.join(long)
      yield* TestClock.adjust(Duration.minutes(6))
      expect(destroyed).toEqual(["a"])
    }))

  it.effect("destroys every client when its scope closes", () =>
    Effect.gen(function* () {
      const destroyed: Array<string> = []
      yield* Effect.scoped(
        Effect.gen(function* () {
          const cache = yield* makeClientCache(Duration.minutes(5))
          yield* cache.use("a", () => fakeClient("a", destroyed), () => Effect.void)
          yield* Effect.scoped(cache.hold("b", () => fakeClient("b", destroyed)))
          expect(destroyed).toEqual([])
        })
      )
      expect(destroyed.sort()).toEqual(["a", "b"])
    }))
})
