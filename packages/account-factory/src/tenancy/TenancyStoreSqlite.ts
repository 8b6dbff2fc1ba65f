/**
 * Tenancy records in the platform's SQLite store (the --store file the queue
 * and the org apply journal use too): tables of their own, created if absent,
 * beside the queue's (which are versioned with `user_version`; these are not,
 * and leave it alone).
 *
 *   tenancy_customers   id -> customer (JSON)
 *   tenancy_pools       account -> shared account and its members (JSON)
 *   tenancy_placements  customer -> current placement (JSON)
 *   tenancy_departed    placements of customers who left (JSON)
 *   tenancy_deletions   scheduled data deletions (JSON)
 *   tenancy_events      one row per placement change: who, when, what
 *
 * `save` reads the stored placements, replaces the state rows and appends the
 * change events in one transaction, so a crash leaves either the old state
 * or the new one with its history. better-sqlite3 is loaded when the layer is
 * built, so importing this package does not load the native module.
 */
import type Database from "better-sqlite3"
import { Customer, type CustomerId, Placement, PoolState } from "@miyabi/types"
import { openSqlite } from "../SqliteFile.js"
import { Effect, Layer, Schema } from "effect"
import { PlacementEvent, placementEvents, ScheduledDeletion, TenancyState, TenancyStore, TenancyStoreError, type TenancyStoreOptions } from "./TenancyStore.js"

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS tenancy_customers (id TEXT PRIMARY KEY, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS tenancy_pools (account_id TEXT PRIMARY KEY, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS tenancy_placements (customer_id TEXT PRIMARY KEY, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS tenancy_departed (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS tenancy_deletions (seq INTEGER PRIMARY KEY, body TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS tenancy_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id TEXT NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS tenancy_events_customer ON tenancy_events (customer_id, seq);
`

const Rows = <A, I>(schema: Schema.Schema<A, I>) => Schema.Array(Schema.parseJson(schema))

/** The state's five lists, each row a JSON body: decoded on load, encoded on save. */
const StateRows = Schema.Struct({
  customers: Rows(Customer),
  pools: Rows(PoolState),
  placements: Rows(Placement),
  departed: Rows(Placement),
  deletions: Rows(ScheduledDeletion)
})

/** A row set of the state: its table, key column, and how a row reads back. */
const tables = {
  customers: { table: "tenancy_customers", key: "id" },
  pools: { table: "tenancy_pools", key: "account_id" },
  placements: { table: "tenancy_placements", key: "customer_id" },
  departed: { table: "tenancy_departed", key: "seq" },
  deletions: { table: "tenancy_deletions", key: "seq" }
} as const

interface Encoded {
  readonly customers: ReadonlyArray<readonly [string, string]>
  readonly pools: ReadonlyArray<readonly [string, string]>
  readonly placements: ReadonlyArray<readonly [string, string]>
  readonly departed: ReadonlyArray<readonly [number, string]>
  readonly deletions: ReadonlyArray<readonly [number, string]>
}

const bodies = (db: Database.Database, name: keyof typeof tables): ReadonlyArray<string> =>
  db
    .prepare<[], { body: string }>(`SELECT body FROM ${tables[name].table} ORDER BY rowid`)
    .all()
    .map((row) => row.body)

/** Tenancy records in the SQLite file at `path` (created if absent; its directory must exist). */
export const layer = (path: string, options: TenancyStoreOptions = {}): Layer.Layer<TenancyStore, TenancyStoreError> =>
  Layer.scoped(
    TenancyStore,
    Effect.gen(function* () {
      const location = `sqlite:${path}`
      const actor = options.actor ?? "miyabi"
      const now = options.now ?? (() => new Date())
      const failure = (reason: "Unreadable" | "Unwritable") => (cause: unknown) =>
        new TenancyStoreError({ reason, location, detail: cause instanceof Error ? cause.message : String(cause) })
      const corrupt = (error: { readonly message: string }) => new TenancyStoreError({ reason: "Corrupt", location, detail: error.message })
      const db = yield* openSqlite(path, SCHEMA, failure("Unreadable"))
      const insertEvent = db.prepare<[string, string]>("INSERT INTO tenancy_events (customer_id, body) VALUES (?, ?)")
      const eventsOf = db.prepare<[string], { body: string }>("SELECT body FROM tenancy_events WHERE customer_id = ? ORDER BY seq")
      const decodePlacements = Schema.decodeUnknownSync(Rows(Placement))
      const encodeEvents = Schema.encodeSync(Schema.Array(Schema.parseJson(PlacementEvent)))
      // One transaction: the events are computed against the placements stored at that moment.
      const write = db.transaction((encoded: Encoded, next: ReadonlyArray<Placement>) => {
        const before = decodePlacements(bodies(db, "placements"))
        for (const name of Object.keys(tables) as Array<keyof typeof tables>) {
          const { table, key } = tables[name]
          db.prepare(`DELETE FROM ${table}`).run()
          const insert = db.prepare<[string | number, string]>(`INSERT INTO ${table} (${key}, body) VALUES (?, ?)`)
          for (const [id, body] of encoded[name]) insert.run(id, body)
        }
        const events = placementEvents(before, next, now(), actor)
        encodeEvents(events).forEach((body, index) => insertEvent.run(events[index]!.customerId, body))
      })

      const load = () =>
        Effect.gen(function* () {
          const read = yield* Effect.try({
            try: () => ({
              customers: bodies(db, "customers"),
              pools: bodies(db, "pools"),
              placements: bodies(db, "placements"),
              departed: bodies(db, "departed"),
              deletions: bodies(db, "deletions")
            }),
            catch: failure("Unreadable")
          })
          return yield* Effect.mapError(Schema.decodeUnknown(StateRows)(read), corrupt).pipe(Effect.map((state) => new TenancyState(state)))
        }).pipe(Effect.withSpan("TenancyStoreSqlite.load"))

      const save = (state: TenancyState) =>
        Effect.gen(function* () {
          const encoded = yield* Effect.mapError(Schema.encode(StateRows)(state), corrupt)
          yield* Effect.try({
            try: () =>
              write(
                {
                  customers: encoded.customers.map((body, index) => [state.customers[index]!.id, body] as const),
                  pools: encoded.pools.map((body, index) => [state.pools[index]!.accountId, body] as const),
                  placements: encoded.placements.map((body, index) => [state.placements[index]!.customerId, body] as const),
                  departed: encoded.departed.map((body, index) => [index + 1, body] as const),
                  deletions: encoded.deletions.map((body, index) => [index + 1, body] as const)
                },
                state.placements
              ),
            catch: failure("Unwritable")
          })
        }).pipe(Effect.withSpan("TenancyStoreSqlite.save"))

      const history = (customerId: CustomerId) =>
        Effect.try({ try: () => eventsOf.all(customerId).map((row) => row.body), catch: failure("Unreadable") }).pipe(
          Effect.flatMap((rows) => Effect.mapError(Schema.decodeUnknown(Rows(PlacementEvent))(rows), corrupt)),
          Effect.withSpan("TenancyStoreSqlite.history")
        )

      return { location, load, save, history }
    })
  )
