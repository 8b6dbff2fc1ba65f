/**
 * Where a cycle's phase outputs are kept, so a cycle can resume from its last
 * completed phase and be replayed or audited later. Outputs are JSON values.
 *
 * This module is the interface and its tag; the stores are separate modules:
 *
 *   layerMemory                     tests
 *   layerFile(dir)                  `<dir>/<cycleId>/input.json` + `<NN>-<phase>.json` (CycleStoreFile.ts)
 *   layerSqlite(path)               one SQLite file, tables `cycle_*` (CycleStoreSqlite.ts)
 *   DynamoCycleStore.layer(options) one DynamoDB table (adapters/DynamoCycleStore.ts)
 *
 * Every store behaves the same (CycleStore.testkit.ts runs one suite against all):
 * `begin` fails with AlreadyExists when the id was begun; `savePhase` fails
 * with NotBegun before `begin`, replaces a phase of the same index and is
 * atomic (a crash leaves the phase either absent or complete); data that
 * does not decode is `Corrupt`; ids and phase names that could escape a file
 * name or key are `InvalidId`.
 */
import { Context, type Effect, Layer } from "effect"
import type { CycleStoreError } from "./CycleStoreError.js"
import { makeFile } from "./CycleStoreFile.js"
import { makeMemory } from "./CycleStoreMemory.js"
import { makeSqlite, type SqliteCycleStoreOptions } from "./CycleStoreSqlite.js"

export { CycleStoreError } from "./CycleStoreError.js"
export { makeFile } from "./CycleStoreFile.js"
export { makeMemory } from "./CycleStoreMemory.js"
export { makeSqlite, type SqliteCycleStoreOptions } from "./CycleStoreSqlite.js"
export { newestFirst, summarize } from "./CycleStoreHistory.js"

export interface StoredPhase {
  readonly index: number
  readonly phase: string
  readonly output: unknown
  readonly completedAt: string
}

export interface StoredCycle {
  readonly cycleId: string
  readonly input: unknown
  /** When `begin` ran (ISO 8601, from Effect's Clock). */
  readonly startedAt: string
  /** Completed phases in order. */
  readonly phases: ReadonlyArray<StoredPhase>
}

/** One line of `miyabi cycle history`. */
export interface CycleSummary {
  readonly cycleId: string
  readonly startedAt: string
  /** Names of the completed phases, in index order. */
  readonly phases: ReadonlyArray<string>
  /** completedAt of the last phase in index order, when any phase completed. */
  readonly lastCompletedAt?: string
}

export interface CycleStoreShape {
  /** Records the cycle's input and start time (starts the cycle's record); fails with AlreadyExists for an id already begun. */
  readonly begin: (cycleId: string, input: unknown) => Effect.Effect<void, CycleStoreError>
  /** Stores one phase's output atomically, replacing a phase of the same index; fails with NotBegun before begin. */
  readonly savePhase: (cycleId: string, phase: StoredPhase) => Effect.Effect<void, CycleStoreError>
  /** The stored cycle, or undefined when it was never begun. */
  readonly load: (cycleId: string) => Effect.Effect<StoredCycle | undefined, CycleStoreError>
  /** Every cycle id, sorted. */
  readonly list: () => Effect.Effect<ReadonlyArray<string>, CycleStoreError>
  /** Every cycle, newest first (by startedAt, then id descending), without outputs. */
  readonly history: () => Effect.Effect<ReadonlyArray<CycleSummary>, CycleStoreError>
}

export class CycleStore extends Context.Tag("@miyabi/aws-agent/CycleStore")<CycleStore, CycleStoreShape>() {}

export const layerMemory: Layer.Layer<CycleStore> = Layer.effect(CycleStore, makeMemory)

export const layerFile = (dir: string): Layer.Layer<CycleStore> => Layer.succeed(CycleStore, makeFile(dir))

/**
 * The SQLite store at `path` (WAL mode; tables created if absent). The
 * database is open for the life of the layer and closed on release. The
 * file may be shared with other stores (the task queue): only `cycle_*`
 * tables are touched.
 */
export const layerSqlite = (path: string, options: SqliteCycleStoreOptions = {}): Layer.Layer<CycleStore, CycleStoreError> =>
  Layer.scoped(CycleStore, makeSqlite(path, options))
