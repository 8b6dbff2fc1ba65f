/** DynamoDB tables: billing mode, capacity, size, tags (ListTagsOfResource). */
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand, ListTagsOfResourceCommand, type ListTagsOfResourceCommandInput, type TableDescription } from "@aws-sdk/client-dynamodb"
import { type AwsError, AwsClients, ServiceDescriptor } from "@miyabi/aws-runtime"
import { DynamoDbTableDetails, type Resource } from "@miyabi/types"
import { Chunk, Context, Effect, Layer, Option, Stream } from "effect"
import { collected, type InventoryTarget, makeResource, nonNegativeInt, type ServiceInventory, tagsFromList } from "./Inventory.js"

export const DynamoDb = ServiceDescriptor.make("dynamodb", (config) => new DynamoDBClient(config))

export interface DynamoDbInventoryShape {
  readonly tables: (target: InventoryTarget) => Stream.Stream<Resource, AwsError>
  readonly inventory: ServiceInventory
}

export class DynamoDbInventory extends Context.Tag("@miyabi/aws-agent/DynamoDbInventory")<DynamoDbInventory, DynamoDbInventoryShape>() {}

export const tableResource = (target: InventoryTarget, t: TableDescription, tags: Readonly<Record<string, string>> = {}): Resource => {
  const name = t.TableName ?? ""
  const rcu = nonNegativeInt(t.ProvisionedThroughput?.ReadCapacityUnits)
  const wcu = nonNegativeInt(t.ProvisionedThroughput?.WriteCapacityUnits)
  const items = nonNegativeInt(t.ItemCount)
  const bytes = nonNegativeInt(t.TableSizeBytes)
  const onDemand = t.BillingModeSummary?.BillingMode === "PAY_PER_REQUEST"
  return makeResource({
    id: name,
    arn: t.TableArn ?? `arn:aws:dynamodb:${target.region}:${target.account}:table/${name}`,
    kind: "dynamodb-table",
    name,
    account: target.account,
    region: target.region,
    state: t.TableStatus === "ACTIVE" || t.TableStatus === "UPDATING" ? "running" : t.TableStatus === "CREATING" ? "pending" : t.TableStatus === "DELETING" ? "deleting" : "unknown",
    tags,
    details: DynamoDbTableDetails.make({
      billingMode: onDemand ? "PAY_PER_REQUEST" : "PROVISIONED",
      ...(onDemand || rcu === undefined ? {} : { readCapacityUnits: rcu }),
      ...(onDemand || wcu === undefined ? {} : { writeCapacityUnits: wcu }),
      ...(items === undefined ? {} : { itemCount: items }),
      ...(bytes === undefined ? {} : { sizeBytes: bytes }),
      awsState: t.TableStatus ?? "unknown"
    }, true)
  })
}

export const make: Effect.Effect<DynamoDbInventoryShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => {
  // ListTables pages by the last table name, which the generic paginator does not know.
  const names = (target: InventoryTarget) =>
    Stream.paginateEffect(undefined as string | undefined, (start) =>
      Effect.map(aws.call(DynamoDb, target, new ListTablesCommand(start === undefined ? { Limit: 100 } : { Limit: 100, ExclusiveStartTableName: start })), (out) => [
        out.TableNames ?? [],
        Option.fromNullable(out.LastEvaluatedTableName).pipe(Option.filter((n) => n !== start))
      ] as const)
    ).pipe(Stream.mapConcat((chunk) => chunk))
  const tables = (target: InventoryTarget) =>
    names(target).pipe(
      Stream.mapEffect(
        (TableName) =>
          Effect.flatMap(aws.call(DynamoDb, target, new DescribeTableCommand({ TableName })), (out) => {
            const table = out.Table
            if (table === undefined) return Effect.succeed(Option.none<Resource>())
            if (table.TableArn === undefined) return Effect.succeed(Option.some(tableResource(target, table)))
            return aws
              .paginate(DynamoDb, target, (input: ListTagsOfResourceCommandInput) => new ListTagsOfResourceCommand(input), { ResourceArn: table.TableArn }, { inputToken: "NextToken", outputToken: "NextToken", items: "Tags" })
              .pipe(Stream.runCollect, Effect.map((tags) => Option.some(tableResource(target, table, tagsFromList(Chunk.toReadonlyArray(tags))))))
          }),
        { concurrency: 8 }
      ),
      Stream.filterMap((r) => r)
    )
  return { tables, inventory: { service: "dynamodb", scope: "regional", discover: (target) => collected(tables(target)) } }
})

export const layer: Layer.Layer<DynamoDbInventory, never, AwsClients.AwsClients> = Layer.effect(DynamoDbInventory, make)
