/**
 * Seen webhook deliveries, to reject replays by `X-GitHub-Delivery` id.
 * Pluggable: DELIVERY#<id> items with a TTL in the task table on AWS
 * (adapters/DynamoDeliveryStore.ts, shared by every Lambda container), the
 * bounded in-memory store below for local mode and tests.
 */
import { Clock, Context, Duration, Effect, Layer, Ref, Schema } from "effect"

/** The store could not say whether a delivery was seen (its backend failed). */
export class DeliveryStoreError extends Schema.TaggedError<DeliveryStoreError>()("DeliveryStoreError", {
  reason: Schema.Literal("Unavailable"),
  operation: Schema.Literal("remember", "forget"),
  detail: Schema.String
}) {
  override get message(): string {
    return `replay store ${this.operation}: ${this.detail}`
  }
}

export interface DeliveryStoreShape {
  /** Records the delivery; true when it was not seen within its TTL (so it may be processed). */
  readonly remember: (deliveryId: string, ttl: Duration.DurationInput) => Effect.Effect<boolean, DeliveryStoreError>
  /** Drops a delivery again, e.g. when processing it failed and GitHub should be allowed to redeliver. */
  readonly forget: (deliveryId: string) => Effect.Effect<void, DeliveryStoreError>
}

export class DeliveryStore extends Context.Tag("@miyabi/queue/DeliveryStore")<DeliveryStore, DeliveryStoreShape>() {}

/**
 * In memory, at most `maxEntries` ids: expired ids go first, then the oldest.
 * A replay older than the bound is caught by the queue's idempotency key.
 */
export const makeMemory = (options: { readonly maxEntries: number }): Effect.Effect<DeliveryStoreShape> =>
  Effect.gen(function* () {
    const seen = yield* Ref.make(new Map<string, number>())
    const remember = (deliveryId: string, ttl: Duration.DurationInput) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        Ref.modify(seen, (current) => {
          const expiresAt = current.get(deliveryId)
          if (expiresAt !== undefined && expiresAt > now) return [false, current] as const
          const next = new Map(current)
          next.delete(deliveryId)
          if (next.size >= options.maxEntries) {
            for (const [id, until] of next) if (until <= now) next.delete(id)
          }
          // Maps iterate in insertion order: the first key is the oldest.
          for (const id of next.keys()) {
            if (next.size < options.maxEntries) break
            next.delete(id)
          }
          next.set(deliveryId, now + Duration.toMillis(ttl))
          return [true, next] as const
        })
      )
    const forget = (deliveryId: string) =>
      Ref.update(seen, (current) => {
        const next = new Map(current)
        next.delete(deliveryId)
        return next
      })
    return { remember, forget }
  })

export const layerMemory = (options: { readonly maxEntries: number } = { maxEntries: 10_000 }): Layer.Layer<DeliveryStore> =>
  Layer.effect(DeliveryStore, makeMemory(options))
