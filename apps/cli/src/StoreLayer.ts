/**
 * The TaskQueue layer of a store, in its own module so that the CLI loads
 * the queue (and better-sqlite3) only when a command opens a store; see
 * QueueStore.ts.
 */
import { SqliteTaskQueue, type QueueError, type TaskQueue } from "@miyabi/queue"
import { InvalidInput } from "@miyabi/types"
import { Layer } from "effect"
import type { StoreOptions } from "./QueueStore.js"
import type { StoreConfig } from "./StoreConfig.js"

export const storeLayer = (config: StoreConfig, options: StoreOptions): Layer.Layer<TaskQueue, InvalidInput | QueueError> => {
  switch (config._tag) {
    case "Sqlite":
      return SqliteTaskQueue.layer(config.path, options.sqlite ?? {})
    case "Aws":
      return Layer.fail(
        new InvalidInput({ source: "--store", reason: "the AWS queue adapter (aws:...) is not available yet; use a SQLite path" })
      )
  }
}
