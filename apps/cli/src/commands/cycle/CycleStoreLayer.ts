/**
 * Where cycles and their deployment records are kept, from `--store`
 * (MIYABI_STORE): the same SQLite file as the tasks (tables `cycle_*` and
 * `deployment_*`), or on AWS one DynamoDB table named by MIYABI_CYCLE_TABLE,
 * else `<prefix>-cycles` (prefix from the store string, default "miyabi").
 * `--records DIR` keeps deployment records in a folder instead.
 */
import { Cycle, Deployment, DynamoCycleStore, DynamoDeploymentStore } from "@miyabi/aws-agent"
import { QueueStore } from "@miyabi/queue"
import { InvalidInput } from "@miyabi/types"
import { Effect, Layer, Option } from "effect"
import { parseStore } from "../../StoreConfig.js"
import { awsRuntime } from "../discover/DiscoverHandlers.js"

const failed = (error: { readonly message: string }) => new InvalidInput({ source: "--store", reason: error.message })

type Place = { readonly _tag: "Sqlite"; readonly path: string } | { readonly _tag: "Dynamo"; readonly tableName: string }

/** The SQLite file or the DynamoDB table the effective --store value means. */
const placeOf = (store: Option.Option<string>): Effect.Effect<Place, InvalidInput> =>
  Effect.gen(function* () {
    const config = yield* parseStore(store, { source: "--store" })
    if (config._tag === "Sqlite") return { _tag: "Sqlite", path: config.path }
    const parsed = yield* QueueStore.parseStore(`aws:${config.spec}`, "--store")
    const prefix = parsed._tag === "Aws" ? (parsed.settings.prefix ?? "miyabi") : "miyabi"
    return { _tag: "Dynamo", tableName: process.env["MIYABI_CYCLE_TABLE"] ?? `${prefix}-cycles` }
  })

/** `store`: the effective --store value (resolveGlobals). */
export const cycleStoreLayer = (store: Option.Option<string>): Layer.Layer<Cycle.CycleStore.CycleStore, InvalidInput> =>
  Layer.unwrapEffect(
    Effect.map(placeOf(store), (place) =>
      place._tag === "Sqlite"
        ? Cycle.CycleStore.layerSqlite(place.path).pipe(Layer.mapError(failed))
        : DynamoCycleStore.layer({ tableName: place.tableName }).pipe(Layer.provide(awsRuntime), Layer.mapError((error) => (error._tag === "InvalidInput" ? error : failed(error)))))
  )

/**
 * θ4's deployment records: in the folder `records` when given (--records),
 * else beside the cycles in the --store, so that a deployment a crashed
 * process left can be resumed or rolled back by any later run.
 */
export const deploymentStoreLayer = (store: Option.Option<string>, records: Option.Option<string>): Layer.Layer<Deployment.DeploymentStore.DeploymentStore, InvalidInput> =>
  Option.match(records, {
    onSome: (dir) => Deployment.DeploymentStore.layerFile(dir),
    onNone: () =>
      Layer.unwrapEffect(
        Effect.map(placeOf(store), (place) =>
          place._tag === "Sqlite"
            ? Deployment.DeploymentStore.layerSqlite(place.path).pipe(Layer.mapError(failed))
            : DynamoDeploymentStore.layer({ tableName: place.tableName }).pipe(Layer.provide(awsRuntime), Layer.mapError((error) => (error._tag === "InvalidInput" ? error : failed(error)))))
      )
  })

/** Where `deploymentStoreLayer` keeps records, for messages ("no deployment X in ..."). */
export const deploymentPlace = (store: Option.Option<string>, records: Option.Option<string>): Effect.Effect<string, InvalidInput> =>
  Option.match(records, {
    onSome: (dir) => Effect.succeed(dir),
    onNone: () => Effect.map(placeOf(store), (place) => (place._tag === "Sqlite" ? place.path : `table ${place.tableName}`))
  })
