/**
 * The DynamoDB tenancy store against the sandbox's DynamoDB (dynalite, in
 * process on 127.0.0.1) through the real client: the shared contract, plus
 * what is its own (one table shared by several layers, versioned saves, a
 * second writer refused, stale versions deleted, paging).
 */
import { type AttributeValue, CreateTableCommand, PutItemCommand, QueryCommand, type QueryCommandInput } from "@aws-sdk/client-dynamodb"
import { describe, expect, it } from "@effect/vitest"
import { AwsClients, AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, useSandboxEnv } from "@miyabi/sandbox"
import { Customer, CustomerId } from "@miyabi/types"
import { Duration, Effect, Layer } from "effect"
import { TenancyState, TenancyStore, type TenancyStoreOptions } from "../tenancy/TenancyStore.js"
import { placedTwo, tenancyStoreContract } from "../tenancy/TenancyStoreContract.js"
import { DynamoDb } from "./DynamoApplyJournal.js"
import * as DynamoTenancyStore from "./DynamoTenancyStore.js"

const runtime = AwsRuntime.layer({ rateLimits: { dynamodb: { perSecond: 1_000, burst: 1_000 } }, region: "us-east-1", sessionUser: "test", sessionPurpose: "account-factory", retryBaseDelay: Duration.millis(1), retryMaxDelay: Duration.millis(5) })
let tables = 0

const createTable = (name: string) =>
  Effect.flatMap(AwsClients.AwsClients, (aws) =>
    aws.call(
      DynamoDb,
      {},
      new CreateTableCommand({
        TableName: name,
        BillingMode: "PAY_PER_REQUEST",
        AttributeDefinitions: [{ AttributeName: "PK", AttributeType: "S" }, { AttributeName: "SK", AttributeType: "S" }],
        KeySchema: [{ AttributeName: "PK", KeyType: "HASH" }, { AttributeName: "SK", KeyType: "RANGE" }]
      })
    )
  ).pipe(Effect.orDie)

/** A sandbox with a fresh platform table (string PK and SK, as the queue provisions it), the store on it, and the AWS clients. */
const onSandbox = (options: TenancyStoreOptions, table = `miyabi-tasks-${++tables}`) =>
  Layer.unwrapScoped(
    Effect.gen(function* () {
      const handle = yield* Sandbox.start({ dynamodb: true })
      yield* useSandboxEnv(handle)
      return Layer.effectDiscard(createTable(table)).pipe(Layer.provideMerge(DynamoTenancyStore.layer(table, options)), Layer.provideMerge(runtime))
    })
  )

/** The SKs of the state partition, every page (at most 20). */
const stateItems = (table: string) =>
  Effect.gen(function* () {
    const aws = yield* AwsClients.AwsClients
    const keys: Array<string> = []
    let start: Record<string, AttributeValue> | undefined = undefined
    for (let page = 0; page < 20; page++) {
      const input: QueryCommandInput = { TableName: table, KeyConditionExpression: "PK = :pk", ExpressionAttributeValues: { ":pk": { S: "TENANCY" } }, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }
      const out = yield* aws.call(DynamoDb, {}, new QueryCommand(input))
      keys.push(...(out.Items ?? []).map((item) => item["SK"]?.S ?? ""))
      start = out.LastEvaluatedKey
      if (start === undefined) break
    }
    return keys
  })

describe("TenancyStore on DynamoDB (sandbox)", () => {
  tenancyStoreContract((options) => onSandbox(options))

  it.scoped("a second layer on the same table reads state and history; older versions are deleted; 4,400 customers (over 1 MB) read back across pages", () =>
    Effect.gen(function* () {
      const store = yield* TenancyStore
      yield* store.save(placedTwo)
      const many = new TenancyState({ ...placedTwo, customers: Array.from({ length: 4_400 }, (_, i) => new Customer({ id: CustomerId.make(`c${i}`), name: `Customer ${i} ${"x".repeat(240)}` })) })
      yield* store.save(many)
      const again = yield* Effect.provide(
        Effect.flatMap(TenancyStore, (other) => Effect.all([other.load(), other.history(CustomerId.make("a"))])),
        DynamoTenancyStore.layer("shared-table")
      )
      expect(again[0]).toEqual(many)
      expect(again[1].map((event) => [event.kind, event.actor])).toEqual([["placed", "bob"]])
      const keys = yield* stateItems("shared-table")
      // HEAD plus one version: 4,400 customers, 1 pool, 2 placements
      expect(keys.filter((key) => key !== "HEAD").map((key) => key.split("#")[1])).toEqual(Array.from({ length: 4_403 }, () => keys.find((key) => key !== "HEAD")!.split("#")[1]))
      expect(keys).toContain("HEAD")
    }).pipe(Effect.provide(onSandbox({ actor: "bob" }, "shared-table"))), 30_000)

  it.scoped("a half-written save is invisible and swept by the next save; load reads only the version HEAD names", () =>
    Effect.gen(function* () {
      const table = "half-table"
      const store = yield* TenancyStore
      const aws = yield* AwsClients.AwsClients
      yield* store.save(placedTwo)
      // What a save killed before its HEAD flip leaves behind: items of a version no HEAD names.
      yield* aws.call(DynamoDb, {}, new PutItemCommand({ TableName: table, Item: { PK: { S: "TENANCY" }, SK: { S: "STATE#killed#CUSTOMER#000000" }, kind: { S: "CUSTOMER" }, body: { S: "{}" } } }))
      expect(yield* store.load()).toEqual(placedTwo)
      // Another writer moves HEAD on; this one saves next and sweeps the leftover away.
      const next = new TenancyState({ ...placedTwo, placements: placedTwo.placements.slice(0, 1) })
      yield* store.save(next)
      expect((yield* stateItems(table)).some((key) => key.includes("killed"))).toBe(false)
      expect(yield* store.load()).toEqual(next)
      // HEAD is the only pointer: moved to a version with no items, the state reads empty.
      yield* aws.call(DynamoDb, {}, new PutItemCommand({ TableName: table, Item: { PK: { S: "TENANCY" }, SK: { S: "HEAD" }, version: { S: "elsewhere" } } }))
      expect(yield* store.load()).toEqual(new TenancyState({ customers: [], pools: [], placements: [], departed: [], deletions: [] }))
    }).pipe(Effect.provide(onSandbox({}, "half-table"))), 30_000)
})
