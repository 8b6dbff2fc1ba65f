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
 * An aws: store has no DynamoDB tenancy driver yet: its records stay in the
 * JSON file in the user's data directory (`TenancyStore.file`, with history).
 */
import { existsSync } from "node:fs"
import { rename } from "node:fs/promises"
import * as os from "node:os"
import { TenancyStore, TenancyStoreSqlite } from "@miyabi/account-factory"
import { InvalidInput } from "@miyabi/types"
import { Context, Effect, Layer } from "effect"
import { resolveGlobals, type GlobalFlags } from "../../Global.js"
import { parseStore, type StoreConfig } from "../../StoreConfig.js"
import { besideStoreConfig } from "../org/OrgContext.js"

export interface TenantsStore {
  /** "sqlite:/path/miyabi.db" or "file:/path/miyabi.tenancy.json", for messages and --json. */
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

/**
 * The tenancy store of a parsed --store. `legacy` is the JSON file of
 * earlier versions to import once (SQLite stores) or to keep using (aws:).
 */
export const tenantsStoreAt = (store: StoreConfig, legacy: string = besideStoreConfig(store, "tenancy.json"), actor: string = cliActor()): TenantsStore => {
  if (store._tag === "Sqlite") {
    const layer = TenancyStoreSqlite.layer(store.path, { actor }).pipe(
      Layer.tap((context) => importOnce(Context.get(context, TenancyStore.TenancyStore), legacy)),
      Layer.mapError(asInput)
    )
    return { location: `sqlite:${store.path}`, layer }
  }
  return { location: `file:${legacy}`, layer: TenancyStore.file(legacy, { actor }) }
}

/** The tenancy store of the store the flags (or MIYABI_STORE, or the default store) name. */
export const tenantsStore = (flags: GlobalFlags) =>
  Effect.gen(function* () {
    const globals = yield* resolveGlobals(flags)
    const store = yield* parseStore(globals.store, { source: "--store" })
    return tenantsStoreAt(store)
  })
