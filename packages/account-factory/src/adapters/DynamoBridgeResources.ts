/**
 * Bridge customers' dedicated DynamoDB tables, created in the bridge account
 * (AwsClients assumes the platform's role there). Idempotent: an existing
 * table is found with DescribeTable and gets its tags set again; a create
 * that races another (ResourceInUseException) reads the table instead.
 */
import { CreateTableCommand, DescribeTableCommand, TagResourceCommand } from "@aws-sdk/client-dynamodb"
import { AwsClients, type AwsError } from "@miyabi/aws-runtime"
import { Effect, Layer } from "effect"
import { BridgeProvisioner, BridgeResourceError, type BridgeProvisionerShape, type BridgeResource } from "../tenancy/BridgeResources.js"
import { DynamoDb } from "./DynamoApplyJournal.js"

const tagList = (tags: Readonly<Record<string, string>>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))

export const make: Effect.Effect<BridgeProvisionerShape, never, AwsClients.AwsClients> = Effect.gen(function* () {
  const aws = yield* AwsClients.AwsClients
  const failure = (resource: BridgeResource) => (error: AwsError) =>
    new BridgeResourceError({ reason: "Unavailable", resource: `${resource.accountId}/${resource.name}`, detail: error.message })

  const ensure: BridgeProvisionerShape["ensure"] = (resource) => {
    const target = { account: resource.accountId }
    const describe = Effect.map(aws.call(DynamoDb, target, new DescribeTableCommand({ TableName: resource.name })), (out) => out.Table?.TableArn ?? "")
    const create = aws
      .call(
        DynamoDb,
        target,
        new CreateTableCommand({
          TableName: resource.name,
          BillingMode: "PAY_PER_REQUEST",
          AttributeDefinitions: [{ AttributeName: "PK", AttributeType: "S" }, { AttributeName: "SK", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "PK", KeyType: "HASH" }, { AttributeName: "SK", KeyType: "RANGE" }],
          SSESpecification: { Enabled: true },
          Tags: tagList(resource.tags)
        })
      )
      .pipe(
        Effect.map((out) => ({ arn: out.TableDescription?.TableArn ?? "", created: true })),
        Effect.catchIf((error) => error.code === "ResourceInUseException", () => Effect.map(describe, (arn) => ({ arn, created: false })))
      )
    return describe.pipe(
      Effect.tap((arn) => aws.call(DynamoDb, target, new TagResourceCommand({ ResourceArn: arn, Tags: tagList(resource.tags) }))),
      Effect.map((arn) => ({ arn, created: false })),
      Effect.catchIf((error) => error.reason === "NotFound", () => create),
      Effect.map(({ arn, created }) => ({ resource, arn, created })),
      Effect.mapError(failure(resource)),
      Effect.withSpan("DynamoBridgeResources.ensure", { attributes: { table: resource.name, account: resource.accountId } })
    )
  }
  return { ensure }
})

export const layer: Layer.Layer<BridgeProvisioner, never, AwsClients.AwsClients> = Layer.effect(BridgeProvisioner, make)
