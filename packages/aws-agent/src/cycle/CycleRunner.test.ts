import { describe, expect, it } from "@effect/vitest"
import { mkdtemp, readdir, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { MicroUsd } from "@miyabi/types"
import { Effect, Layer, Ref } from "effect"
import { externalPhase, resume, run, worldDelta, type Phase } from "./CycleRunner.js"
import { CycleStore, layerFile, layerMemory, makeMemory } from "./CycleStore.js"

/** Phases that count their calls; `failAt` makes that phase fail while the flag is set. */
const countingPhases = (calls: Ref.Ref<ReadonlyArray<string>>, failing: Ref.Ref<string | undefined>): ReadonlyArray<Phase<Error>> =>
  ["discover", "plan", "optimize", "deploy"].map((name) => ({
    name,
    run: (context) =>
      Effect.gen(function*() {
        yield* Ref.update(calls, (list) => [...list, name])
        if ((yield* Ref.get(failing)) === name) return yield* Effect.fail(new Error(`${name} exploded`))
        return { step: name, after: context.previous }
      })
  }))

const tempDir = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "miyabi-cycle-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

const stores: ReadonlyArray<readonly [string, Effect.Effect<{ layer: Layer.Layer<CycleStore>; dir?: string }, never, import("effect").Scope.Scope>]> = [
  ["memory", makeMemory.pipe(Effect.map((store) => ({ layer: Layer.succeed(CycleStore, store) })))],
  ["file", tempDir.pipe(Effect.map((dir) => ({ layer: layerFile(dir), dir })))]
]

describe("CycleRunner", () => {
  for (const [kind, makeStore] of stores) {
    describe(`with the ${kind} store`, () => {
      it.scoped("a run persists each phase and threads outputs", () =>
        Effect.gen(function*() {
          const { layer, dir } = yield* makeStore
          const calls = yield* Ref.make<ReadonlyArray<string>>([])
          const failing = yield* Ref.make<string | undefined>(undefined)
          const phases = countingPhases(calls, failing)
          const result = yield* run("c-1", phases, { scope: "acct-1" }).pipe(Effect.provide(layer))
          expect(result.phases.map((p) => [p.phase, p.resumed])).toEqual([["discover", false], ["plan", false], ["optimize", false], ["deploy", false]])
          expect(result.phases[1]?.output).toEqual({ step: "plan", after: { step: "discover", after: { scope: "acct-1" } } })
          const stored = yield* CycleStore.pipe(Effect.flatMap((store) => store.load("c-1")), Effect.provide(layer))
          expect(stored?.input).toEqual({ scope: "acct-1" })
          expect(stored?.phases.map((p) => p.phase)).toEqual(["discover", "plan", "optimize", "deploy"])
          expect(stored?.phases.map((p) => p.output)).toEqual(result.phases.map((p) => p.output))
          if (dir !== undefined) {
            expect((yield* Effect.promise(() => readdir(join(dir, "c-1")))).sort()).toEqual([
              "00-discover.json",
              "01-plan.json",
              "02-optimize.json",
              "03-deploy.json",
              "input.json"
            ])
          }
        }))

      it.scoped("a failing phase keeps earlier outputs; resume starts at the failed phase without re-running earlier ones", () =>
        Effect.gen(function*() {
          const { layer } = yield* makeStore
          const calls = yield* Ref.make<ReadonlyArray<string>>([])
          const failing = yield* Ref.make<string | undefined>("optimize")
          const phases = countingPhases(calls, failing)
          const error = yield* Effect.flip(run("c-2", phases, { scope: "acct-2" }).pipe(Effect.provide(layer)))
          expect(error._tag).toBe("CycleError")
          expect(error._tag === "CycleError" && error.reason).toBe("PhaseFailed")
          expect(error._tag === "CycleError" && error.phase).toBe("optimize")
          expect(error.message).toContain("optimize exploded")
          const stored = yield* CycleStore.pipe(Effect.flatMap((store) => store.load("c-2")), Effect.provide(layer))
          expect(stored?.phases.map((p) => p.phase)).toEqual(["discover", "plan"])

          yield* Ref.set(failing, undefined)
          yield* Ref.set(calls, [])
          const resumed = yield* resume("c-2", phases).pipe(Effect.provide(layer))
          expect(yield* Ref.get(calls)).toEqual(["optimize", "deploy"])
          expect(resumed.phases.map((p) => [p.phase, p.resumed])).toEqual([["discover", true], ["plan", true], ["optimize", false], ["deploy", false]])
          expect(resumed.phases[2]?.output).toEqual({ step: "optimize", after: { step: "plan", after: { step: "discover", after: { scope: "acct-2" } } } })

          yield* Ref.set(calls, [])
          const again = yield* resume("c-2", phases).pipe(Effect.provide(layer))
          expect(yield* Ref.get(calls)).toEqual([])
          expect(again.phases.every((p) => p.resumed)).toBe(true)
        }))

      it.scoped("refuses to start an existing cycle, to resume an unknown one, or to resume with other phases", () =>
        Effect.gen(function*() {
          const { layer } = yield* makeStore
          const calls = yield* Ref.make<ReadonlyArray<string>>([])
          const failing = yield* Ref.make<string | undefined>(undefined)
          const phases = countingPhases(calls, failing)
          yield* run("c-3", phases, null).pipe(Effect.provide(layer))
          const again = yield* Effect.flip(run("c-3", phases, null).pipe(Effect.provide(layer)))
          expect(again._tag === "CycleError" && again.reason).toBe("AlreadyExists")
          const unknown = yield* Effect.flip(resume("nope", phases).pipe(Effect.provide(layer)))
          expect(unknown._tag === "CycleError" && unknown.reason).toBe("NotFound")
          const reordered = [phases[1], phases[0], ...phases.slice(2)].filter((p) => p !== undefined)
          const mismatch = yield* Effect.flip(resume("c-3", reordered).pipe(Effect.provide(layer)))
          expect(mismatch._tag === "CycleError" && mismatch.reason).toBe("PlanMismatch")
        }))
    })
  }

  it.scoped("a cycle id that could escape the store directory is refused", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const error = yield* Effect.flip(run<never, never>("../evil", [], null).pipe(Effect.provide(layerFile(dir))))
      expect(error._tag === "CycleStoreError" && error.reason).toBe("InvalidId")
    }))

  it.scoped("an external phase gets the world and the previous output over JSON-RPC", () =>
    Effect.gen(function*() {
      const fixture = fileURLToPath(new URL("./testing/executor.mjs", import.meta.url))
      const phases: ReadonlyArray<Phase<Error>> = [
        { name: "discover", run: () => Effect.succeed({ resources: [{ id: "i-1" }, { id: "i-2" }, { id: "i-3" }] }) },
        externalPhase("plan", { command: process.execPath, args: [fixture, "ok"], timeout: "10 seconds" }, { aws_region: "us-east-1", dry_run: true }, "discover")
      ]
      const result = yield* run("c-ext", phases, null).pipe(Effect.provide(layerMemory))
      expect(result.phases[1]?.output).toMatchObject({ phase: "plan", region: "us-east-1", worldResources: 3, previous: { resources: [{ id: "i-1" }, { id: "i-2" }, { id: "i-3" }] } })
    }))

  it("worldDelta compares World_n with World_n+1", () => {
    const delta = worldDelta(
      { monthlyCost: MicroUsd.make(2_000_000_000), score: 80, utilizationPct: 20 },
      { monthlyCost: MicroUsd.make(1_500_000_000), score: 92.5, utilizationPct: 45 }
    )
    expect(delta.costDelta).toBe(-500_000_000)
    expect(delta.costChangePct).toBe(-25)
    expect(delta.scoreDelta).toBe(12.5)
    expect(delta.utilizationDelta).toBe(25)
    expect(worldDelta(delta.after, { ...delta.after, monthlyCost: MicroUsd.make(0) }).costChangePct).toBe(-100)
    expect(worldDelta({ ...delta.after, monthlyCost: MicroUsd.make(0) }, delta.after).costChangePct).toBe(0)
  })
})
