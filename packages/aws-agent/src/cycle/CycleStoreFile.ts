/**
 * The file cycle store: one directory per cycle,
 *
 *   <dir>/<cycleId>/input.json        { "startedAt": ISO, "input": ... }
 *   <dir>/<cycleId>/<NN>-<phase>.json { "index", "phase", "completedAt", "output" }
 *
 * A phase file is written to a temporary file and renamed into place, so a
 * crash leaves the old file or the new one, never half of one. `begin`
 * links its temporary file to input.json, which fails when input.json
 * exists: two processes beginning the same id cannot both win.
 *
 * `history` reads every file in full (outputs included): this store is for
 * one user's local runs; the SQLite and DynamoDB stores read metadata only.
 */
import { access, link, mkdir, readdir, readFile, rename, unlink, writeFile } from "node:fs/promises"
import { randomUUID } from "node:crypto"
import { join } from "node:path"
import { Effect, Schema } from "effect"
import type { CycleStoreShape, CycleSummary, StoredCycle, StoredPhase } from "./CycleStore.js"
import { checkId, checkPhase, corrupt, CycleStoreError, fromJson, isValidCycleId, toJson } from "./CycleStoreError.js"
import { newestFirst, startTime, summarize } from "./CycleStoreHistory.js"

const InputFile = Schema.Struct({ startedAt: Schema.String, input: Schema.Unknown })
const PhaseFile = Schema.Struct({ index: Schema.Int, phase: Schema.String, completedAt: Schema.String, output: Schema.Unknown })

const phaseFileName = /^(\d{2})-([A-Za-z0-9][A-Za-z0-9_-]*)\.json$/
const phaseName = (phase: Pick<StoredPhase, "index" | "phase">): string => `${String(phase.index).padStart(2, "0")}-${phase.phase}.json`

const errorCode = (cause: unknown): unknown => (typeof cause === "object" && cause !== null && "code" in cause ? cause.code : undefined)

export const makeFile = (dir: string): CycleStoreShape => {
  const io = <A>(cycleId: string, reason: "ReadFailed" | "WriteFailed", run: () => Promise<A>) =>
    Effect.tryPromise({ try: run, catch: (cause) => new CycleStoreError({ reason, cycleId, detail: String(cause) }) })
  const temporaryName = (name: string) => `.${name}.${randomUUID()}.tmp`

  /** The file's text, or undefined when it does not exist. */
  const readIfExists = (cycleId: string, path: string) =>
    io(cycleId, "ReadFailed", () => readFile(path, "utf8").catch((cause: unknown) => (errorCode(cause) === "ENOENT" ? undefined : Promise.reject(cause))))

  const decode = <A, I>(schema: Schema.Schema<A, I>, cycleId: string, text: string, name: string) =>
    fromJson(cycleId, text, name).pipe(
      Effect.flatMap(Schema.decodeUnknown(schema)),
      Effect.mapError((error) => (error._tag === "CycleStoreError" ? error : corrupt(cycleId, `${name}: ${error.message}`)))
    )

  const readCycle = (cycleId: string): Effect.Effect<StoredCycle | undefined, CycleStoreError> =>
    Effect.gen(function*() {
      const cycleDir = join(dir, cycleId)
      const inputText = yield* readIfExists(cycleId, join(cycleDir, "input.json"))
      if (inputText === undefined) return undefined
      const { input, startedAt } = yield* decode(InputFile, cycleId, inputText, "input.json")
      const names = (yield* io(cycleId, "ReadFailed", () => readdir(cycleDir))).filter((name) => phaseFileName.test(name)).sort()
      const phases = yield* Effect.forEach(names, (name) =>
        io(cycleId, "ReadFailed", () => readFile(join(cycleDir, name), "utf8")).pipe(Effect.flatMap((text) => decode(PhaseFile, cycleId, text, name))))
      return { cycleId, input, startedAt, phases: [...phases].sort((a, b) => a.index - b.index) }
    })

  const list = () =>
    io("*", "ReadFailed", () => readdir(dir, { withFileTypes: true }).catch((cause: unknown) => (errorCode(cause) === "ENOENT" ? [] : Promise.reject(cause)))).pipe(
      Effect.map((entries) => entries.filter((entry) => entry.isDirectory() && isValidCycleId(entry.name)).map((entry) => entry.name).sort())
    )

  return {
    begin: (cycleId, input) =>
      Effect.gen(function*() {
        yield* checkId(cycleId)
        const json = yield* toJson(cycleId, { startedAt: yield* startTime, input }, 2)
        const cycleDir = join(dir, cycleId)
        const temporary = join(cycleDir, temporaryName("input.json"))
        const linked = yield* io(cycleId, "WriteFailed", async () => {
          await mkdir(cycleDir, { recursive: true })
          await writeFile(temporary, json, "utf8")
          try {
            // link fails with EEXIST when input.json exists: begin is exclusive.
            await link(temporary, join(cycleDir, "input.json"))
            return true
          } catch (cause) {
            if (errorCode(cause) === "EEXIST") return false
            throw cause
          } finally {
            await unlink(temporary)
          }
        })
        if (!linked) return yield* new CycleStoreError({ reason: "AlreadyExists", cycleId, detail: `${join(cycleDir, "input.json")} exists` })
      }),
    savePhase: (cycleId, phase) =>
      Effect.gen(function*() {
        yield* checkPhase(cycleId, phase)
        const { output, ...meta } = phase
        const json = yield* toJson(cycleId, { ...meta, output: output ?? null }, 2)
        const cycleDir = join(dir, cycleId)
        const begun = yield* io(cycleId, "ReadFailed", () => access(join(cycleDir, "input.json")).then(() => true, (cause: unknown) => (errorCode(cause) === "ENOENT" ? false : Promise.reject(cause))))
        if (!begun) {
          return yield* new CycleStoreError({ reason: "NotBegun", cycleId, detail: "savePhase before begin" })
        }
        const name = phaseName(phase)
        yield* io(cycleId, "WriteFailed", async () => {
          const temporary = join(cycleDir, temporaryName(name))
          await writeFile(temporary, json, "utf8")
          await rename(temporary, join(cycleDir, name))
          // The same index under another phase name is replaced, not kept beside.
          const prefix = name.slice(0, 3)
          for (const other of await readdir(cycleDir)) {
            if (other !== name && other.startsWith(prefix) && phaseFileName.test(other)) await unlink(join(cycleDir, other))
          }
        })
      }),
    load: (cycleId) => Effect.zipRight(checkId(cycleId), readCycle(cycleId)),
    list,
    history: () =>
      list().pipe(
        Effect.flatMap((ids) => Effect.forEach(ids, readCycle)),
        Effect.map((cycles) =>
          newestFirst(cycles.flatMap((cycle): ReadonlyArray<CycleSummary> => (cycle === undefined ? [] : [summarize(cycle.cycleId, cycle.startedAt, cycle.phases)]))))
      )
  }
}
