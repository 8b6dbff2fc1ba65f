import { CreateTableCommand, TagResourceCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, ListTagsOfResourceCommand } from "@aws-sdk/client-dynamodb"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { start } from "../Sandbox.js"
import { call } from "../testing/SdkCalls.js"
import { busiestPlace } from "./Busiest.testkit.js"
import { createTableRequest, tablesIn } from "./EstateTables.js"
import { sandboxEstate } from "./SandboxEstate.js"

describe("the estate's DynamoDB tables", () => {
  it.scoped("are created in the sandbox's dynalite from their CreateTable requests and read back as the estate has them", () =>
    Effect.gen(function* () {
      const estate = sandboxEstate({ seed: 4, size: "small", resources: 3_000, accounts: 3 })
      const { accountId, region } = busiestPlace(estate.data.tables)
      const tables = tablesIn(estate.data, accountId, region)
      expect(tables.length).toBeGreaterThan(0)
      // Provisioned tables are here, so their throughput below is checked too (on-demand ones: Dynamo.test.ts).
      expect(tables.some((t) => t.billingMode === "PROVISIONED")).toBe(true)
      const sandbox = yield* start({ estate })
      const client = new DynamoDBClient({ endpoint: sandbox.endpoint, region, credentials: sandbox.credentialsFor(accountId) })
      for (const t of tables) {
        const request = createTableRequest(t)
        const { TableDescription } = yield* call(() => client.send(new CreateTableCommand(request)))
        // dynalite ignores CreateTable's Tags; TagResource sets them as AWS would have.
        if (request.Tags !== undefined) yield* call(() => client.send(new TagResourceCommand({ ResourceArn: TableDescription?.TableArn ?? "", Tags: request.Tags })))
      }

      const listed = yield* call(() => client.send(new ListTablesCommand({})))
      expect(listed.TableNames).toEqual(tables.map((t) => t.name).sort())
      for (const t of tables) {
        const { Table } = yield* call(() => client.send(new DescribeTableCommand({ TableName: t.name })))
        expect(Table?.BillingModeSummary?.BillingMode ?? "PROVISIONED").toBe(t.billingMode)
        if (t.billingMode === "PROVISIONED") expect(Table?.ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: t.readCapacityUnits, WriteCapacityUnits: t.writeCapacityUnits })
        expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(t.rangeKey === undefined ? [t.hashKey] : [t.hashKey, t.rangeKey])
        const tags = yield* call(() => client.send(new ListTagsOfResourceCommand({ ResourceArn: Table?.TableArn ?? "" })))
        expect(Object.fromEntries((tags.Tags ?? []).map((x) => [x.Key, x.Value]))).toEqual(t.tags)
      }
    }))
})
