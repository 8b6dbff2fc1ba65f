/**
 * Where tenancy is recorded: customers, shared accounts, current placements,
 * the placements of customers who left, scheduled data deletions, and every
 * placement change as history (who, when, what: placed, moved, offboarded).
 *
 * Drivers: `memory()` and `file()` (one JSON file, for tools and old data)
 * here, SQLite (`TenancyStoreSqlite`, tables `tenancy_*` in the --store file). Every driver derives the history the same
 * way: `save` compares the placements it is given with the ones it holds
 * (`placementEvents`) and appends one event per change, in the same write.
 */
import { AccountId, Customer, CustomerId, Placement, PoolState, TenancyModel } from "@miyabi/types"
import { rename, readFile, writeFile } from "node:fs/promises"
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

/** One change of a customer's placement. */
export class PlacementEvent extends Schema.Class<PlacementEvent>("PlacementEvent")({
  customerId: CustomerId,
  kind: Schema.Literal("placed", "moved", "offboarded"),
  at: Schema.Date,
  /** Who made the change (the CLI's user, the worker, ...). */
  actor: Schema.String,
  /** Where the customer is after the change (for "offboarded": where it was). */
  model: TenancyModel,
  accountId: AccountId,
  /** Where the customer was before a move. */
  from: Schema.optional(Schema.Struct({ model: TenancyModel, accountId: AccountId }))
}) {}

/** The events that turn the placements `before` into `after`, in customer order of `after` then of `before`. */
export const placementEvents = (
  before: ReadonlyArray<Placement>,
  after: ReadonlyArray<Placement>,
  at: Date,
  actor: string
): ReadonlyArray<PlacementEvent> => {
  const earlier = new Map(before.map((placement) => [placement.customerId, placement]))
  const later = new Set(after.map((placement) => placement.customerId))
  const events: Array<PlacementEvent> = []
  for (const placement of after) {
    const previous = earlier.get(placement.customerId)
    const where = { customerId: placement.customerId, at, actor, model: placement.model, accountId: placement.accountId }
    if (previous === undefined) events.push(new PlacementEvent({ ...where, kind: "placed" }))
    else if (previous.accountId !== placement.accountId || previous.model !== placement.model) {
      events.push(new PlacementEvent({ ...where, kind: "moved", from: { model: previous.model, accountId: previous.accountId } }))
    }
  }
  for (const placement of before) {
    if (!later.has(placement.customerId)) {
      events.push(new PlacementEvent({ customerId: placement.customerId, kind: "offboarded", at, actor, model: placement.model, accountId: placement.accountId }))
    }
  }
  return events
}

export interface TenancyStoreShape {
  /** Where the records live, for messages ("memory", "sqlite:/x/miyabi.db"). */
  readonly location: string
  readonly load: () => Effect.Effect<TenancyState, TenancyStoreError>
  /** Replaces the state and appends the placement changes it makes to the history. */
  readonly save: (state: TenancyState) => Effect.Effect<void, TenancyStoreError>
  /** A customer's placement changes, oldest first (empty for an unknown customer). */
  readonly history: (customerId: CustomerId) => Effect.Effect<ReadonlyArray<PlacementEvent>, TenancyStoreError>
}

export class TenancyStore extends Context.Tag("@miyabi/account-factory/TenancyStore")<TenancyStore, TenancyStoreShape>() {}

/** Options every driver takes. */
export interface TenancyStoreOptions {
  /** Recorded as the actor of every change (default "miyabi"). */
  readonly actor?: string
  /** The clock of the change events (default: now). */
  readonly now?: () => Date
}

export const memory = (initial: TenancyState = emptyTenancyState(), options: TenancyStoreOptions = {}): Layer.Layer<TenancyStore> =>
  Layer.effect(
    TenancyStore,
    Effect.gen(function* () {
      const state = yield* Ref.make(initial)
      const events = yield* Ref.make<ReadonlyArray<PlacementEvent>>([])
      const actor = options.actor ?? "miyabi"
      const now = options.now ?? (() => new Date())
      return {
        location: "memory",
        load: () => Ref.get(state),
        save: (next: TenancyState) =>
          Effect.flatMap(Ref.getAndSet(state, next), (previous) =>
            Ref.update(events, (all) => [...all, ...placementEvents(previous.placements, next.placements, now(), actor)])
          ),
        history: (customerId: CustomerId) => Effect.map(Ref.get(events), (all) => all.filter((event) => event.customerId === customerId))
      }
    })
  )

/** The JSON file: the state and its history. */
const FileJson = Schema.parseJson(
  Schema.Struct({ ...TenancyState.fields, events: Schema.optionalWith(Schema.Array(PlacementEvent), { default: () => [] }) })
)

/** A JSON file written atomically (a temporary file, then rename); a missing file is an empty state. */
export const file = (path: string, options: TenancyStoreOptions = {}): Layer.Layer<TenancyStore> => {
  const actor = options.actor ?? "miyabi"
  const now = options.now ?? (() => new Date())
  const corrupt = (error: { readonly message: string }) => new TenancyStoreError({ reason: "Corrupt", location: path, detail: error.message })
  const read = Effect.tryPromise({ try: () => readFile(path, "utf8"), catch: (cause) => cause }).pipe(
    Effect.catchAll((cause) =>
      cause instanceof Error && "code" in cause && cause.code === "ENOENT"
        ? Effect.succeed(undefined)
        : Effect.fail(new TenancyStoreError({ reason: "Unreadable", location: path, detail: String(cause) }))
    ),
    Effect.flatMap((text) =>
      text === undefined ? Effect.succeed({ ...emptyTenancyState(), events: [] }) : Effect.mapError(Schema.decodeUnknown(FileJson)(text), corrupt)
    )
  )
  return Layer.succeed(TenancyStore, {
    location: `file:${path}`,
    load: () => Effect.map(read, ({ events: _events, ...state }) => new TenancyState(state)),
    save: (state) =>
      Effect.gen(function* () {
        const previous = yield* read
        const events = [...previous.events, ...placementEvents(previous.placements, state.placements, now(), actor)]
        const text = yield* Effect.mapError(Schema.encode(FileJson)({ ...state, events }), corrupt)
        yield* Effect.tryPromise({
          try: async () => {
            const temporary = `${path}.${process.pid}.tmp`
            await writeFile(temporary, text, "utf8")
            await rename(temporary, path)
          },
          catch: (cause) => new TenancyStoreError({ reason: "Unwritable", location: path, detail: String(cause) })
        })
      }),
    history: (customerId) => Effect.map(read, ({ events }) => events.filter((event) => event.customerId === customerId))
  })
}
