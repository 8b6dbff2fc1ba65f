/**
 * The task table's log items as DynamoDB stores them (read back raw from
 * dynalite behind the sandbox): each carries the TTL attribute the CDK app
 * enables, `logRetention` after the log's time.
 */
import { DynamoDBClient, QueryCommand } from "@aws-sdk/client-dynamodb"
import { describe, expect, it } from "@effect/vitest"
import { EnqueueRequest, TaskKind, TaskLog } from "@miyabi/types"
import { Duration, Effect } from "effect"
import { sandboxQueue } from "../../test/aws/SandboxQueue.js"
import { TTL_ATTRIBUTE } from "./DynamoItems.js"

const logItems = (endpoint: string, tableName: string, taskId: string) =>
  Effect.acquireUseRelease(
    Effect.sync(() => new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } })),
    (client) =>
      Effect.promise(() =>
        client.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "PK = :pk AND begins_with(SK, :log)",
            ExpressionAttributeValues: { ":pk": { S: `TASK#${taskId}` }, ":log": { S: "LOG#" } }
          })
        )
      ),
    (client) => Effect.sync(() => client.destroy())
  ).pipe(Effect.map((out) => (out.Items ?? []).map((item) => ({ message: item["message"]?.S, at: Number(item["at"]?.N), expiresAt: Number(item[TTL_ATTRIBUTE]?.N) }))))

const appendTwo = (retention: Duration.Duration | undefined) =>
  Effect.gen(function* () {
    const { sandbox, queue } = yield* sandboxQueue(retention === undefined ? {} : { logRetention: retention })
    const { task } = yield* queue.enqueue(EnqueueRequest.make({ kind: TaskKind.make("echo"), payload: {} }))
    const at = new Date(1_767_225_600_500) // 2026-01-01T00:00:00.500Z
    yield* queue.appendLog(TaskLog.make({ taskId: task.id, at, level: "info", message: "one" }))
    yield* queue.appendLog(TaskLog.make({ taskId: task.id, at: new Date(at.getTime() + 1_000), level: "warn", message: "two" }))
    return yield* logItems(sandbox.endpoint, queue.resources.tableName, task.id)
  })

describe("DynamoTaskTable log items", () => {
  it.scoped("carry expiresAt 30 days after the log's time by default (epoch seconds)", () =>
    Effect.gen(function* () {
      const items = yield* appendTwo(undefined)
      const thirtyDays = 30 * 86_400
      expect(items).toEqual([
        { message: "one", at: 1_767_225_600_500, expiresAt: 1_767_225_600 + thirtyDays },
        { message: "two", at: 1_767_225_601_500, expiresAt: 1_767_225_601 + thirtyDays }
      ])
    })
  )

  it.scoped("carry expiresAt the configured retention later", () =>
    Effect.gen(function* () {
      const items = yield* appendTwo(Duration.days(7))
      expect(items.map((i) => i.expiresAt - Math.floor(i.at / 1000))).toEqual([7 * 86_400, 7 * 86_400])
    })
  )
})
