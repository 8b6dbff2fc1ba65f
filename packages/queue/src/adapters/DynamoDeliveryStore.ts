/**
 * The webhook replay guard on DynamoDB: one item per delivery id in the task
 * table (PK = DELIVERY#<id>, SK = DELIVERY), written with a conditional put
 * and a TTL (`expiresAt`, epoch seconds). Every Lambda container sees the
 * same items, so a replay reaching another container is still refused.
 *
 * Why the task table and not a table of its own: it already has TTL on
 * `expiresAt`, point-in-time recovery, encryption and alarms, and the webhook
 * already writes IDEMPOTENCY# items there; a distinct PK prefix keeps the
 * items apart (the ByStatus index ignores them: they have no StatusKey).
 *
 * DynamoDB deletes expired items lazily (often days later), so the condition
 * also lets a put replace an item whose `expiresAt` has passed.
 */
import { AwsClients, type AwsError, type AwsTarget } from "@miyabi/aws-runtime"
import { Clock, Duration, Effect, Layer } from "effect"
import { DeliveryStore, DeliveryStoreError, type DeliveryStoreShape } from "../intake/DeliveryStore.js"
import { expiresAtSeconds, N, S, TTL_ATTRIBUTE } from "./DynamoItems.js"
import * as DynamoTable from "./DynamoTable.js"

export const deliveryKey = (deliveryId: string) => ({ PK: S(`DELIVERY#${deliveryId}`), SK: S("DELIVERY") })

const unavailable = (operation: "remember" | "forget") => (error: AwsError) =>
  new DeliveryStoreError({ reason: "Unavailable", operation, detail: error.message })

export const make = (tableName: string, target: AwsTarget = {}): Effect.Effect<DeliveryStoreShape, never, AwsClients.AwsClients> =>
  Effect.map(DynamoTable.make(tableName, target), (table) => {
    const remember: DeliveryStoreShape["remember"] = (deliveryId, ttl) =>
      Effect.flatMap(Clock.currentTimeMillis, (now) =>
        table
          .putIf({
            Item: { ...deliveryKey(deliveryId), receivedAt: N(now), [TTL_ATTRIBUTE]: N(expiresAtSeconds(now, Duration.toMillis(ttl))) },
            ConditionExpression: "attribute_not_exists(PK) OR #expiresAt <= :now",
            ExpressionAttributeNames: { "#expiresAt": TTL_ATTRIBUTE },
            ExpressionAttributeValues: { ":now": N(Math.floor(now / 1000)) }
          })
          .pipe(Effect.mapError(unavailable("remember")))
      ).pipe(Effect.withSpan("DeliveryStore.remember", { attributes: { delivery: deliveryId }, captureStackTrace: false }))

    const forget: DeliveryStoreShape["forget"] = (deliveryId) =>
      table.delete({ Key: deliveryKey(deliveryId) }).pipe(
        Effect.mapError(unavailable("forget")),
        Effect.withSpan("DeliveryStore.forget", { attributes: { delivery: deliveryId }, captureStackTrace: false })
      )
    return { remember, forget }
  })

/** The replay guard in `tableName` over the AwsClients in context. */
export const layer = (tableName: string, target: AwsTarget = {}): Layer.Layer<DeliveryStore, never, AwsClients.AwsClients> =>
  Layer.effect(DeliveryStore, make(tableName, target))
