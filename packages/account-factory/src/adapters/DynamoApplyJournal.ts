/**
 * The org apply journal on DynamoDB, in the platform's table (the aws:
 * store's task table: string keys PK and SK, single-table design):
 *
 *   PK = ORGAPPLY#<spec>   SK = RUN                              the spec's latest run
 *   PK = ORGAPPLY#<spec>   SK = STEP#<startedAt>#<step, 6 digits>  one step's outcome
 *
 * No transactions (dynalite, the sandbox's DynamoDB, has none): a step item
 * names its run in its key, so `latest` reads only the current run's steps
 * and an older run's leftovers are invisible; `begin` deletes them after
 * writing the new RUN item. `finish` is conditional on the run; `record`
 * reads the RUN item first (a run begun in between by another apply of the
 * same spec would be the only race, and its steps would not show anyway).
 */
import {
  BatchWriteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  type AttributeValue,
  type QueryCommandInput,
  UpdateItemCommand
} from "@aws-sdk/client-dynamodb"
import { AwsClients, type AwsError, type AwsTarget, ServiceDescriptor } from "@miyabi/aws-runtime"
import { Chunk, Effect, Layer, Option, Schema, Stream } from "effect"
import { ApplyJournalError, ApplyJournalStore, InterruptedRun, JournalEntry, type ApplyJournal, type ApplyJournalStoreShape, type RunKey } from "../plan/ApplyJournal.js"

export const DynamoDb = ServiceDescriptor.make("dynamodb", (config) => new DynamoDBClient(config))

type Item = Record<string, AttributeValue>

const pk = (spec: string) => `ORGAPPLY#${spec}`
const stepPrefix = (startedAt: string) => `STEP#${startedAt}#`
const stepKey = (startedAt: string, step: number) => `${stepPrefix(startedAt)}${String(step).padStart(6, "0")}`
const text = (item: Item, name: string): string | undefined => item[name]?.S
const InterruptedJson = Schema.parseJson(Schema.Array(InterruptedRun))
/** BatchWriteItem takes at most 25 requests. */
const BATCH = 25

export const make = (tableName: string, target: AwsTarget = {}): Effect.Effect<ApplyJournalStoreShape, never, AwsClients.AwsClients> =>
  Effect.gen(function* () {
    const aws = yield* AwsClients.AwsClients
    const location = `dynamodb:${tableName}`
    const unavailable = (operation: string) => (error: AwsError) => new ApplyJournalError({ operation, reason: "Unavailable", location, detail: error.message })
    const corrupt = (operation: string, detail: string) => new ApplyJournalError({ operation, reason: "Corrupt", location, detail })
    const notStarted = (operation: string, run: RunKey) => new ApplyJournalError({ operation, reason: "NotStarted", location, detail: `no run of ${run.spec} started at ${run.startedAt}` })
    const span = (name: string) => Effect.withSpan(`DynamoApplyJournal.${name}`)

    const getRun = (operation: string, spec: string) =>
      aws.call(DynamoDb, target, new GetItemCommand({ TableName: tableName, Key: { PK: { S: pk(spec) }, SK: { S: "RUN" } }, ConsistentRead: true })).pipe(
        Effect.map((out) => Option.fromNullable(out.Item)),
        Effect.mapError(unavailable(operation))
      )
    // DynamoDB pages by LastEvaluatedKey (a map), so the pages are walked here.
    const queryKeys = (operation: string, input: QueryCommandInput) =>
      Stream.paginateChunkEffect(undefined as Item | undefined, (start) =>
        aws.call(DynamoDb, target, new QueryCommand(start === undefined ? input : { ...input, ExclusiveStartKey: start })).pipe(
          Effect.map((out) => [Chunk.fromIterable(out.Items ?? []), out.LastEvaluatedKey === undefined || Object.keys(out.LastEvaluatedKey).length === 0 ? Option.none() : Option.some(out.LastEvaluatedKey)] as const),
          Effect.mapError(unavailable(operation))
        )
      ).pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
    const putStep = (operation: string, run: RunKey, entry: JournalEntry) =>
      aws
        .call(
          DynamoDb,
          target,
          new PutItemCommand({
            TableName: tableName,
            Item: { PK: { S: pk(run.spec) }, SK: { S: stepKey(run.startedAt, entry.step) }, step: { N: String(entry.step) }, description: { S: entry.description }, outcome: { S: entry.outcome }, at: { S: entry.at } }
          })
        )
        .pipe(Effect.asVoid, Effect.mapError(unavailable(operation)))

    const latest: ApplyJournalStoreShape["latest"] = (spec) =>
      Effect.gen(function* () {
        const found = yield* getRun("latest", spec)
        if (Option.isNone(found)) return Option.none()
        const item = found.value
        const startedAt = text(item, "startedAt") ?? ""
        const interrupted = yield* Effect.mapError(Schema.decodeUnknown(InterruptedJson)(text(item, "interrupted") ?? ""), (error) => corrupt("latest", error.message))
        const items = yield* queryKeys("latest", {
          TableName: tableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
          ExpressionAttributeValues: { ":pk": { S: pk(spec) }, ":prefix": { S: stepPrefix(startedAt) } },
          ConsistentRead: true
        })
        const entries = yield* Effect.mapError(
          Schema.decodeUnknown(Schema.Array(JournalEntry))(items.map((step) => ({ step: Number(step["step"]?.N), description: text(step, "description"), outcome: text(step, "outcome"), at: text(step, "at") }))),
          (error) => corrupt("latest", error.message)
        )
        return Option.some<ApplyJournal>({ spec, startedAt, total: Number(item["total"]?.N ?? 0), finished: item["finished"]?.BOOL === true, entries, interrupted })
      }).pipe(span("latest"))

    const begin: ApplyJournalStoreShape["begin"] = (journal) =>
      Effect.gen(function* () {
        yield* aws
          .call(
            DynamoDb,
            target,
            new PutItemCommand({
              TableName: tableName,
              Item: {
                PK: { S: pk(journal.spec) },
                SK: { S: "RUN" },
                startedAt: { S: journal.startedAt },
                total: { N: String(journal.total) },
                finished: { BOOL: journal.finished },
                interrupted: { S: JSON.stringify(journal.interrupted) }
              }
            })
          )
          .pipe(Effect.mapError(unavailable("begin")))
        const run = { spec: journal.spec, startedAt: journal.startedAt }
        yield* Effect.forEach(journal.entries, (entry) => putStep("begin", run, entry), { discard: true })
        // Earlier runs' steps are invisible now; delete them so the partition stays small.
        const stale = (yield* queryKeys("begin", {
          TableName: tableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :steps)",
          ExpressionAttributeValues: { ":pk": { S: pk(journal.spec) }, ":steps": { S: "STEP#" } },
          ProjectionExpression: "PK, SK",
          ConsistentRead: true
        })).filter((item) => !(text(item, "SK") ?? "").startsWith(stepPrefix(journal.startedAt)))
        const batches = Chunk.toReadonlyArray(Chunk.chunksOf(Chunk.fromIterable(stale), BATCH))
        yield* Effect.forEach(batches, (batch) =>
          aws.call(DynamoDb, target, new BatchWriteItemCommand({ RequestItems: { [tableName]: Chunk.toReadonlyArray(batch).map((key) => ({ DeleteRequest: { Key: { PK: key["PK"]!, SK: key["SK"]! } } })) } })).pipe(
            Effect.mapError(unavailable("begin"))
          ),
          { discard: true }
        )
      }).pipe(span("begin"))

    const record: ApplyJournalStoreShape["record"] = (run, entry) =>
      Effect.gen(function* () {
        const found = yield* getRun("record", run.spec)
        if (Option.isNone(found) || text(found.value, "startedAt") !== run.startedAt) return yield* Effect.fail(notStarted("record", run))
        yield* putStep("record", run, entry)
      }).pipe(span("record"))

    const finish: ApplyJournalStoreShape["finish"] = (run) =>
      aws
        .call(
          DynamoDb,
          target,
          new UpdateItemCommand({
            TableName: tableName,
            Key: { PK: { S: pk(run.spec) }, SK: { S: "RUN" } },
            UpdateExpression: "SET finished = :yes",
            ConditionExpression: "startedAt = :run",
            ExpressionAttributeValues: { ":yes": { BOOL: true }, ":run": { S: run.startedAt } }
          })
        )
        .pipe(
          Effect.asVoid,
          Effect.catchIf((error) => error.code === "ConditionalCheckFailedException", () => Effect.fail(notStarted("finish", run))),
          Effect.mapError((error) => (error instanceof ApplyJournalError ? error : unavailable("finish")(error))),
          span("finish")
        )

    return { location, latest, begin, record, finish }
  })

/** The journal in the DynamoDB table `tableName` (it must exist: the queue's `provision` or the CDK app creates it). */
export const layer = (tableName: string, target: AwsTarget = {}): Layer.Layer<ApplyJournalStore, never, AwsClients.AwsClients> =>
  Layer.effect(ApplyJournalStore, make(tableName, target))
