/**
 * One DynamoDB table over AwsClients: every command names the table and goes
 * to the same target, so the stores on it (DynamoTaskTable,
 * DynamoDeliveryStore) write only their items, keys and expressions.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DeleteItemCommand,
  type DeleteItemCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  type GetItemCommandOutput,
  PutItemCommand,
  type PutItemCommandInput,
  QueryCommand,
  type QueryCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
  type UpdateItemCommandOutput
} from "@aws-sdk/client-dynamodb"
import { AwsClients, type AwsError, type AwsTarget, ServiceDescriptor } from "@miyabi/aws-runtime"
import { Chunk, Effect, Option, Stream } from "effect"
import type { Item } from "./DynamoItems.js"

export const DynamoDbService = ServiceDescriptor.make("dynamodb", (config) => new DynamoDBClient(config))

/** A conditional write whose condition did not hold (not a fault: someone else got there first). */
export const isConditionFailure = (error: AwsError): boolean => error.code === "ConditionalCheckFailedException"

type Input<I> = Omit<I, "TableName">

/** One page of a query: its items and, for `Select: "COUNT"`, how many matched. */
export interface QueryPage {
  readonly items: ReadonlyArray<Item>
  readonly count: number
}

export interface DynamoTableShape {
  readonly tableName: string
  /** Whether the table exists (DescribeTable answers NotFound when it does not). */
  readonly exists: Effect.Effect<boolean, AwsError>
  /** Creates the table; false when another process created it first. */
  readonly create: (input: Input<CreateTableCommandInput>) => Effect.Effect<boolean, AwsError>
  readonly put: (input: Input<PutItemCommandInput>) => Effect.Effect<void, AwsError>
  /** A put under `ConditionExpression`: true when written, false when the condition did not hold. */
  readonly putIf: (input: Input<PutItemCommandInput> & { readonly ConditionExpression: string }) => Effect.Effect<boolean, AwsError>
  readonly get: (input: Input<GetItemCommandInput>) => Effect.Effect<GetItemCommandOutput, AwsError>
  readonly update: (input: Input<UpdateItemCommandInput>) => Effect.Effect<UpdateItemCommandOutput, AwsError>
  readonly delete: (input: Input<DeleteItemCommandInput>) => Effect.Effect<void, AwsError>
  /** Every page of a query. The DynamoDB paginator keys are maps, not strings, so this walks LastEvaluatedKey itself. */
  readonly query: (input: Input<QueryCommandInput>) => Stream.Stream<QueryPage, AwsError>
}

export const make = (tableName: string, target: AwsTarget = {}): Effect.Effect<DynamoTableShape, never, AwsClients.AwsClients> =>
  Effect.map(AwsClients.AwsClients, (aws) => {
    const put: DynamoTableShape["put"] = (input) => Effect.asVoid(aws.call(DynamoDbService, target, new PutItemCommand({ TableName: tableName, ...input })))
    const query: DynamoTableShape["query"] = (input) =>
      Stream.paginateChunkEffect(undefined as Item | undefined, (start) =>
        Effect.map(
          aws.call(DynamoDbService, target, new QueryCommand({ TableName: tableName, ...input, ...(start === undefined ? {} : { ExclusiveStartKey: start }) })),
          (out) =>
            [
              Chunk.of({ items: out.Items ?? [], count: out.Count ?? 0 }),
              out.LastEvaluatedKey === undefined || Object.keys(out.LastEvaluatedKey).length === 0 ? Option.none() : Option.some(out.LastEvaluatedKey)
            ] as const
        )
      )
    return {
      tableName,
      exists: aws.call(DynamoDbService, target, new DescribeTableCommand({ TableName: tableName })).pipe(
        Effect.as(true),
        Effect.catchIf((error) => error.reason === "NotFound", () => Effect.succeed(false))
      ),
      create: (input) =>
        aws.call(DynamoDbService, target, new CreateTableCommand({ TableName: tableName, ...input })).pipe(
          Effect.as(true),
          Effect.catchIf((error) => error.code === "ResourceInUseException", () => Effect.succeed(false))
        ),
      put,
      putIf: (input) => put(input).pipe(Effect.as(true), Effect.catchIf(isConditionFailure, () => Effect.succeed(false))),
      get: (input) => aws.call(DynamoDbService, target, new GetItemCommand({ TableName: tableName, ...input })),
      update: (input) => aws.call(DynamoDbService, target, new UpdateItemCommand({ TableName: tableName, ...input })),
      delete: (input) => Effect.asVoid(aws.call(DynamoDbService, target, new DeleteItemCommand({ TableName: tableName, ...input }))),
      query
    } satisfies DynamoTableShape
  })
