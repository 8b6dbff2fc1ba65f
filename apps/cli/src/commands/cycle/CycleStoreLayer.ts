/**
 * Where cycles are kept, from `--store` (MIYABI_STORE): the same SQLite file
 * as the tasks (tables `cycle_*`), or on AWS a DynamoDB table named by
 * MIYABI_CYCLE_TABLE, else `<prefix>-cycles` (prefix from the store string,
 * default "miyabi").
 */
import { Cycle, DynamoCycleStore } from "@miyabi/aws-agent"
import { QueueStore } from "@miyabi/queue"
import { InvalidInput } from "@miyabi/types"
import { Effect, Layer, type Option } from "effect"
import { parseStore } from "../../StoreConfig.js"
import { awsRuntime } from "../discover/DiscoverHandlers.js"

const failed = (error: { readonly message: string }) => new InvalidInput({ source: "--store", reason: error.message })

/** `store`: the effective --store value (resolveGlobals). */
export const cycleStoreLayer = (store: Option.Option<string>): Layer.Layer<Cycle.CycleStore.CycleStore, InvalidInput> =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const config = yield* parseStore(store, { source: "--store" })
      if (config._tag === "Sqlite") return Cycle.CycleStore.layerSqlite(config.path).pipe(Layer.mapError(failed))
      const parsed = yield* QueueStore.parseStore(`aws:${config.spec}`, "--store")
      const prefix = parsed._tag === "Aws" ? (parsed.settings.prefix ?? "miyabi") : "miyabi"
      const tableName = process.env["MIYABI_CYCLE_TABLE"] ?? `${prefix}-cycles`
      return DynamoCycleStore.layer({ tableName }).pipe(Layer.provide(awsRuntime), Layer.mapError((error) => (error._tag === "InvalidInput" ? error : failed(error))))
    })
  )
