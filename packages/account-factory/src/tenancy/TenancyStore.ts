/**
 * Where tenancy is recorded: customers, shared accounts and placements with
 * their history, and scheduled data deletions. Drivers: in memory, and a
 * JSON file written atomically (write to a temporary file, then rename).
 */
import { rename, readFile, writeFile } from "node:fs/promises"
import { AccountId, Customer, CustomerId, Placement, PoolState } from "@miyabi/types"
import { Context, Effect, Layer, Ref, Schema } from "effect"

export class ScheduledDeletion extends Schema.Class<ScheduledDeletion>("ScheduledDeletion")({
  customerId: CustomerId,
  accountId: AccountId,
  at: Schema.Date,
  resources: Schema.Array(Schema.String)
}) {}

export class TenancyState extends Schema.Class<TenancyState>("TenancyState")({
  customers: Schema.Array(Customer),
  pools: Schema.Array(PoolState),
  placements: Schema.Array(Placement),
  /** Placements of customers who left, kept for their history. */
  departed: Schema.optionalWith(Schema.Array(Placement), { default: () => [] }),
  deletions: Schema.optionalWith(Schema.Array(ScheduledDeletion), { default: () => [] })
}) {}

export const emptyTenancyState = (): TenancyState => new TenancyState({ customers: [], pools: [], placements: [], departed: [], deletions: [] })

export class TenancyStoreError extends Schema.TaggedError<TenancyStoreError>()("TenancyStoreError", {
  reason: Schema.Literal("Unreadable", "Corrupt", "Unwritable"),
  location: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `tenancy store ${this.location}: ${this.reason}: ${this.detail}`
  }
}

export interface TenancyStoreShape {
  readonly load: () => Effect.Effect<TenancyState, TenancyStoreError>
  readonly save: (state: TenancyState) => Effect.Effect<void, TenancyStoreError>
}

export class TenancyStore extends Context.Tag("@miyabi/account-factory/TenancyStore")<TenancyStore, TenancyStoreShape>() {}

export const memory = (initial: TenancyState = emptyTenancyState()): Layer.Layer<TenancyStore> =>
  Layer.effect(
    TenancyStore,
    Effect.map(Ref.make(initial), (ref) => ({ load: () => Ref.get(ref), save: (state: TenancyState) => Ref.set(ref, state) }))
  )

const StateJson = Schema.parseJson(TenancyState)

/** A JSON file; a missing file is an empty state. */
export const file = (path: string): Layer.Layer<TenancyStore> =>
  Layer.succeed(TenancyStore, {
    load: () =>
      Effect.tryPromise({ try: () => readFile(path, "utf8"), catch: (cause) => cause }).pipe(
        Effect.catchAll((cause) =>
          cause instanceof Error && "code" in cause && cause.code === "ENOENT"
            ? Effect.succeed(undefined)
            : Effect.fail(new TenancyStoreError({ reason: "Unreadable", location: path, detail: String(cause) }))
        ),
        Effect.flatMap((text) =>
          text === undefined
            ? Effect.succeed(emptyTenancyState())
            : Schema.decodeUnknown(StateJson)(text).pipe(Effect.mapError((error) => new TenancyStoreError({ reason: "Corrupt", location: path, detail: error.message })))
        )
      ),
    save: (state) =>
      Schema.encode(StateJson)(state).pipe(
        Effect.mapError((error) => new TenancyStoreError({ reason: "Corrupt", location: path, detail: error.message })),
        Effect.flatMap((text) =>
          Effect.tryPromise({
            try: async () => {
              const temporary = `${path}.${process.pid}.tmp`
              await writeFile(temporary, text, "utf8")
              await rename(temporary, path)
            },
            catch: (cause) => new TenancyStoreError({ reason: "Unwritable", location: path, detail: String(cause) })
          })
        )
      )
  })
