/**
 * One table's calls on dynalite behind the sandbox: exists/create (a second
 * create is not an error), conditional puts answering false instead of
 * failing, and a query walked past its first page.
 */
import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb"
import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, useSandboxEnv } from "@miyabi/sandbox"
import { Chunk, Effect, Layer, Stream } from "effect"
import { runtimeSettings } from "../../test/aws/SandboxQueue.js"
import { N, S } from "./DynamoItems.js"
import * as DynamoTable from "./DynamoTable.js"

const KEYS: Omit<CreateTableCommandInput, "TableName"> = {
  BillingMode: "PAY_PER_REQUEST",
  AttributeDefinitions: [
    { AttributeName: "PK", AttributeType: "S" },
    { AttributeName: "SK", AttributeType: "S" }
  ],
  KeySchema: [
    { AttributeName: "PK", KeyType: "HASH" },
    { AttributeName: "SK", KeyType: "RANGE" }
  ]
}

const table = Effect.gen(function* () {
  const sandbox = yield* Sandbox.start({})
  yield* useSandboxEnv(sandbox)
  // Built in the test's scope: the clients live until the test ends.
  const runtime = yield* Layer.build(AwsRuntime.layer(runtimeSettings))
  return yield* DynamoTable.make("table-test").pipe(Effect.provide(runtime))
})

describe("DynamoTable", () => {
  it.scoped("creates the table once: exists turns true, a second create answers false", () =>
    Effect.gen(function* () {
      const t = yield* table
      expect(yield* t.exists).toBe(false)
      expect(yield* t.create(KEYS)).toBe(true)
      expect(yield* t.exists).toBe(true)
      expect(yield* t.create(KEYS)).toBe(false)
    })
  )

  it.scoped("putIf writes once and then answers false; delete removes; query walks every page", () =>
    Effect.gen(function* () {
      const t = yield* table
      yield* t.create(KEYS)
      const key = { PK: S("K#1"), SK: S("A") }
      expect(yield* t.putIf({ Item: { ...key, n: N(1) }, ConditionExpression: "attribute_not_exists(PK)" })).toBe(true)
      expect(yield* t.putIf({ Item: { ...key, n: N(2) }, ConditionExpression: "attribute_not_exists(PK)" })).toBe(false)
      expect((yield* t.get({ Key: key, ConsistentRead: true })).Item?.["n"]).toEqual(N(1))
      yield* t.delete({ Key: key })
      expect((yield* t.get({ Key: key, ConsistentRead: true })).Item).toBeUndefined()

      yield* Effect.forEach([1, 2, 3, 4, 5], (n) => t.put({ Item: { PK: S("K#2"), SK: S(`S#${n}`) } }), { discard: true })
      const pages = yield* t
        .query({ KeyConditionExpression: "PK = :pk", ExpressionAttributeValues: { ":pk": S("K#2") }, Limit: 2 })
        .pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
      expect(pages.length).toBeGreaterThanOrEqual(3)
      expect(pages.flatMap((page) => page.items.map((item) => item["SK"]?.S))).toEqual(["S#1", "S#2", "S#3", "S#4", "S#5"])
    })
  )
})
