/**
 * One behaviour suite for every CycleStore (memory, file, SQLite, DynamoDB):
 * a store module's test calls `cycleStoreConformance(backend)` instead of
 * repeating these cases.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Ref, type Scope, TestClock } from "effect"
import { type Phase, resume, run } from "./CycleRunner.js"
import { CycleStore, type CycleStoreShape } from "./CycleStore.js"

export interface OpenedStore {
  readonly store: CycleStoreShape
  /** Another store over the same data (as after a process restart); the memory store returns itself. */
  readonly reopen: Effect.Effect<CycleStoreShape, unknown, Scope.Scope>
  /**
   * Damages the stored output of one phase the way a bad disk or a foreign
   * writer would. Absent for the memory store, which only ever holds what it
   * serialized itself.
   */
  readonly corrupt?: (cycleId: string, index: number) => Effect.Effect<void, unknown>
}

export interface ConformanceBackend {
  readonly name: string
  /** A fresh, empty store for one test, released with the test's scope. */
  readonly open: Effect.Effect<OpenedStore, unknown, Scope.Scope>
  /** Whether `open` gives a `corrupt` (every store but memory). */
  readonly corruptible: boolean
  /** JSON size of the large output that must round-trip (several MB for DynamoDB, whose items stop at 400 KB). */
  readonly largeOutputBytes: number
}

/** Deterministic, poorly compressible JSON of about `bytes` bytes (hex of a xorshift stream), shaped like a world state. */
export const largeWorld = (bytes: number) => {
  let x = 0x9e3779b9
  const hex = (length: number) => {
    let out = ""
    while (out.length < length) {
      x ^= x << 13
      x ^= x >>> 17
      x ^= x << 5
      out += (x >>> 0).toString(16).padStart(8, "0")
    }
    return out.slice(0, length)
  }
  const count = Math.max(1, Math.ceil(bytes / 1_000))
  return { timestamp: "2026-01-01T00:00:00.000Z", resources: Array.from({ length: count }, (_, i) => ({ id: `i-${i}`, details: hex(1_024) })) }
}

const at = (ms: number) => new Date(ms).toISOString()

export const cycleStoreConformance = (backend: ConformanceBackend): void => {
  describe(`CycleStore conformance: ${backend.name}`, () => {
    it.scoped("begin, savePhase, load, list and history", () =>
      Effect.gen(function*() {
        const { store } = yield* backend.open
        expect(yield* store.list()).toEqual([])
        expect(yield* store.history()).toEqual([])
        expect(yield* store.load("c-1")).toBeUndefined()
        yield* store.begin("c-2", { scope: "b" })
        yield* TestClock.adjust("1 second")
        yield* store.begin("c-1", { scope: "a", when: new Date(5) })
        yield* store.begin("c-0", null)
        yield* store.savePhase("c-1", { index: 1, phase: "plan", output: { n: 2 }, completedAt: at(3_000) })
        yield* store.savePhase("c-1", { index: 0, phase: "discover", output: [1, "x", true], completedAt: at(2_000) })
        expect(yield* store.list()).toEqual(["c-0", "c-1", "c-2"])
        expect(yield* store.load("c-1")).toEqual({
          cycleId: "c-1",
          input: { scope: "a", when: "1970-01-01T00:00:00.005Z" },
          startedAt: at(1_000),
          phases: [
            { index: 0, phase: "discover", output: [1, "x", true], completedAt: at(2_000) },
            { index: 1, phase: "plan", output: { n: 2 }, completedAt: at(3_000) }
          ]
        })
        // Newest first; the same start time orders by id, descending.
        expect(yield* store.history()).toEqual([
          { cycleId: "c-1", startedAt: at(1_000), phases: ["discover", "plan"], lastCompletedAt: at(3_000) },
          { cycleId: "c-0", startedAt: at(1_000), phases: [] },
          { cycleId: "c-2", startedAt: at(0), phases: [] }
        ])
      }))

    it.scoped("begin is exclusive, savePhase needs begin and replaces a phase of the same index", () =>
      Effect.gen(function*() {
        const { store } = yield* backend.open
        const notBegun = yield* Effect.flip(store.savePhase("c-1", { index: 0, phase: "discover", output: 1, completedAt: at(0) }))
        expect(notBegun.reason).toBe("NotBegun")
        yield* store.begin("c-1", { first: true })
        const again = yield* Effect.flip(store.begin("c-1", { first: false }))
        expect([again.reason, again.cycleId]).toEqual(["AlreadyExists", "c-1"])
        yield* store.savePhase("c-1", { index: 0, phase: "discover", output: undefined, completedAt: at(1) })
        yield* store.savePhase("c-1", { index: 1, phase: "plan", output: "old", completedAt: at(2) })
        yield* store.savePhase("c-1", { index: 1, phase: "planned", output: "new", completedAt: at(3) })
        const cycle = yield* store.load("c-1")
        expect(cycle?.input).toEqual({ first: true })
        expect(cycle?.phases.map((p) => [p.index, p.phase, p.output])).toEqual([[0, "discover", null], [1, "planned", "new"]])
        const circular: Record<string, unknown> = {}
        circular["self"] = circular
        const notJson = yield* Effect.flip(store.savePhase("c-1", { index: 2, phase: "optimize", output: circular, completedAt: at(4) }))
        expect(notJson.reason).toBe("WriteFailed")
        expect((yield* store.load("c-1"))?.phases).toHaveLength(2)
      }))

    it.scoped("a cycle that failed part-way resumes from its last completed phase, in a new store over the same data", () =>
      Effect.gen(function*() {
        const { store, reopen } = yield* backend.open
        const calls = yield* Ref.make<ReadonlyArray<string>>([])
        const failing = yield* Ref.make(true)
        const phases: ReadonlyArray<Phase<Error>> = ["discover", "plan", "optimize", "deploy"].map((name) => ({
          name,
          run: (context) =>
            Effect.gen(function*() {
              yield* Ref.update(calls, (list) => [...list, name])
              if (name === "optimize" && (yield* Ref.get(failing))) return yield* Effect.fail(new Error("optimizer crashed"))
              return { phase: name, previous: context.previous }
            })
        }))
        const failed = yield* Effect.flip(run("c-9", phases, { scope: "acct" }).pipe(Effect.provideService(CycleStore, store)))
        expect(failed._tag === "CycleError" && failed.phase).toBe("optimize")
        expect((yield* store.history())[0]?.phases).toEqual(["discover", "plan"])
        yield* Ref.set(failing, false)
        const restarted = yield* reopen
        const resumed = yield* resume("c-9", phases).pipe(Effect.provideService(CycleStore, restarted))
        expect(resumed.phases.map((p) => [p.phase, p.resumed])).toEqual([["discover", true], ["plan", true], ["optimize", false], ["deploy", false]])
        expect(yield* Ref.get(calls)).toEqual(["discover", "plan", "optimize", "optimize", "deploy"])
        expect((yield* restarted.history()).map((h) => [h.cycleId, h.phases])).toEqual([["c-9", ["discover", "plan", "optimize", "deploy"]]])
        expect((yield* restarted.load("c-9"))?.input).toEqual({ scope: "acct" })
      }))

    if (backend.corruptible) {
      it.scoped("stored data that does not decode is Corrupt, naming the cycle", () =>
        Effect.gen(function*() {
          const opened = yield* backend.open
          const { store } = opened
          expect(opened.corrupt).toBeDefined()
          yield* store.begin("c-1", {})
          yield* store.savePhase("c-1", { index: 0, phase: "discover", output: { ok: true }, completedAt: at(1) })
          yield* store.savePhase("c-1", { index: 1, phase: "plan", output: { ok: true }, completedAt: at(2) })
          if (opened.corrupt !== undefined) yield* opened.corrupt("c-1", 1)
          const error = yield* Effect.flip(store.load("c-1"))
          expect([error.reason, error.cycleId]).toEqual(["Corrupt", "c-1"])
        }))
    }

    it.scoped("ids and phase names that could escape a file name or a key are refused", () =>
      Effect.gen(function*() {
        const { store } = yield* backend.open
        yield* store.begin("c-1", null)
        const refused = yield* Effect.all([
          Effect.flip(store.begin("../evil", null)),
          Effect.flip(store.begin("", null)),
          Effect.flip(store.begin("a#b", null)),
          Effect.flip(store.load("a/b")),
          Effect.flip(store.savePhase("c-1", { index: 0, phase: "../x", output: 1, completedAt: at(0) })),
          Effect.flip(store.savePhase("c-1", { index: 100, phase: "x", output: 1, completedAt: at(0) })),
          Effect.flip(store.savePhase("c-1", { index: -1, phase: "x", output: 1, completedAt: at(0) }))
        ])
        expect(refused.map((e) => e.reason)).toEqual(Array(7).fill("InvalidId"))
        expect(yield* store.list()).toEqual(["c-1"])
      }))

    it.scoped(`an output of ${Math.round(backend.largeOutputBytes / 1_000)} KB round-trips, as input and as phase output`, () =>
      Effect.gen(function*() {
        const { store, reopen } = yield* backend.open
        const world = largeWorld(backend.largeOutputBytes)
        expect(JSON.stringify(world).length).toBeGreaterThanOrEqual(backend.largeOutputBytes)
        yield* store.begin("big", world)
        yield* store.savePhase("big", { index: 0, phase: "discover", output: world, completedAt: at(1) })
        yield* store.savePhase("big", { index: 1, phase: "plan", output: { small: true }, completedAt: at(2) })
        const loaded = yield* (yield* reopen).load("big")
        expect(loaded?.input).toEqual(world)
        expect(loaded?.phases.map((p) => p.phase)).toEqual(["discover", "plan"])
        expect(loaded?.phases[0]?.output).toEqual(world)
        expect(yield* store.history()).toEqual([{ cycleId: "big", startedAt: at(0), phases: ["discover", "plan"], lastCompletedAt: at(2) }])
      }))
  })
}
