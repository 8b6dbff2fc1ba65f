import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  ListTagsOfResourceCommand,
  PutItemCommand,
  ScanCommand,
  TagResourceCommand
} from "@aws-sdk/client-dynamodb"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { internalRequest, placeArns, startDynamo } from "./Dynamo.js"
import { tablesIn } from "./estate/EstateTables.js"
import { sandboxEstate } from "./estate/SandboxEstate.js"
import { type SandboxHandle, start } from "./Sandbox.js"
import { call, callError } from "./testing/SdkCalls.js"

const MANAGEMENT = "111111111111"
const MEMBER = "222222222222"

const orders = {
  TableName: "orders",
  AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" as const }, { AttributeName: "status", AttributeType: "S" as const }],
  KeySchema: [{ AttributeName: "pk", KeyType: "HASH" as const }],
  GlobalSecondaryIndexes: [{ IndexName: "by-status", KeySchema: [{ AttributeName: "status", KeyType: "HASH" as const }], Projection: { ProjectionType: "ALL" as const } }],
  BillingMode: "PAY_PER_REQUEST" as const
}

/** A client acting for `accountId` in `region`: the management keys for the management account, AssumeRole'd keys otherwise. */
const clientFor = (sandbox: SandboxHandle, accountId: string, region: string) =>
  new DynamoDBClient({
    endpoint: sandbox.endpoint,
    region,
    credentials: accountId === sandbox.accountId ? sandbox.credentials : sandbox.credentialsFor(accountId),
    maxAttempts: 1
  })

describe("DynamoDB per account and region", () => {
  it.scoped("the same table name in two accounts and two regions is four tables, each with its own items and ARNs", () =>
    Effect.gen(function* () {
      const sandbox = yield* start()
      const places = [
        { accountId: MANAGEMENT, region: "us-east-1" },
        { accountId: MANAGEMENT, region: "eu-west-1" },
        { accountId: MEMBER, region: "us-east-1" },
        { accountId: MEMBER, region: "eu-west-1" }
      ]
      for (const { accountId, region } of places) {
        const ddb = clientFor(sandbox, accountId, region)
        const created = yield* call(() => ddb.send(new CreateTableCommand(orders)))
        expect(created.TableDescription?.TableArn).toBe(`arn:aws:dynamodb:${region}:${accountId}:table/orders`)
        yield* call(() => ddb.send(new PutItemCommand({ TableName: "orders", Item: { pk: { S: "o-1" }, status: { S: "open" }, where: { S: `${accountId}/${region}` } } })))
      }
      // Only the member's us-east-1 table has a second item.
      yield* call(() => clientFor(sandbox, MEMBER, "us-east-1").send(new PutItemCommand({ TableName: "orders", Item: { pk: { S: "o-2" }, status: { S: "open" } } })))

      for (const { accountId, region } of places) {
        const ddb = clientFor(sandbox, accountId, region)
        const got = yield* call(() => ddb.send(new GetItemCommand({ TableName: "orders", Key: { pk: { S: "o-1" } } })))
        expect(got.Item?.["where"]).toEqual({ S: `${accountId}/${region}` })
        const scanned = yield* call(() => ddb.send(new ScanCommand({ TableName: "orders" })))
        expect(scanned.Count).toBe(accountId === MEMBER && region === "us-east-1" ? 2 : 1)
        const { Table } = yield* call(() => ddb.send(new DescribeTableCommand({ TableName: "orders" })))
        expect(Table?.TableArn).toBe(`arn:aws:dynamodb:${region}:${accountId}:table/orders`)
        expect(Table?.GlobalSecondaryIndexes?.map((i) => i.IndexArn)).toEqual([`arn:aws:dynamodb:${region}:${accountId}:table/orders/index/by-status`])
      }
      // The log says who acted where.
      expect(sandbox.log.changes().filter((c) => c.operation === "CreateTable").map((c) => `${c.accountId}/${c.region}`)).toEqual(places.map((p) => `${p.accountId}/${p.region}`))
    }))

  it.scoped("ListTables lists only the caller's account and region; another place's table is not found", () =>
    Effect.gen(function* () {
      const sandbox = yield* start()
      const management = clientFor(sandbox, MANAGEMENT, "us-east-1")
      const member = clientFor(sandbox, MEMBER, "us-east-1")
      const memberWest = clientFor(sandbox, MEMBER, "us-west-2")
      const create = (ddb: DynamoDBClient, TableName: string) =>
        call(() => ddb.send(new CreateTableCommand({ TableName, AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" })))
      yield* create(management, "shared")
      yield* create(management, "mgmt-only")
      yield* create(member, "shared")
      yield* create(member, "member-only")
      yield* create(memberWest, "west-only")

      const names = (ddb: DynamoDBClient) => Effect.map(call(() => ddb.send(new ListTablesCommand({}))), (out) => out.TableNames)
      expect(yield* names(management)).toEqual(["mgmt-only", "shared"])
      expect(yield* names(member)).toEqual(["member-only", "shared"])
      expect(yield* names(memberWest)).toEqual(["west-only"])
      expect(yield* names(clientFor(sandbox, MANAGEMENT, "ap-northeast-1"))).toEqual([])

      const missing = yield* callError(() => management.send(new DescribeTableCommand({ TableName: "member-only" })))
      expect((missing as Error).name).toBe("ResourceNotFoundException")
      expect(sandbox.log.requests().at(-1)).toMatchObject({ operation: "DescribeTable", accountId: MANAGEMENT, errorCode: "ResourceNotFoundException" })

      // Tags by ARN reach only the caller's own table of that name, never another place's.
      const tag = (ddb: DynamoDBClient, ResourceArn: string) => callError(() => ddb.send(new TagResourceCommand({ ResourceArn, Tags: [{ Key: "k", Value: "v" }] })))
      expect(yield* tag(member, `arn:aws:dynamodb:us-east-1:${MEMBER}:table/shared`)).toBeUndefined()
      expect(((yield* tag(management, `arn:aws:dynamodb:us-east-1:${MEMBER}:table/shared`)) as Error).name).toBe("AccessDeniedException")
      expect(((yield* tag(member, `arn:aws:dynamodb:us-west-2:${MEMBER}:table/shared`)) as Error).name).toBe("ResourceNotFoundException")
      const tagsOf = (ddb: DynamoDBClient, ResourceArn: string) => Effect.map(call(() => ddb.send(new ListTagsOfResourceCommand({ ResourceArn }))), (out) => out.Tags)
      expect(yield* tagsOf(member, `arn:aws:dynamodb:us-east-1:${MEMBER}:table/shared`)).toEqual([{ Key: "k", Value: "v" }])
      expect(yield* tagsOf(management, `arn:aws:dynamodb:us-east-1:${MANAGEMENT}:table/shared`)).toEqual([])
    }))

  it.scoped("seeds the estate's tables, with their tags, each in its own account and region when asked", () =>
    Effect.gen(function* () {
      const estate = sandboxEstate({ seed: 7, size: "small", resources: 3_000, accounts: 3 })
      const placesWithTables = [...new Set(estate.data.tables.map((t) => `${t.accountId}/${t.region}`))]
      expect(placesWithTables.length).toBeGreaterThan(1)
      // Both billing modes are seeded, so the billing mode read back below is checked for each.
      expect([...new Set(estate.data.tables.map((t) => t.billingMode))].sort()).toEqual(["PAY_PER_REQUEST", "PROVISIONED"])
      const sandbox = yield* start({ estate, dynamodb: { estateTables: true } })
      for (const key of placesWithTables) {
        const [accountId = "", region = ""] = key.split("/")
        const ddb = clientFor(sandbox, accountId, region)
        const tables = tablesIn(estate.data, accountId, region)
        const listed = yield* call(() => ddb.send(new ListTablesCommand({})))
        expect(listed.TableNames).toEqual(tables.map((t) => t.name).sort())
        for (const t of tables) {
          const { Table } = yield* call(() => ddb.send(new DescribeTableCommand({ TableName: t.name })))
          expect(Table?.TableArn).toBe(`arn:aws:dynamodb:${region}:${accountId}:table/${t.name}`)
          expect(Table?.BillingModeSummary?.BillingMode ?? "PROVISIONED").toBe(t.billingMode)
          const tags = yield* call(() => ddb.send(new ListTagsOfResourceCommand({ ResourceArn: Table?.TableArn ?? "" })))
          expect(Object.fromEntries((tags.Tags ?? []).map((x) => [x.Key, x.Value]))).toEqual(t.tags)
        }
      }
      // A place of the estate without tables starts empty; seeding is not logged as a caller's change.
      const empty = estate.data.regions.find((r) => !placesWithTables.includes(`${sandbox.accountId}/${r}`))
      if (empty === undefined) throw new Error("every region of the estate has tables")
      expect((yield* call(() => clientFor(sandbox, sandbox.accountId, empty).send(new ListTablesCommand({})))).TableNames).toEqual([])
      expect(sandbox.log.changes()).toEqual([])
    }))

  it.scoped("refuses one place past maxPlaces with a clear error, and keeps serving the places it has", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: { maxPlaces: 2 } })
      yield* call(() => clientFor(sandbox, MANAGEMENT, "us-east-1").send(new ListTablesCommand({})))
      yield* call(() => clientFor(sandbox, MEMBER, "us-east-1").send(new ListTablesCommand({})))
      const refused = yield* callError(() => clientFor(sandbox, MEMBER, "eu-west-1").send(new ListTablesCommand({})))
      expect((refused as Error).name).toBe("SandboxPlaceLimitExceeded")
      expect((refused as Error).message).toContain("at most 2 (account, region) places")
      expect((refused as Error).message).toContain(`account ${MEMBER} in eu-west-1`)
      expect((yield* call(() => clientFor(sandbox, MEMBER, "us-east-1").send(new ListTablesCommand({})))).TableNames).toEqual([])
    }))

  it.scoped("concurrent first requests for one place share one dynalite", () =>
    Effect.gen(function* () {
      const sandbox = yield* start()
      const ddb = clientFor(sandbox, MEMBER, "eu-central-1")
      const outcomes = yield* Effect.forEach(
        Array.from({ length: 8 }, () => ddb),
        (client) => callError(() => client.send(new CreateTableCommand({ TableName: "once", AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }))),
        { concurrency: "unbounded" }
      )
      // One dynalite saw all eight: one created the table, seven found it in use.
      expect(outcomes.filter((e) => e === undefined)).toHaveLength(1)
      expect(outcomes.filter((e) => (e as Error | undefined)?.name === "ResourceInUseException")).toHaveLength(7)
      expect((yield* call(() => ddb.send(new ListTablesCommand({})))).TableNames).toEqual(["once"])
    }))

  it.effect("every place's dynalite is closed with the scope it was started in", () =>
    Effect.gen(function* () {
      const scope = yield* Scope.make()
      const proxy = yield* Scope.extend(startDynamo(), scope)
      const places = [{ accountId: MANAGEMENT, region: "us-east-1" }, { accountId: MEMBER, region: "us-west-2" }]
      for (const place of places) expect((yield* proxy(internalRequest("ListTables", {}, place), place)).status).toBe(200)
      yield* Scope.close(scope, Exit.void)
      for (const place of places) {
        const after = yield* proxy(internalRequest("ListTables", {}, place), place)
        expect(after.status).toBe(500)
        expect(String(after.body)).toContain("ECONNREFUSED")
      }
    }))

  it("rewrites only ARN-valued keys, never item data", () => {
    const body = JSON.stringify({
      Table: { TableArn: "arn:aws:dynamodb:us-east-1:000000000000:table/t", LatestStreamArn: "arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/x" },
      Item: { TableArn: { S: "arn:aws:dynamodb:us-east-1:000000000000:table/t" }, list: { L: [{ S: "arn:aws:dynamodb:us-east-1:000000000000:table/u" }] } }
    })
    const out = placeArns({ status: 200, headers: { "x-amz-crc32": "0" }, body }, { accountId: MEMBER, region: "eu-west-1" })
    const parsed = JSON.parse(String(out.body)) as { Table: Record<string, string>; Item: unknown }
    expect(parsed.Table).toEqual({ TableArn: `arn:aws:dynamodb:eu-west-1:${MEMBER}:table/t`, LatestStreamArn: `arn:aws:dynamodb:eu-west-1:${MEMBER}:table/t/stream/x` })
    expect(parsed.Item).toEqual(JSON.parse(body).Item)
    expect(out.headers?.["x-amz-crc32"]).not.toBe("0")
    const untouched = { status: 200, body: JSON.stringify({ TableNames: ["a"] }) }
    expect(placeArns(untouched, { accountId: MEMBER, region: "eu-west-1" })).toBe(untouched)
  })
})
