/**
 * The DynamoDB journal against the sandbox's DynamoDB (dynalite, in process
 * on 127.0.0.1) through the real client: the same contract as the memory and
 * SQLite drivers, plus paging and the clean-up of an earlier run's steps.
 */
import { CreateTableCommand, QueryCommand } from "@aws-sdk/client-dynamodb"
import { describe, expect, it } from "@effect/vitest"
import { AwsClients, AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, useSandboxEnv } from "@miyabi/sandbox"
import { Duration, Effect, Layer, Option } from "effect"
import { journalContract } from "../../test/ApplyJournalContract.js"
import { ApplyJournalStore, startJournal } from "../plan/ApplyJournal.js"
import * as DynamoApplyJournal from "./DynamoApplyJournal.js"

const TABLE = "miyabi-tasks"
const runtime = AwsRuntime.layer({ rateLimits: { dynamodb: { perSecond: 1_000, burst: 1_000 } }, region: "us-east-1", sessionUser: "test", sessionPurpose: "account-factory", retryBaseDelay: Duration.millis(1), retryMaxDelay: Duration.millis(5) })

/** A sandbox with the platform's table (string PK and SK, as the queue provisions it) and the journal on it. */
const onSandbox = Layer.unwrapScoped(
  Effect.gen(function* () {
    const handle = yield* Sandbox.start({ dynamodb: true })
    yield* useSandboxEnv(handle)
    return Layer.effectDiscard(
      Effect.flatMap(AwsClients.AwsClients, (aws) =>
        aws.call(
          DynamoApplyJournal.DynamoDb,
          {},
          new CreateTableCommand({
            TableName: TABLE,
            BillingMode: "PAY_PER_REQUEST",
            AttributeDefinitions: [{ AttributeName: "PK", AttributeType: "S" }, { AttributeName: "SK", AttributeType: "S" }],
            KeySchema: [{ AttributeName: "PK", KeyType: "HASH" }, { AttributeName: "SK", KeyType: "RANGE" }]
          })
        )
      ).pipe(Effect.orDie)
    ).pipe(Layer.provideMerge(DynamoApplyJournal.layer(TABLE)), Layer.provideMerge(runtime))
  })
)

describe("ApplyJournalStore on DynamoDB (sandbox)", () => {
  journalContract(() => onSandbox)

  it.scoped("a run of 60 steps reads back across pages; the next run deletes them", () =>
    Effect.gen(function* () {
      const store = yield* ApplyJournalStore
      const aws = yield* AwsClients.AwsClients
      const spec = "/big.yaml"
      const first = startJournal(undefined, spec, 60, new Date("2026-01-01T00:00:00Z"))
      // ~20 KB per step: 60 of them are more than one 1 MB Query page.
      const long = "x".repeat(20_000)
      yield* store.begin({ ...first, entries: Array.from({ length: 60 }, (_, i) => ({ step: i + 1, description: `${i + 1} ${long}`, outcome: "applied" as const, at: first.startedAt })) })
      const read = Option.getOrThrow(yield* store.latest(spec))
      expect(read.entries.map((e) => e.step)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
      const second = startJournal(read, spec, 1, new Date("2026-01-02T00:00:00Z"))
      yield* store.begin(second)
      const left = yield* aws.call(DynamoApplyJournal.DynamoDb, {}, new QueryCommand({ TableName: TABLE, KeyConditionExpression: "PK = :pk", ExpressionAttributeValues: { ":pk": { S: `ORGAPPLY#${spec}` } } }))
      expect(left.Items?.map((item) => item["SK"]?.S)).toEqual(["RUN"])
      expect(Option.getOrThrow(yield* store.latest(spec)).interrupted).toEqual([{ startedAt: first.startedAt, done: 60, total: 60 }])
    }).pipe(Effect.provide(onSandbox)), 30_000)
})
