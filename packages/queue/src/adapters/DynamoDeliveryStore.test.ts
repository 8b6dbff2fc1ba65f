/**
 * The webhook replay guard on dynalite (behind the sandbox), in the task
 * table the queue provisions: conditional put of DELIVERY#<id> with a TTL,
 * shared between two store instances (two Lambda containers), and an
 * expired item (still present: DynamoDB deletes lazily) replaced.
 */
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { describe, expect, it } from "@effect/vitest"
import { Context, Effect, Layer, TestClock } from "effect"
import { runtimeSettings, sandboxQueue } from "../../test/aws/SandboxQueue.js"
import { DeliveryStore } from "../intake/DeliveryStore.js"
import { deliveryKey, layer } from "./DynamoDeliveryStore.js"

const setup = Effect.gen(function* () {
  yield* TestClock.setTime(Date.now())
  const { sandbox, queue } = yield* sandboxQueue()
  const tableName = queue.resources.tableName
  // Two stores with their own clients, as two Lambda containers would have.
  const container = () =>
    Layer.build(layer(tableName).pipe(Layer.provide(AwsRuntime.layer(runtimeSettings)))).pipe(Effect.map((context) => Context.get(context, DeliveryStore)))
  const a = yield* container()
  const b = yield* container()
  const raw = yield* Effect.acquireRelease(
    Effect.sync(() => new DynamoDBClient({ endpoint: sandbox.endpoint, region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } })),
    (client) => Effect.sync(() => client.destroy())
  )
  const item = (id: string) => Effect.promise(() => raw.send(new GetItemCommand({ TableName: tableName, Key: deliveryKey(id), ConsistentRead: true }))).pipe(Effect.map((out) => out.Item))
  return { a, b, item, tableName }
})

describe("DynamoDeliveryStore", () => {
  it.scoped("remembers a delivery id once for every container, with its TTL on the item", () =>
    Effect.gen(function* () {
      const { a, b, item } = yield* setup
      const now = Date.now()
      expect(yield* a.remember("d-1", "72 hours")).toBe(true)
      expect(yield* a.remember("d-1", "72 hours")).toBe(false)
      // Another container sees it too: the replay is refused there as well.
      expect(yield* b.remember("d-1", "72 hours")).toBe(false)
      expect(yield* b.remember("d-2", "72 hours")).toBe(true)
      const stored = yield* item("d-1")
      expect(stored?.["PK"]?.S).toBe("DELIVERY#d-1")
      const expiresAt = Number(stored?.["expiresAt"]?.N)
      expect(expiresAt - Math.floor(Number(stored?.["receivedAt"]?.N) / 1000)).toBe(72 * 3_600)
      expect(Math.abs(expiresAt - Math.floor(now / 1000) - 72 * 3_600)).toBeLessThanOrEqual(5)
    })
  )

  it.scoped("lets a delivery through again once its TTL has passed, though DynamoDB has not deleted the item yet", () =>
    Effect.gen(function* () {
      const { a, b, item } = yield* setup
      expect(yield* a.remember("d-3", "1 hour")).toBe(true)
      yield* TestClock.adjust("59 minutes")
      expect(yield* b.remember("d-3", "1 hour")).toBe(false)
      yield* TestClock.adjust("2 minutes")
      expect(yield* item("d-3")).toBeDefined()
      expect(yield* b.remember("d-3", "1 hour")).toBe(true)
      expect(yield* a.remember("d-3", "1 hour")).toBe(false)
    })
  )

  it.scoped("forgets on request (a delivery the queue could not take may come again)", () =>
    Effect.gen(function* () {
      const { a, b, item } = yield* setup
      expect(yield* a.remember("d-4", "1 hour")).toBe(true)
      yield* b.forget("d-4")
      expect(yield* item("d-4")).toBeUndefined()
      expect(yield* a.remember("d-4", "1 hour")).toBe(true)
    })
  )

  it.scoped("a table that cannot be reached is a DeliveryStoreError, not an answer", () =>
    Effect.gen(function* () {
      yield* sandboxQueue()
      const context = yield* Layer.build(layer("no-such-table").pipe(Layer.provide(AwsRuntime.layer({ ...runtimeSettings, maxAttempts: 1 }))))
      const error = yield* Effect.flip(Context.get(context, DeliveryStore).remember("d-5", "1 hour"))
      expect(error).toMatchObject({ _tag: "DeliveryStoreError", reason: "Unavailable", operation: "remember" })
      expect(error.message).toMatch(/^replay store remember: dynamodb:PutItem .*ResourceNotFoundException/)
    })
  )
})
