/**
 * Where `miyabi tenants` records placements: the platform's state store that
 * --store names. A SQLite store keeps them in the same file as the queue
 * (tables tenancy_*, @miyabi/account-factory's `TenancyStoreSqlite`), with
 * every placement change as history.
 *
 * A `<store name>.tenancy.json` left beside the SQLite file by earlier
 * versions is imported once, into an empty store, and renamed
 * `<...>.tenancy.json.imported`; a store that already holds tenancy records
 * leaves the file alone.
 *
 * An aws: store keeps them in the queue's DynamoDB table (items PK = TENANCY
 * and TENANCY#<customer>, `TenancyStoreDynamo`), named by the same settings
 * the queue and the org apply journal read (table=, prefix=,
 * MIYABI_TASK_TABLE, MIYABI_QUEUE_PREFIX); the table must exist. The
 * `miyabi.tenancy.json` that earlier versions kept for aws: stores in the
 * user's data directory is imported once the same way.
 */
import { existsSync } from "node:fs"
import { rename } from "node:fs/promises"
import * as os from "node:os"
import { TenancyStore, TenancyStoreDynamo, TenancyStoreSqlite } from "@miyabi/account-factory"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { AwsQueueResources, QueueStore } from "@miyabi/queue"
import { InvalidInput } from "@miyabi/types"
import { ConfigError, Context, Effect, Either, Layer } from "effect"
import { resolveGlobals, type GlobalFlags } from "../../Global.js"
import { parseStore, type StoreConfig } from "../../StoreConfig.js"
import { besideStoreConfig } from "../org/OrgContext.js"
import { envSettingsError } from "../../EnvSettings.js"

export interface TenantsStore {
  /** "sqlite:/path/miyabi.db" or "dynamodb:<table>", for messages and --json. */
  readonly location: string
  readonly layer: Layer.Layer<TenancyStore.TenancyStore, InvalidInput>
}

/** Recorded as the actor of placement changes made from this CLI. */
const cliActor = (): string => {
  try {
    return `${os.userInfo().username}@cli`
  } catch {
    return "miyabi-cli"
  }
}

const asInput = (error: TenancyStore.TenancyStoreError) => new InvalidInput({ source: `tenancy store ${error.location}`, reason: `${error.reason}: ${error.detail}` })

const isEmpty = (state: TenancyStore.TenancyState) => state.customers.length === 0 && state.pools.length === 0 && state.placements.length === 0 && state.departed.length === 0

/** Imports the JSON file of earlier versions into `store` if the store is empty, then renames the file. */
const importOnce = (store: TenancyStore.TenancyStoreShape, legacy: string) =>
  Effect.gen(function* () {
    if (!existsSync(legacy)) return
    if (!isEmpty(yield* store.load())) return
    const old = yield* Effect.flatMap(TenancyStore.TenancyStore, (file) => file.load()).pipe(Effect.provide(TenancyStore.file(legacy)))
    yield* store.save(old)
    yield* Effect.tryPromise({
      try: () => rename(legacy, `${legacy}.imported`),
      catch: (cause) => new TenancyStore.TenancyStoreError({ reason: "Unwritable", location: legacy, detail: String(cause) })
    })
  })

/** The DynamoDB table an aws: store's settings (and the environment) name, as the queue resolves it. */
const tableOf = (spec: string): Either.Either<string, InvalidInput> => {
  const invalid = (reason: string) => new InvalidInput({ source: "--store", reason })
  return Either.flatMap(Either.mapLeft(QueueStore.parseAwsSettings(spec), invalid), (settings) =>
    Either.map(
      Either.mapLeft(Effect.runSync(Effect.either(QueueStore.awsSettingsConfig(settings))), (error) => invalid(`aws: ${String(error)}`)),
      (full) => (full.tableName !== undefined && full.tableName !== "" ? full.tableName : AwsQueueResources.namesFor(full.prefix ?? "miyabi").tableName)
    )
  )
}

/**
 * The tenancy store of a parsed --store. `legacy` is the JSON file of
 * earlier versions to import once into an empty store.
 */
export const tenantsStoreAt = (store: StoreConfig, legacy: string = besideStoreConfig(store, "tenancy.json"), actor: string = cliActor()): TenantsStore => {
  const importing = <E, R>(layer: Layer.Layer<TenancyStore.TenancyStore, E, R>) =>
    layer.pipe(Layer.tap((context) => Effect.mapError(importOnce(Context.get(context, TenancyStore.TenancyStore), legacy), asInput)))
  if (store._tag === "Sqlite") {
    const layer = importing(Layer.mapError(TenancyStoreSqlite.layer(store.path, { actor }), asInput))
    return { location: `sqlite:${store.path}`, layer }
  }
  const table = tableOf(store.spec)
  if (Either.isLeft(table)) return { location: "dynamodb:?", layer: Layer.fail(table.left) }
  const layer = importing(
    TenancyStoreDynamo.layer(table.right, { actor }).pipe(
      Layer.provide(AwsRuntime.layerConfig()),
      Layer.catchAll((error) => Layer.fail(ConfigError.isConfigError(error) ? envSettingsError(error) : error))
    )
  )
  return { location: `dynamodb:${table.right}`, layer }
}

/** The tenancy store of the store the flags (or MIYABI_STORE, or the default store) name. */
export const tenantsStore = (flags: GlobalFlags) =>
  Effect.gen(function* () {
    const globals = yield* resolveGlobals(flags)
    const store = yield* parseStore(globals.store, { source: "--store" })
    return tenantsStoreAt(store)
  })
