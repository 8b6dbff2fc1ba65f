/** The in-memory cycle store (tests): values are kept as JSON text, as a file would keep them. */
import { Effect, Ref } from "effect"
import type { CycleStoreShape, StoredPhase } from "./CycleStore.js"
import { checkId, checkPhase, CycleStoreError, fromJson, toJson } from "./CycleStoreError.js"
import { newestFirst, startTime, summarize } from "./CycleStoreHistory.js"

interface MemoryCycle {
  readonly input: string
  readonly startedAt: string
  readonly phases: ReadonlyArray<{ readonly meta: Omit<StoredPhase, "output">; readonly output: string }>
}

export const makeMemory: Effect.Effect<CycleStoreShape> = Effect.gen(function*() {
  const cycles = yield* Ref.make(new Map<string, MemoryCycle>())
  return {
    begin: (cycleId, input) =>
      Effect.gen(function*() {
        yield* checkId(cycleId)
        const json = yield* toJson(cycleId, input)
        const startedAt = yield* startTime
        const begun = yield* Ref.modify(cycles, (map) =>
          map.has(cycleId) ? [false, map] as const : [true, new Map(map).set(cycleId, { input: json, startedAt, phases: [] })] as const)
        if (!begun) return yield* new CycleStoreError({ reason: "AlreadyExists", cycleId, detail: "a cycle with this id was already begun" })
      }),
    savePhase: (cycleId, phase) =>
      Effect.gen(function*() {
        yield* checkPhase(cycleId, phase)
        const json = yield* toJson(cycleId, phase.output)
        const { output: _output, ...meta } = phase
        const saved = yield* Ref.modify(cycles, (map) => {
          const cycle = map.get(cycleId)
          if (cycle === undefined) return [false, map] as const
          const phases = [...cycle.phases.filter((p) => p.meta.index !== phase.index), { meta, output: json }]
          return [true, new Map(map).set(cycleId, { ...cycle, phases })] as const
        })
        if (!saved) return yield* new CycleStoreError({ reason: "NotBegun", cycleId, detail: "savePhase before begin" })
      }),
    load: (cycleId) =>
      Effect.gen(function*() {
        yield* checkId(cycleId)
        const cycle = (yield* Ref.get(cycles)).get(cycleId)
        if (cycle === undefined) return undefined
        const input = yield* fromJson(cycleId, cycle.input, "input")
        const phases = yield* Effect.forEach(
          [...cycle.phases].sort((a, b) => a.meta.index - b.meta.index),
          (p) => fromJson(cycleId, p.output, p.meta.phase).pipe(Effect.map((output): StoredPhase => ({ ...p.meta, output })))
        )
        return { cycleId, input, startedAt: cycle.startedAt, phases }
      }),
    list: () => Ref.get(cycles).pipe(Effect.map((map) => [...map.keys()].sort())),
    history: () =>
      Ref.get(cycles).pipe(
        Effect.map((map) => newestFirst([...map].map(([cycleId, cycle]) => summarize(cycleId, cycle.startedAt, cycle.phases.map((p) => p.meta)))))
      )
  }
})
