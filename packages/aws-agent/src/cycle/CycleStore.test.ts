import { describe, expect, it } from "@effect/vitest"
import { mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { makeFile, makeMemory } from "./CycleStore.js"

const tempDir = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "miyabi-cycle-store-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

describe("CycleStore", () => {
  it.scoped("the file store lists cycles, reads phases in order and reports a corrupt phase file", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = makeFile(dir)
      expect(yield* store.list()).toEqual([])
      expect(yield* store.load("c-1")).toBeUndefined()
      yield* store.begin("c-2", { scope: "b" })
      yield* store.begin("c-1", { scope: "a" })
      yield* store.savePhase("c-1", { index: 1, phase: "plan", output: { n: 2 }, completedAt: "2026-01-01T00:00:01.000Z" })
      yield* store.savePhase("c-1", { index: 0, phase: "discover", output: { n: 1 }, completedAt: "2026-01-01T00:00:00.000Z" })
      expect(yield* store.list()).toEqual(["c-1", "c-2"])
      const cycle = yield* store.load("c-1")
      expect(cycle?.phases.map((p) => [p.index, p.phase, p.output])).toEqual([[0, "discover", { n: 1 }], [1, "plan", { n: 2 }]])
      yield* Effect.promise(() => writeFile(join(dir, "c-1", "01-plan.json"), "{ half", "utf8"))
      const error = yield* Effect.flip(store.load("c-1"))
      expect(error.reason).toBe("Corrupt")
      expect(error.detail).toContain("01-plan.json")
    }))

  it.effect("the memory store keeps JSON values only and needs begin before savePhase", () =>
    Effect.gen(function*() {
      const store = yield* makeMemory
      const notBegun = yield* Effect.flip(store.savePhase("c-1", { index: 0, phase: "discover", output: 1, completedAt: "x" }))
      expect(notBegun.reason).toBe("WriteFailed")
      yield* store.begin("c-1", { at: new Date("2026-01-01T00:00:00.000Z") })
      expect((yield* store.load("c-1"))?.input).toEqual({ at: "2026-01-01T00:00:00.000Z" })
      const circular: Record<string, unknown> = {}
      circular["self"] = circular
      const notJson = yield* Effect.flip(store.savePhase("c-1", { index: 0, phase: "discover", output: circular, completedAt: "x" }))
      expect(notJson.reason).toBe("WriteFailed")
    }))
})
