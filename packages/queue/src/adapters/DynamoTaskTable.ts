/**
 * The task table on DynamoDB, domain-shaped. One table, single-table design:
 *
 *   PK = TASK#<id>          SK = METADATA | EXECUTION#<phase> | LOG#<ms>#<n>
 *   PK = IDEMPOTENCY#<key>  SK = IDEMPOTENCY   (which task a key belongs to)
 *   PK = DELIVERY#<id>      SK = DELIVERY      (webhook replay guard, see DynamoDeliveryStore.ts)
 *
 * and a global secondary index `ByStatus` (StatusKey = status, StatusSort =
 * <createdAt>#<id>) on METADATA items only, for list and stats. LOG# and
 * DELIVERY# items carry `expiresAt` (the table's TTL, epoch seconds): logs
 * `logRetention` after their time (default 30 days), so DynamoDB ages them out.
 *
 * Every write that decides something is conditional (attribute_not_exists
 * for creation, version or lease token for transitions). No transactions:
 * dynalite, the local DynamoDB of the sandbox, has no TransactWriteItems, and
 * the queue's correctness rests on single-item conditions alone.
 */
import type { QueryCommandInput } from "@aws-sdk/client-dynamodb"
import { AwsClients, type AwsError, type AwsTarget } from "@miyabi/aws-runtime"
import type { Priority, TaskStatus } from "@miyabi/types"
import { Chunk, Context, Duration, Effect, Layer, Option, Stream } from "effect"
import type { RecordChange, RemovableField, TaskRecord } from "../aws/TaskRecord.js"
import { attributeOf, expiresAtSeconds, expressionBuilder, N, num, pad, recordItem, recordOf, S, str, taskKey, TTL_ATTRIBUTE } from "./DynamoItems.js"
import * as DynamoTable from "./DynamoTable.js"

export const STATUS_INDEX = "ByStatus"

/** How long task log items are kept by default (their TTL). */
export const DEFAULT_LOG_RETENTION: Duration.Duration = Duration.days(30)

export interface DynamoTaskTableOptions {
  /** TTL of LOG# items after their time; default 30 days. */
  readonly logRetention?: Duration.DurationInput | undefined
}

/** What a conditional write requires of the current item; all given parts must hold. */
export interface RecordCondition {
  readonly version?: number
  readonly leaseToken?: string
  readonly status?: ReadonlyArray<TaskStatus>
}

export interface ExecutionItem {
  readonly taskId: string
  readonly phase: string
  readonly attempt: number
  readonly status: "Running" | "Succeeded" | "Failed"
  readonly startedAt: number
  readonly finishedAt?: number | undefined
  readonly output?: string | undefined
}

export interface LogItem {
  readonly taskId: string
  readonly at: number
  readonly level: "debug" | "info" | "warn" | "error"
  readonly message: string
}

export interface StatusQuery {
  readonly newestFirst: boolean
  readonly priority?: Priority | undefined
  readonly kind?: string | undefined
}

export interface DynamoTaskTableShape {
  readonly tableName: string
  /** Creates the table and its index if absent (on-demand capacity). */
  readonly provision: Effect.Effect<void, AwsError>
  /** Writes IDEMPOTENCY#<key> -> taskId unless the key exists; returns the task id the key belongs to and whether it is ours. */
  readonly claimIdempotencyKey: (key: string, taskId: string, at: number) => Effect.Effect<{ readonly taskId: string; readonly created: boolean }, AwsError>
  /** Writes the METADATA item unless it exists; false when it did. */
  readonly putTask: (record: TaskRecord) => Effect.Effect<boolean, AwsError>
  /** A strongly consistent read of the METADATA item. */
  readonly getTask: (id: string) => Effect.Effect<Option.Option<TaskRecord>, AwsError>
  /** A conditional update (`version` goes up by one); None when the condition did not hold. */
  readonly transition: (
    id: string,
    condition: RecordCondition,
    set: RecordChange,
    remove?: ReadonlyArray<RemovableField>
  ) => Effect.Effect<Option.Option<TaskRecord>, AwsError>
  readonly putExecution: (execution: ExecutionItem) => Effect.Effect<void, AwsError>
  readonly executions: (taskId: string) => Effect.Effect<ReadonlyArray<ExecutionItem>, AwsError>
  /** `sequence` orders logs of the same millisecond. */
  readonly putLog: (log: LogItem, sequence: string) => Effect.Effect<void, AwsError>
  readonly logs: (taskId: string) => Effect.Effect<ReadonlyArray<LogItem>, AwsError>
  /** METADATA items in one status through the index, by creation time. */
  readonly byStatus: (status: TaskStatus, query: StatusQuery) => Stream.Stream<TaskRecord, AwsError>
  /** How many METADATA items are in a status (optionally of one priority). */
  readonly countByStatus: (status: TaskStatus, priority?: Priority) => Effect.Effect<number, AwsError>
}

export class DynamoTaskTable extends Context.Tag("@miyabi/queue/DynamoTaskTable")<DynamoTaskTable, DynamoTaskTableShape>() {}

export const make = (
  tableName: string,
  target: AwsTarget = {},
  options: DynamoTaskTableOptions = {}
): Effect.Effect<DynamoTaskTableShape, never, AwsClients.AwsClients> =>
  Effect.gen(function* () {
    const table = yield* DynamoTable.make(tableName, target)
    const logRetentionMs = Duration.toMillis(options.logRetention ?? DEFAULT_LOG_RETENTION)
    const span = (name: string) => Effect.withSpan(`DynamoTaskTable.${name}`, { captureStackTrace: false })

    const provision = Effect.flatMap(table.exists, (exists) =>
      exists
        ? Effect.void
        : // false when another process created it first: fine either way.
          table.create({
            BillingMode: "PAY_PER_REQUEST",
            AttributeDefinitions: [
              { AttributeName: "PK", AttributeType: "S" },
              { AttributeName: "SK", AttributeType: "S" },
              { AttributeName: "StatusKey", AttributeType: "S" },
              { AttributeName: "StatusSort", AttributeType: "S" }
            ],
            KeySchema: [
              { AttributeName: "PK", KeyType: "HASH" },
              { AttributeName: "SK", KeyType: "RANGE" }
            ],
            GlobalSecondaryIndexes: [
              {
                IndexName: STATUS_INDEX,
                KeySchema: [
                  { AttributeName: "StatusKey", KeyType: "HASH" },
                  { AttributeName: "StatusSort", KeyType: "RANGE" }
                ],
                Projection: { ProjectionType: "ALL" }
              }
            ]
          })
    ).pipe(Effect.asVoid, span("provision"))

    const claimIdempotencyKey: DynamoTaskTableShape["claimIdempotencyKey"] = (key, taskId, at) => {
      const Key = { PK: S(`IDEMPOTENCY#${key}`), SK: S("IDEMPOTENCY") }
      return table.putIf({ Item: { ...Key, taskId: S(taskId), createdAt: N(at) }, ConditionExpression: "attribute_not_exists(PK)" }).pipe(
        Effect.flatMap((created): Effect.Effect<{ readonly taskId: string; readonly created: boolean }, AwsError> =>
          created
            ? Effect.succeed({ taskId, created })
            : // The key was taken: answer whose task it is.
              table.get({ Key, ConsistentRead: true }).pipe(Effect.map((out) => ({ taskId: (out.Item === undefined ? undefined : str(out.Item, "taskId")) ?? taskId, created })))
        ),
        span("claimIdempotencyKey")
      )
    }

    const putTask: DynamoTaskTableShape["putTask"] = (record) =>
      table.putIf({ Item: recordItem(record), ConditionExpression: "attribute_not_exists(PK)" }).pipe(span("putTask"))

    const getTask: DynamoTaskTableShape["getTask"] = (id) =>
      table
        .get({ Key: taskKey(id), ConsistentRead: true })
        .pipe(Effect.map((out) => (out.Item === undefined ? Option.none() : Option.some(recordOf(out.Item)))), span("getTask"))

    const transition: DynamoTaskTableShape["transition"] = (id, condition, set, remove = []) => {
      const x = expressionBuilder()
      const assignments = [`${x.name("version")} = ${x.name("version")} + ${x.value(N(1))}`]
      for (const [key, value] of Object.entries(set)) {
        const attribute = attributeOf(value)
        if (attribute !== undefined) assignments.push(`${x.name(key)} = ${x.value(attribute)}`)
      }
      if (set.status !== undefined) assignments.push(`${x.name("StatusKey")} = ${x.value(S(set.status))}`)
      const conditions = ["attribute_exists(PK)"]
      if (condition.version !== undefined) conditions.push(`${x.name("version")} = ${x.value(N(condition.version))}`)
      if (condition.leaseToken !== undefined) conditions.push(`${x.name("leaseToken")} = ${x.value(S(condition.leaseToken))}`)
      if (condition.status !== undefined) conditions.push(`${x.name("status")} IN (${condition.status.map((s) => x.value(S(s))).join(", ")})`)
      const removed = remove.filter((field) => !(field in set))
      const update = `SET ${assignments.join(", ")}${removed.length === 0 ? "" : ` REMOVE ${removed.map((f) => x.name(f)).join(", ")}`}`
      return table
        .update({
          Key: taskKey(id),
          UpdateExpression: update,
          ConditionExpression: conditions.join(" AND "),
          ExpressionAttributeNames: x.names,
          ExpressionAttributeValues: x.values,
          ReturnValues: "ALL_NEW"
        })
        .pipe(
          Effect.map((out) => (out.Attributes === undefined ? Option.none() : Option.some(recordOf(out.Attributes)))),
          Effect.catchIf(DynamoTable.isConditionFailure, () => Effect.succeed(Option.none<TaskRecord>())),
          span("transition")
        )
    }

    const putExecution: DynamoTaskTableShape["putExecution"] = (execution) =>
      table
        .put({
          Item: {
            PK: S(`TASK#${execution.taskId}`),
            SK: S(`EXECUTION#${execution.phase}`),
            phase: S(execution.phase),
            attempt: N(execution.attempt),
            status: S(execution.status),
            startedAt: N(execution.startedAt),
            ...(execution.finishedAt === undefined ? {} : { finishedAt: N(execution.finishedAt) }),
            ...(execution.output === undefined ? {} : { output: S(execution.output) })
          }
        })
        .pipe(span("putExecution"))

    const itemsUnder = (taskId: string, prefix: string) =>
      table
        .query({
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
          ExpressionAttributeValues: { ":pk": S(`TASK#${taskId}`), ":prefix": S(prefix) },
          ConsistentRead: true
        })
        .pipe(
          Stream.flatMap((page) => Stream.fromIterable(page.items)),
          Stream.runCollect,
          Effect.map(Chunk.toReadonlyArray)
        )

    const executions: DynamoTaskTableShape["executions"] = (taskId) =>
      itemsUnder(taskId, "EXECUTION#").pipe(
        Effect.map((items) =>
          items
            .map(
              (item): ExecutionItem => ({
                taskId,
                phase: str(item, "phase") ?? "",
                attempt: num(item, "attempt") ?? 0,
                status: (str(item, "status") ?? "Running") as ExecutionItem["status"],
                startedAt: num(item, "startedAt") ?? 0,
                finishedAt: num(item, "finishedAt"),
                output: str(item, "output")
              })
            )
            .sort((a, b) => a.startedAt - b.startedAt || (a.phase < b.phase ? -1 : a.phase > b.phase ? 1 : 0))
        ),
        span("executions")
      )

    const putLog: DynamoTaskTableShape["putLog"] = (log, sequence) =>
      table
        .put({
          Item: {
            PK: S(`TASK#${log.taskId}`),
            SK: S(`LOG#${pad(log.at)}#${sequence}`),
            at: N(log.at),
            level: S(log.level),
            message: S(log.message),
            [TTL_ATTRIBUTE]: N(expiresAtSeconds(log.at, logRetentionMs))
          }
        })
        .pipe(span("putLog"))

    const logs: DynamoTaskTableShape["logs"] = (taskId) =>
      itemsUnder(taskId, "LOG#").pipe(
        Effect.map((items) =>
          items.map(
            (item): LogItem => ({
              taskId,
              at: num(item, "at") ?? 0,
              level: (str(item, "level") ?? "info") as LogItem["level"],
              message: str(item, "message") ?? ""
            })
          )
        ),
        span("logs")
      )

    const statusInput = (status: TaskStatus, filter: { readonly priority?: Priority | undefined; readonly kind?: string | undefined }): Omit<QueryCommandInput, "TableName"> => {
      const x = expressionBuilder()
      const key = `${x.name("StatusKey")} = ${x.value(S(status))}`
      const filters: Array<string> = []
      if (filter.priority !== undefined) filters.push(`${x.name("priority")} = ${x.value(S(filter.priority))}`)
      if (filter.kind !== undefined) filters.push(`${x.name("kind")} = ${x.value(S(filter.kind))}`)
      return {
        IndexName: STATUS_INDEX,
        KeyConditionExpression: key,
        ...(filters.length === 0 ? {} : { FilterExpression: filters.join(" AND ") }),
        ExpressionAttributeNames: x.names,
        ExpressionAttributeValues: x.values
      }
    }

    const byStatus: DynamoTaskTableShape["byStatus"] = (status, q) =>
      table.query({ ...statusInput(status, q), ScanIndexForward: !q.newestFirst }).pipe(
        Stream.flatMap((page) => Stream.fromIterable(page.items.map(recordOf)))
      )

    const countByStatus: DynamoTaskTableShape["countByStatus"] = (status, priority) =>
      table.query({ ...statusInput(status, { priority }), Select: "COUNT" }).pipe(
        Stream.runFold(0, (total, page) => total + page.count),
        span("countByStatus")
      )

    return {
      tableName,
      provision,
      claimIdempotencyKey,
      putTask,
      getTask,
      transition,
      putExecution,
      executions,
      putLog,
      logs,
      byStatus,
      countByStatus
    } satisfies DynamoTaskTableShape
  })

export const layer = (
  tableName: string,
  target: AwsTarget = {},
  options: DynamoTaskTableOptions = {}
): Layer.Layer<DynamoTaskTable, never, AwsClients.AwsClients> => Layer.effect(DynamoTaskTable, make(tableName, target, options))
