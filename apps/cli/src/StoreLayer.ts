/**
 * The TaskQueue layer of a store, in its own module so that the CLI loads
 * the queue (and better-sqlite3) only when a command opens a store; see
 * QueueStore.ts.
 */
import { QueueStore, SqliteTaskQueue, type QueueError, type TaskQueue } from "@miyabi/queue"
import { InvalidInput } from "@miyabi/types"
import { ConfigError, Effect, Layer } from "effect"
import type { StoreOptions } from "./QueueStore.js"
import type { StoreConfig } from "./StoreConfig.js"
import { envSettingsError } from "./EnvSettings.js"

export const storeLayer = (config: StoreConfig, options: StoreOptions): Layer.Layer<TaskQueue, InvalidInput | QueueError> => {
  switch (config._tag) {
    case "Sqlite":
      return SqliteTaskQueue.layer(config.path, options.sqlite ?? {})
    case "Aws":
      return awsStoreLayer(config.spec, "--store", options.sqlite?.backoff === undefined ? {} : { backoff: options.sqlite.backoff })
  }
}

/**
 * The SQS + DynamoDB queue of an `aws:` store string (the part after "aws:"),
 * with region, credentials and endpoint (AWS_ENDPOINT_URL) from the environment.
 * A bad setting or variable is one `InvalidInput` naming `source`.
 */
export const awsStoreLayer = (
  spec: string,
  source: string,
  options: QueueStore.QueueStoreOptions = {}
): Layer.Layer<TaskQueue, InvalidInput | QueueError> =>
  Layer.unwrapEffect(
    Effect.map(QueueStore.parseStore(`aws:${spec}`, source), (parsed) => {
      return (
      QueueStore.layerFromStore(parsed, options).pipe(
        Layer.catchAll((error) =>
          Layer.fail(ConfigError.isConfigError(error) ? envSettingsError(error, source) : error)
        )
      ))
    })
  )
