/**
 * The estate's DynamoDB tables as DynamoDB's own CreateTable requests, so a
 * test or the sandbox can create them in dynalite (which holds schemas and
 * items, not the estate's billing or size) through the wire protocol.
 *
 * The sandbox runs one dynalite per account and region: `Sandbox.start({
 * dynamodb: { estateTables: true } })` creates each place's tables there on
 * its first request (see Dynamo.ts); a test may instead create one place's
 * tables itself, signed as that account in that region. dynalite ignores
 * CreateTable's `Tags`: follow with TagResource.
 */
import type { DynamoTable } from "./DynamoTable.js"
import type { EstateData } from "./EstateData.js"

export interface CreateTableRequest {
  readonly TableName: string
  // Mutable arrays, fresh per call, so the request goes to the SDK's command as is.
  readonly AttributeDefinitions: Array<{ readonly AttributeName: string; readonly AttributeType: "S" }>
  readonly KeySchema: Array<{ readonly AttributeName: string; readonly KeyType: "HASH" | "RANGE" }>
  readonly BillingMode: "PROVISIONED" | "PAY_PER_REQUEST"
  readonly ProvisionedThroughput?: { readonly ReadCapacityUnits: number; readonly WriteCapacityUnits: number }
  readonly Tags?: Array<{ readonly Key: string; readonly Value: string }>
}

export const createTableRequest = (table: DynamoTable): CreateTableRequest => {
  const keys = table.rangeKey === undefined ? [table.hashKey] : [table.hashKey, table.rangeKey]
  const tags = Object.entries(table.tags).map(([Key, Value]) => ({ Key, Value }))
  return {
    TableName: table.name,
    AttributeDefinitions: keys.map((AttributeName) => ({ AttributeName, AttributeType: "S" as const })),
    KeySchema: keys.map((AttributeName, k) => ({ AttributeName, KeyType: k === 0 ? ("HASH" as const) : ("RANGE" as const) })),
    BillingMode: table.billingMode,
    ...(table.billingMode === "PROVISIONED" ? { ProvisionedThroughput: { ReadCapacityUnits: table.readCapacityUnits ?? 5, WriteCapacityUnits: table.writeCapacityUnits ?? 5 } } : {}),
    ...(tags.length === 0 ? {} : { Tags: tags })
  }
}

/** The tables of one account and region, in estate order. */
export const tablesIn = (data: EstateData, accountId: string, region: string): ReadonlyArray<DynamoTable> =>
  data.tables.filter((t) => t.accountId === accountId && t.region === region)
