/**
 * What every deployment store shares: the stored shape, its JSON codec, the
 * store error, and the version book that makes a save conditional.
 *
 * Versions: each stored deployment carries a counter (1 on its first save,
 * +1 on every save). A store instance remembers the version it last loaded
 * or saved for each id; its next save of that id succeeds only if the
 * stored version is still that one (an id it never saw must be absent).
 * So two writers (two worker tasks resuming the same deployment) cannot
 * silently overwrite each other: the slower one gets a `StoreFailed`
 * "written by another writer" and must load again. The SQLite and DynamoDB
 * stores check this atomically; the file store checks before its rename
 * (two processes racing inside that window are not caught).
 */
import { DeploymentRecord, ExecutionPlan } from "@miyabi/types"
import { Effect, Ref, Schema } from "effect"
import { DeployError } from "./DeployError.js"

export class StoredDeployment extends Schema.Class<StoredDeployment>("StoredDeployment")({
  record: DeploymentRecord,
  plan: ExecutionPlan
}) {}

const Json = Schema.parseJson(StoredDeployment)
/** The version beside the record in a JSON file; a file written before versions existed counts as version 1. */
const Versioned = Schema.parseJson(Schema.Struct({ version: Schema.optionalWith(Schema.Int, { default: () => 1 }) }))

export const storeFailed = (message: string) => (cause: unknown): DeployError =>
  new DeployError({ reason: "StoreFailed", message: `${message}: ${cause instanceof Error ? cause.message : String(cause)}` })

/** JSON text of a deployment; with `version`, the counter is kept in the same object (the file store has no other place for it). */
export const encodeStored = (d: StoredDeployment, version?: number): Effect.Effect<string, DeployError> =>
  Effect.mapError(
    version === undefined ? Schema.encode(Json)(d) : Effect.map(Schema.encode(StoredDeployment)(d), (encoded) => JSON.stringify({ ...encoded, version })),
    storeFailed(`deployment ${d.record.id} does not encode`)
  )

/** `where` names the file, row or item in the error. */
export const decodeStored = (text: string, where: string): Effect.Effect<StoredDeployment, DeployError> =>
  Effect.mapError(Schema.decodeUnknown(Json)(text), storeFailed(`${where} is not a deployment`))

/** The version kept inside JSON text by `encodeStored(d, version)`. */
export const versionIn = (text: string, where: string): Effect.Effect<number, DeployError> =>
  Effect.mapError(Effect.map(Schema.decodeUnknown(Versioned)(text), (v) => v.version), storeFailed(`${where} has no valid version`))

export const writtenByAnother = (id: string, where: string, seen: number): DeployError =>
  new DeployError({
    reason: "StoreFailed",
    message: `deployment ${id} in ${where} was written by another writer since this one ${seen === 0 ? "started it" : `read version ${seen}`}: load it again before saving`
  })

export interface VersionBook {
  /** The version this instance last saw for `id` (0: none, the record must not exist yet). */
  readonly seen: (id: string) => Effect.Effect<number>
  readonly record: (id: string, version: number) => Effect.Effect<void>
  /** Runs one save at a time, so two fibers of one instance do not race on the same seen version. */
  readonly serialized: <A, E, R>(save: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}

export const makeVersionBook: Effect.Effect<VersionBook> = Effect.gen(function* () {
  const versions = yield* Ref.make(new Map<string, number>())
  const lock = yield* Effect.makeSemaphore(1)
  return {
    seen: (id) => Effect.map(Ref.get(versions), (m) => m.get(id) ?? 0),
    record: (id, version) => Ref.update(versions, (m) => new Map(m).set(id, version)),
    serialized: (save) => lock.withPermits(1)(save)
  }
})
