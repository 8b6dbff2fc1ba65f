/**
 * Where a cycle's phase outputs are kept, so a cycle can resume from its last
 * completed phase and be replayed or audited later. Outputs are JSON values.
 *
 * File layout (layerFile): `<dir>/<cycleId>/input.json` and one
 * `<dir>/<cycleId>/<NN>-<phase>.json` per completed phase, each written to a
 * temporary file and renamed into place.
 */
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Context, Effect, Layer, Ref, Schema } from "effect"

export class CycleStoreError extends Schema.TaggedError<CycleStoreError>("CycleStoreError")("CycleStoreError", {
  reason: Schema.Literal("ReadFailed", "WriteFailed", "Corrupt", "InvalidId"),
  cycleId: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `cycle ${this.cycleId}: ${this.reason}: ${this.detail}`
  }
}

export interface StoredPhase {
  readonly index: number
  readonly phase: string
  readonly output: unknown
  readonly completedAt: string
}

export interface StoredCycle {
  readonly cycleId: string
  readonly input: unknown
  /** Completed phases in order. */
  readonly phases: ReadonlyArray<StoredPhase>
}

export interface CycleStoreShape {
  /** Records the cycle's input (starts the cycle's record). */
  readonly begin: (cycleId: string, input: unknown) => Effect.Effect<void, CycleStoreError>
  readonly savePhase: (cycleId: string, phase: StoredPhase) => Effect.Effect<void, CycleStoreError>
  /** The stored cycle, or undefined when it was never begun. */
  readonly load: (cycleId: string) => Effect.Effect<StoredCycle | undefined, CycleStoreError>
  readonly list: () => Effect.Effect<ReadonlyArray<string>, CycleStoreError>
}

export class CycleStore extends Context.Tag("@miyabi/aws-agent/CycleStore")<CycleStore, CycleStoreShape>() {}

const validId = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/
const checkId = (cycleId: string): Effect.Effect<void, CycleStoreError> =>
  validId.test(cycleId) ? Effect.void : Effect.fail(new CycleStoreError({ reason: "InvalidId", cycleId, detail: "use letters, digits, '.', '_' or '-'" }))

/** JSON round trip: both stores keep exactly what a file would. */
const toJson = (cycleId: string, value: unknown): Effect.Effect<string, CycleStoreError> =>
  Effect.try({
    try: () => JSON.stringify(value ?? null, null, 2),
    catch: (cause) => new CycleStoreError({ reason: "WriteFailed", cycleId, detail: `not JSON-serializable: ${String(cause)}` })
  })
const fromJson = (cycleId: string, text: string, what: string): Effect.Effect<unknown, CycleStoreError> =>
  Effect.try({
    try: (): unknown => JSON.parse(text),
    catch: (cause) => new CycleStoreError({ reason: "Corrupt", cycleId, detail: `${what}: ${String(cause)}` })
  })

export const makeMemory: Effect.Effect<CycleStoreShape> = Effect.gen(function*() {
  const cycles = yield* Ref.make(new Map<string, { input: string; phases: ReadonlyArray<{ meta: Omit<StoredPhase, "output">; output: string }> }>())
  return {
    begin: (cycleId, input) =>
      checkId(cycleId).pipe(
        Effect.zipRight(toJson(cycleId, input)),
        Effect.flatMap((json) => Ref.update(cycles, (map) => new Map(map).set(cycleId, { input: json, phases: [] })))
      ),
    savePhase: (cycleId, phase) =>
      Effect.gen(function*() {
        const json = yield* toJson(cycleId, phase.output)
        const map = yield* Ref.get(cycles)
        const cycle = map.get(cycleId)
        if (cycle === undefined) return yield* new CycleStoreError({ reason: "WriteFailed", cycleId, detail: "cycle was not begun" })
        const { output: _output, ...meta } = phase
        const phases = [...cycle.phases.filter((p) => p.meta.index !== phase.index), { meta, output: json }]
        yield* Ref.set(cycles, new Map(map).set(cycleId, { ...cycle, phases }))
      }),
    load: (cycleId) =>
      Effect.gen(function*() {
        const cycle = (yield* Ref.get(cycles)).get(cycleId)
        if (cycle === undefined) return undefined
        const input = yield* fromJson(cycleId, cycle.input, "input")
        const phases = yield* Effect.forEach(
          [...cycle.phases].sort((a, b) => a.meta.index - b.meta.index),
          (p) => fromJson(cycleId, p.output, p.meta.phase).pipe(Effect.map((output): StoredPhase => ({ ...p.meta, output })))
        )
        return { cycleId, input, phases }
      }),
    list: () => Ref.get(cycles).pipe(Effect.map((map) => [...map.keys()].sort()))
  }
})

export const layerMemory: Layer.Layer<CycleStore> = Layer.effect(CycleStore, makeMemory)

const phaseFile = /^(\d{2,})-(.+)\.json$/

export const makeFile = (dir: string): CycleStoreShape => {
  const io = <A>(cycleId: string, reason: "ReadFailed" | "WriteFailed", run: () => Promise<A>) =>
    Effect.tryPromise({ try: run, catch: (cause) => new CycleStoreError({ reason, cycleId, detail: String(cause) }) })
  const writeAtomically = (cycleId: string, name: string, json: string) =>
    io(cycleId, "WriteFailed", async () => {
      const cycleDir = join(dir, cycleId)
      await mkdir(cycleDir, { recursive: true })
      const temporary = join(cycleDir, `.${name}.${process.pid}.tmp`)
      await writeFile(temporary, json, "utf8")
      await rename(temporary, join(cycleDir, name))
    })
  const isMissing = (cause: unknown) => typeof cause === "object" && cause !== null && "code" in cause && cause.code === "ENOENT"
  return {
    begin: (cycleId, input) =>
      checkId(cycleId).pipe(Effect.zipRight(toJson(cycleId, input)), Effect.flatMap((json) => writeAtomically(cycleId, "input.json", json))),
    savePhase: (cycleId, phase) =>
      checkId(cycleId).pipe(
        Effect.zipRight(toJson(cycleId, phase)),
        Effect.flatMap((json) => writeAtomically(cycleId, `${String(phase.index).padStart(2, "0")}-${phase.phase}.json`, json))
      ),
    load: (cycleId) =>
      Effect.gen(function*() {
        yield* checkId(cycleId)
        const cycleDir = join(dir, cycleId)
        const inputText = yield* io(cycleId, "ReadFailed", () =>
          readFile(join(cycleDir, "input.json"), "utf8").catch((cause: unknown) => (isMissing(cause) ? undefined : Promise.reject(cause))))
        if (inputText === undefined) return undefined
        const input = yield* fromJson(cycleId, inputText, "input.json")
        const names = (yield* io(cycleId, "ReadFailed", () => readdir(cycleDir))).filter((name) => phaseFile.test(name)).sort()
        const phases = yield* Effect.forEach(names, (name) =>
          Effect.gen(function*() {
            const text = yield* io(cycleId, "ReadFailed", () => readFile(join(cycleDir, name), "utf8"))
            const stored = yield* fromJson(cycleId, text, name)
            return yield* Schema.decodeUnknown(StoredPhaseSchema)(stored).pipe(
              Effect.mapError((error) => new CycleStoreError({ reason: "Corrupt", cycleId, detail: `${name}: ${error.message}` }))
            )
          }))
        return { cycleId, input, phases: [...phases].sort((a, b) => a.index - b.index) }
      }),
    list: () =>
      io("*", "ReadFailed", () => readdir(dir, { withFileTypes: true }).catch((cause: unknown) => (isMissing(cause) ? [] : Promise.reject(cause)))).pipe(
        Effect.map((entries) => entries.filter((entry) => entry.isDirectory() && validId.test(entry.name)).map((entry) => entry.name).sort())
      )
  }
}

const StoredPhaseSchema = Schema.Struct({
  index: Schema.Int,
  phase: Schema.String,
  output: Schema.Unknown,
  completedAt: Schema.String
})

export const layerFile = (dir: string): Layer.Layer<CycleStore> => Layer.succeed(CycleStore, makeFile(dir))
