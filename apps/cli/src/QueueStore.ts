/**
 * Turns a `StoreConfig` into a `TaskQueue` layer. The live implementation
 * imports StoreLayer.ts on first use, so `miyabi --help` loads neither the
 * queue nor better-sqlite3; tests may provide their own.
 */
import type { QueueError, SqliteTaskQueueOptions, TaskQueue } from "@miyabi/queue"
import type { InvalidInput } from "@miyabi/types"
import { Context, Effect, Layer } from "effect"
import type { StoreConfig } from "./StoreConfig.js"

/** Tuning of the store (the demo shortens retry backoff so dead-lettering happens in seconds). */
export interface StoreOptions {
  readonly sqlite?: SqliteTaskQueueOptions
}

export interface QueueStoreShape {
  readonly layer: (config: StoreConfig, options?: StoreOptions) => Layer.Layer<TaskQueue, InvalidInput | QueueError>
}

export class QueueStore extends Context.Tag("@miyabi/cli/QueueStore")<QueueStore, QueueStoreShape>() {
  static readonly live: Layer.Layer<QueueStore> = Layer.succeed(QueueStore, {
    layer: (config, options = {}) =>
      Layer.unwrapEffect(Effect.map(Effect.promise(() => import("./StoreLayer.js")), (module) => module.storeLayer(config, options)))
  })
}

/** The queue of the store selected by the flags, provided to `effect`. */
export const provideQueue =
  (config: StoreConfig, options?: StoreOptions) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E | InvalidInput | QueueError, Exclude<R, TaskQueue> | QueueStore> =>
    Effect.flatMap(QueueStore, (store) => Effect.provide(effect, store.layer(config, options)))
