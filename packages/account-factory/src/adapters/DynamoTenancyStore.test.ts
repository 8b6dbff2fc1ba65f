/**
 * The DynamoDB tenancy store against the sandbox's DynamoDB (dynalite, in
 * process on 127.0.0.1) through the real client: the shared contract, plus
 * what is its own (one table shared by several layers, versioned saves, a
 * save killed at each of its calls, a second writer refused, stale versions
 * deleted, paging, the layout before the commit log).
 */
import { type AttributeValue, CreateTableCommand, PutItemCommand, QueryCommand, type QueryCommandInput } from "@aws-sdk/client-dynamodb"
import { describe, expect, it } from "@effect/vitest"
import { AwsClients, type AwsClientsShape, AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, useSandboxEnv } from "@miyabi/sandbox"
import { Customer, CustomerId, Placement } from "@miyabi/types"
import { Duration, Effect, Exit, Layer, Schema, type Scope } from "effect"
import { emptyTenancyState, memory, PlacementEvent, TenancyState, TenancyStore, type TenancyStoreOptions, type TenancyStoreShape } from "../tenancy/TenancyStore.js"
import { placedTwo, placement, POOL, SILO, tenancyStoreContract } from "../tenancy/TenancyStoreContract.js"
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
      // Two commits, and one version's items: 4,400 customers, 1 pool, 2 placements
      expect(keys.filter((key) => key.startsWith("COMMIT#"))).toEqual(["COMMIT#000000000001", "COMMIT#000000000002"])
      const versions = keys.filter((key) => key.startsWith("STATE#")).map((key) => key.split("#").slice(0, 3).join("#"))
      expect(versions).toHaveLength(4_403)
      expect(new Set(versions).size).toBe(1)
      expect(versions[0]).toMatch(/^STATE#000000000002#/)
    }).pipe(Effect.provide(onSandbox({ actor: "bob" }, "shared-table"))), 30_000)

  it.scoped("killed before or after any one of its calls, a save leaves the old state and its history, or the new state with all its events; the next saves complete cleanly", () =>
    Effect.gen(function* () {
      const aws = yield* AwsClients.AwsClients
      const at = () => new Date("2026-11-05T00:00:00.000Z")
      // The clean run: which calls a save makes, and which one is its commit.
      const clean = yield* Effect.flatMap(freshTable, (table) => runKilled(aws, table, at, () => false))
      expect(clean.calls.filter((name) => name === "BatchWriteItemCommand").length).toBeGreaterThanOrEqual(3)
      const commitAt = clean.calls.indexOf("PutItemCommand")
      expect(commitAt).toBeGreaterThan(0)
      let killed = 0
      for (const when of ["before", "after"] as const) {
        for (let call = 0; call < clean.calls.length; call++) {
          const table = yield* freshTable
          const run = yield* runKilled(aws, table, at, (n, moment) => n === call && moment === when)
          expect(Exit.isSuccess(run.exit), `${when} call ${call}`).toBe(false)
          killed++
          const committed = call > commitAt || (call === commitAt && when === "after")
          const store = yield* DynamoTenancyStore.make(table, { now: at })
          // Exactly one of the two states, with exactly its history (the memory driver given the same saves is the oracle).
          yield* expectSame(store, yield* oracle(committed ? [placedTwo, moved] : [placedTwo]), `${when} call ${call}`)
          // A later save (and one more) by another process completes cleanly.
          const later = new TenancyState({ ...moved, placements: [...moved.placements.filter((p) => p.customerId !== "c"), placement("c", "Silo", SILO)] })
          yield* store.save(later)
          yield* store.save(new TenancyState({ ...later, customers: later.customers.slice(0, 3) }))
          yield* expectSame(store, yield* oracle([placedTwo, ...(committed ? [moved] : []), later, new TenancyState({ ...later, customers: later.customers.slice(0, 3) })]), `${when} call ${call}, saved again`)
          const keys = yield* stateItems(table)
          expect(new Set(keys.filter((key) => key.startsWith("STATE#")).map((key) => key.split("#").slice(0, 3).join("#"))).size, `${when} call ${call}`).toBe(1)
          expect(keys).not.toContain("HEAD")
        }
      }
      expect(killed).toBe(2 * clean.calls.length)
    }).pipe(Effect.provide(onSandbox({}))), 60_000)

  onTable("of two writers that read the same state, the second to commit is refused: its events never show and its items are deleted", (aws, table) =>
    Effect.gen(function* () {
      const other = yield* DynamoTenancyStore.make(table, { actor: "other" })
      yield* other.save(placedTwo)
      // Writer one is about to commit when the other writer saves.
      const raced = intercepted(aws, (_n, moment, name) => (moment === "before" && name === "PutItemCommand" ? Effect.orDie(other.save(moved)) : Effect.void))
      const one = yield* Effect.provideService(DynamoTenancyStore.make(table, { actor: "one" }), AwsClients.AwsClients, raced.aws)
      const error = yield* Effect.flip(one.save(new TenancyState({ ...placedTwo, placements: [placement("a", "Silo", SILO)] })))
      expect([error.reason, error.detail]).toEqual(["Unwritable", "another writer saved the tenancy state in between; load and save again"])
      expect(yield* other.load()).toEqual(moved)
      expect((yield* other.history(CustomerId.make("a"))).map((event) => [event.kind, event.actor])).toEqual([["placed", "other"], ["moved", "other"]])
      expect((yield* other.history(CustomerId.make("b"))).map((event) => [event.kind, event.actor])).toEqual([["placed", "other"], ["offboarded", "other"]])
      expect((yield* eventItems(table, "a")).length).toBe(2)
      expect(new Set((yield* stateItems(table)).filter((key) => key.startsWith("STATE#")).map((key) => key.split("#")[1])).size).toBe(1)
    }))

  onTable("a commit whose answer was lost and that the runtime sent again (finding its own item) is a saved state, not a refusal", (aws, table) =>
    Effect.gen(function* () {
      // Every conditional put lands, and then lands again as a retry would: the second answer is ConditionalCheckFailed.
      const twice: AwsClientsShape["call"] = (descriptor, target, command, options) =>
        command.constructor.name === "PutItemCommand"
          ? Effect.zipRight(aws.call(descriptor, target, command, options), aws.call(descriptor, target, command, options))
          : aws.call(descriptor, target, command, options)
      const store = yield* Effect.provideService(DynamoTenancyStore.make(table), AwsClients.AwsClients, { ...aws, call: twice })
      yield* store.save(placedTwo)
      yield* store.save(moved)
      expect(yield* store.load()).toEqual(moved)
      expect((yield* store.history(CustomerId.make("b"))).map((event) => event.kind)).toEqual(["placed", "offboarded"])
    }))

  onTable("a load that read a commit whose items a save then deleted reads again (never a partial or empty state)", (aws, table) =>
    Effect.gen(function* () {
      const other = yield* DynamoTenancyStore.make(table)
      yield* other.save(moved)
      // Between reading the newest commit (call 0) and its items (call 1), another writer commits and deletes them.
      const racing = intercepted(aws, (n, moment) => (n === 1 && moment === "before" ? Effect.orDie(other.save(placedTwo)) : Effect.void))
      const reader = yield* Effect.provideService(DynamoTenancyStore.make(table), AwsClients.AwsClients, racing.aws)
      expect(yield* reader.load()).toEqual(placedTwo)
      expect(racing.calls).toEqual(["QueryCommand", "QueryCommand", "QueryCommand", "QueryCommand"])
    }))

  onTable("reads a table written before the commit log (HEAD, STATE#<version>, events without seq), and its first save replaces that layout", (aws, table) =>
    Effect.gen(function* () {
      const put = (item: Record<string, AttributeValue>) => Effect.orDie(aws.call(DynamoDb, {}, new PutItemCommand({ TableName: table, Item: item })))
      const legacy = placedTwo.customers.map((c, n) => ({ kind: "CUSTOMER", n, body: Schema.encodeSync(Schema.parseJson(Customer))(c) }))
        .concat(placedTwo.placements.map((p, n) => ({ kind: "PLACEMENT", n, body: Schema.encodeSync(Schema.parseJson(Placement))(p) })))
      yield* put({ PK: { S: "TENANCY" }, SK: { S: "HEAD" }, version: { S: "2026-11-01T00:00:00.000Z-old" } })
      yield* Effect.forEach(legacy, ({ kind, n, body }) => put({ PK: { S: "TENANCY" }, SK: { S: `STATE#2026-11-01T00:00:00.000Z-old#${kind}#${String(n).padStart(6, "0")}` }, kind: { S: kind }, body: { S: body } }))
      const placed = new PlacementEvent({ customerId: CustomerId.make("a"), kind: "placed", at: new Date("2026-11-01T00:00:00.000Z"), actor: "earlier", model: "Pool", accountId: POOL })
      yield* put({ PK: { S: "TENANCY#a" }, SK: { S: "EVENT#2026-11-01T00:00:00.000Z#2026-11-01T00:00:00.000Z-old#0000" }, body: { S: Schema.encodeSync(Schema.parseJson(PlacementEvent))(placed) } })
      const store = yield* DynamoTenancyStore.make(table, { actor: "now" })
      expect(yield* store.load()).toEqual(new TenancyState({ ...placedTwo, pools: [] }))
      expect(yield* store.history(CustomerId.make("a"))).toEqual([placed])
      yield* store.save(moved)
      expect(yield* store.load()).toEqual(moved)
      expect((yield* store.history(CustomerId.make("a"))).map((event) => [event.kind, event.actor])).toEqual([["placed", "earlier"], ["moved", "now"]])
      const keys = yield* stateItems(table)
      expect(keys.filter((key) => key === "HEAD" || key.includes("-old#"))).toEqual([])
      expect(keys.filter((key) => key.startsWith("COMMIT#"))).toEqual(["COMMIT#000000000001"])
    }))

  onTable("an empty store's history ignores events no commit names", (aws, table) =>
    Effect.gen(function* () {
      const store = yield* DynamoTenancyStore.make(table)
      yield* Effect.orDie(aws.call(DynamoDb, {}, new PutItemCommand({ TableName: table, Item: { PK: { S: "TENANCY#a" }, SK: { S: "EVENT#2026-11-01T00:00:00.000Z#000000000001#v#0000" }, seq: { N: "1" }, version: { S: "v" }, body: { S: "{}" } } })))
      expect(yield* store.history(CustomerId.make("a"))).toEqual([])
      expect(yield* store.load()).toEqual(emptyTenancyState())
    }))
})

/** a moves to a silo, b leaves, c arrives; 40 more customers, so the state takes more than one batch write. */
const moved = new TenancyState({
  ...placedTwo,
  customers: [...placedTwo.customers, new Customer({ id: CustomerId.make("c"), name: "Customer c" }), ...Array.from({ length: 40 }, (_, i) => new Customer({ id: CustomerId.make(`x${i}`), name: `Customer x${i}` }))],
  placements: [placement("a", "Silo", SILO), placement("c", "Pool", POOL)],
  departed: [placement("b", "Pool", POOL)]
})

/** A test of its own sandbox, on a fresh table there: the AWS clients and the table's name. */
function onTable(name: string, body: (aws: AwsClientsShape, table: string) => Effect.Effect<void, unknown, AwsClients.AwsClients | TenancyStore | Scope.Scope>) {
  it.scoped(name, () => Effect.flatMap(Effect.zip(AwsClients.AwsClients, freshTable), ([aws, table]) => body(aws, table)).pipe(Effect.provide(onSandbox({}))), 30_000)
}

/** A fresh table in the sandbox, as the queue provisions it. */
const freshTable = Effect.suspend(() => {
  const table = `miyabi-tasks-${++tables}`
  return Effect.as(createTable(table), table)
})

/**
 * The AWS clients with `hook` run before and after each call (numbered from 0, counted when it runs, so a
 * retried batch counts again): a kill is `Effect.interrupt` there, as a process dying at that point.
 */
const intercepted = (aws: AwsClientsShape, hook: (n: number, moment: "before" | "after", name: string) => Effect.Effect<void>) => {
  const calls: Array<string> = []
  const call: AwsClientsShape["call"] = (descriptor, target, command, options) =>
    Effect.suspend(() => {
      const n = calls.length
      const name = command.constructor.name
      calls.push(name)
      return hook(n, "before", name).pipe(Effect.zipRight(aws.call(descriptor, target, command, options)), Effect.tap(() => hook(n, "after", name)))
    })
  return { aws: { ...aws, call }, calls }
}

/** `placedTwo` saved cleanly, then `moved` saved by a process killed where `kill` says. */
const runKilled = (aws: AwsClientsShape, table: string, now: () => Date, kill: (n: number, moment: "before" | "after") => boolean) =>
  Effect.gen(function* () {
    yield* Effect.flatMap(DynamoTenancyStore.make(table, { now }), (store) => store.save(placedTwo))
    const killing = intercepted(aws, (n, moment) => (kill(n, moment) ? Effect.interrupt : Effect.void))
    const exit = yield* Effect.exit(Effect.flatMap(DynamoTenancyStore.make(table, { now }), (store) => store.save(moved)).pipe(Effect.provideService(AwsClients.AwsClients, killing.aws)))
    return { exit, calls: killing.calls }
  })

/** The memory driver after the same saves: the state and every customer's history the DynamoDB store must show. */
const oracle = (saves: ReadonlyArray<TenancyState>) =>
  Effect.provide(Effect.flatMap(TenancyStore, (store) => Effect.as(Effect.forEach(saves, (state) => store.save(state), { discard: true }), store)), memory(undefined, { now: () => new Date("2026-11-05T00:00:00.000Z") }))

const expectSame = (store: TenancyStoreShape, expected: TenancyStoreShape, what: string) =>
  Effect.gen(function* () {
    expect(yield* store.load(), what).toEqual(yield* expected.load())
    for (const id of ["a", "b", "c"]) {
      const events = (history: ReadonlyArray<PlacementEvent>) => history.map((event) => [event.kind, event.model, event.accountId, event.from])
      expect(events(yield* store.history(CustomerId.make(id))), `${what}: history of ${id}`).toEqual(events(yield* expected.history(CustomerId.make(id))))
    }
  })

/** The event items of a customer, shown or not. */
const eventItems = (table: string, customer: string) =>
  Effect.flatMap(AwsClients.AwsClients, (aws) =>
    aws.call(DynamoDb, {}, new QueryCommand({ TableName: table, KeyConditionExpression: "PK = :pk", ExpressionAttributeValues: { ":pk": { S: `TENANCY#${customer}` } } }))
  ).pipe(Effect.map((out) => out.Items ?? []))
