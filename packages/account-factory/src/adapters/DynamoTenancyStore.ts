/**
 * Tenancy records on DynamoDB, in the platform's table (the aws: store's
 * task table: string keys PK and SK, single-table design):
 *
 *   PK = TENANCY             SK = HEAD                                   the committed state's version
 *   PK = TENANCY             SK = STATE#<version>#<kind>#<n, 6 digits>   one customer, pool, placement, departed placement or deletion
 *   PK = TENANCY#<customer>  SK = EVENT#<at>#<version>#<n, 4 digits>     one placement change of the customer
 *
 * Everything is read by Query or GetItem, never Scan. No transactions
 * (dynalite, the sandbox's DynamoDB, has none), so a save that replaces the
 * state never overwrites the items `load` reads: it writes the new state
 * under a fresh version, then flips HEAD to it (conditional on the version
 * it read, so a second writer that saved in between is refused instead of
 * lost), then appends the events and deletes the older versions' items.
 * A save killed before the flip leaves invisible items (deleted by the next
 * save); one killed after the flip and before the events loses that save's
 * history entries, never the state.
 */
import { BatchWriteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, type AttributeValue, type QueryCommandInput, type WriteRequest } from "@aws-sdk/client-dynamodb"
import { AwsClients, type AwsError, type AwsTarget } from "@miyabi/aws-runtime"
import { Customer, type CustomerId, Placement, PoolState } from "@miyabi/types"
import { randomUUID } from "node:crypto"
import { Chunk, Effect, Layer, Option, Schedule, Schema, Stream } from "effect"
import { PlacementEvent, placementEvents, ScheduledDeletion, TenancyState, TenancyStore, TenancyStoreError, type TenancyStoreOptions, type TenancyStoreShape } from "../tenancy/TenancyStore.js"
import { DynamoDb } from "./DynamoApplyJournal.js"

type Item = Record<string, AttributeValue>

const STATE_PK = "TENANCY"
const eventsPk = (customerId: string) => `TENANCY#${customerId}`
const statePrefix = (version: string) => `STATE#${version}#`
const KINDS = ["CUSTOMER", "POOL", "PLACEMENT", "DEPARTED", "DELETION"] as const
type Kind = (typeof KINDS)[number]
/** BatchWriteItem takes at most 25 requests. */
const BATCH = 25

const Bodies = Schema.Struct({
  CUSTOMER: Schema.Array(Schema.parseJson(Customer)),
  POOL: Schema.Array(Schema.parseJson(PoolState)),
  PLACEMENT: Schema.Array(Schema.parseJson(Placement)),
  DEPARTED: Schema.Array(Schema.parseJson(Placement)),
  DELETION: Schema.Array(Schema.parseJson(ScheduledDeletion))
})
const EventBody = Schema.parseJson(PlacementEvent)

/** Raised inside a batch write when DynamoDB hands back unprocessed requests, so the batch is retried. */
class Unprocessed {
  readonly _tag = "Unprocessed"
  constructor(readonly requests: ReadonlyArray<WriteRequest>) {}
}

export const make = (tableName: string, options: TenancyStoreOptions & { readonly target?: AwsTarget } = {}): Effect.Effect<TenancyStoreShape, never, AwsClients.AwsClients> =>
  Effect.gen(function* () {
    const aws = yield* AwsClients.AwsClients
    const target = options.target ?? {}
    const actor = options.actor ?? "miyabi"
    const now = options.now ?? (() => new Date())
    const location = `dynamodb:${tableName}`
    const unreadable = (error: AwsError) => new TenancyStoreError({ reason: "Unreadable", location, detail: error.message })
    const unwritable = (detail: string) => new TenancyStoreError({ reason: "Unwritable", location, detail })
    const corrupt = (error: { readonly message: string }) => new TenancyStoreError({ reason: "Corrupt", location, detail: error.message })
    const span = (name: string) => Effect.withSpan(`DynamoTenancyStore.${name}`)

    // DynamoDB pages by LastEvaluatedKey (a map), so the pages are walked here.
    const query = (input: QueryCommandInput) =>
      Stream.paginateChunkEffect(undefined as Item | undefined, (start) =>
        aws.call(DynamoDb, target, new QueryCommand(start === undefined ? input : { ...input, ExclusiveStartKey: start })).pipe(
          Effect.map((out) => [Chunk.fromIterable(out.Items ?? []), out.LastEvaluatedKey === undefined || Object.keys(out.LastEvaluatedKey).length === 0 ? Option.none() : Option.some(out.LastEvaluatedKey)] as const),
          Effect.mapError(unreadable)
        )
      ).pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))

    const writeAll = (requests: ReadonlyArray<WriteRequest>) =>
      Effect.forEach(
        Chunk.toReadonlyArray(Chunk.chunksOf(Chunk.fromIterable(requests), BATCH)),
        (batch) => {
          let pending = Chunk.toReadonlyArray(batch)
          const once = Effect.suspend(() => aws.call(DynamoDb, target, new BatchWriteItemCommand({ RequestItems: { [tableName]: [...pending] } }))).pipe(
            Effect.mapError((error) => unwritable(error.message)),
            Effect.flatMap((out) => {
              const left = out.UnprocessedItems?.[tableName] ?? []
              if (left.length === 0) return Effect.void
              pending = left
              return Effect.fail(new Unprocessed(left))
            })
          )
          // Unprocessed requests are DynamoDB's throttling answer: retry them, a bounded number of times.
          return once.pipe(
            Effect.retry({ schedule: Schedule.exponential("20 millis").pipe(Schedule.intersect(Schedule.recurs(8))), while: (error) => error instanceof Unprocessed }),
            Effect.mapError((error) => (error instanceof Unprocessed ? unwritable(`${error.requests.length} writes left unprocessed`) : error))
          )
        },
        { discard: true }
      )

    const head = aws.call(DynamoDb, target, new GetItemCommand({ TableName: tableName, Key: { PK: { S: STATE_PK }, SK: { S: "HEAD" } }, ConsistentRead: true })).pipe(
      Effect.map((out) => Option.fromNullable(out.Item?.["version"]?.S)),
      Effect.mapError(unreadable)
    )

    const loadVersion = (version: Option.Option<string>) =>
      Effect.gen(function* () {
        if (Option.isNone(version)) return new TenancyState({ customers: [], pools: [], placements: [], departed: [], deletions: [] })
        const items = yield* query({
          TableName: tableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
          ExpressionAttributeValues: { ":pk": { S: STATE_PK }, ":prefix": { S: statePrefix(version.value) } },
          ConsistentRead: true
        })
        // Items come back in SK order, so each kind keeps its order.
        const bodies: Record<Kind, Array<string>> = { CUSTOMER: [], POOL: [], PLACEMENT: [], DEPARTED: [], DELETION: [] }
        for (const item of items) {
          const kind = item["kind"]?.S
          const body = item["body"]?.S
          if (kind === undefined || body === undefined || !(KINDS as ReadonlyArray<string>).includes(kind)) return yield* Effect.fail(corrupt({ message: `item ${item["SK"]?.S ?? "?"} has no kind or body` }))
          bodies[kind as Kind].push(body)
        }
        const decoded = yield* Effect.mapError(Schema.decodeUnknown(Bodies)(bodies), corrupt)
        return new TenancyState({ customers: decoded.CUSTOMER, pools: decoded.POOL, placements: decoded.PLACEMENT, departed: decoded.DEPARTED, deletions: decoded.DELETION })
      })

    const load: TenancyStoreShape["load"] = () => Effect.flatMap(head, loadVersion).pipe(span("load"))

    const save: TenancyStoreShape["save"] = (state) =>
      Effect.gen(function* () {
        const previousVersion = yield* head
        const previous = yield* loadVersion(previousVersion)
        const at = now()
        const version = `${at.toISOString()}-${randomUUID()}`
        const encoded = yield* Effect.mapError(
          Schema.encode(Bodies)({ CUSTOMER: state.customers, POOL: state.pools, PLACEMENT: state.placements, DEPARTED: state.departed, DELETION: state.deletions }),
          corrupt
        )
        const stateItems = KINDS.flatMap((kind) =>
          encoded[kind].map((body, n): WriteRequest => ({
            PutRequest: { Item: { PK: { S: STATE_PK }, SK: { S: `${statePrefix(version)}${kind}#${String(n).padStart(6, "0")}` }, kind: { S: kind }, body: { S: body } } }
          }))
        )
        yield* writeAll(stateItems)
        // The flip: from here on `load` reads the new version.
        yield* aws
          .call(
            DynamoDb,
            target,
            new PutItemCommand({
              TableName: tableName,
              Item: { PK: { S: STATE_PK }, SK: { S: "HEAD" }, version: { S: version } },
              ...(Option.isSome(previousVersion)
                ? { ConditionExpression: "version = :seen", ExpressionAttributeValues: { ":seen": { S: previousVersion.value } } }
                : { ConditionExpression: "attribute_not_exists(PK)" })
            })
          )
          .pipe(
            Effect.mapError((error) =>
              unwritable(error.code === "ConditionalCheckFailedException" ? "another writer saved the tenancy state in between; load and save again" : error.message)
            )
          )
        const events = placementEvents(previous.placements, state.placements, at, actor)
        const eventItems = yield* Effect.forEach(events, (event, n) =>
          Effect.map(Effect.mapError(Schema.encode(EventBody)(event), corrupt), (body): WriteRequest => ({
            PutRequest: { Item: { PK: { S: eventsPk(event.customerId) }, SK: { S: `EVENT#${event.at.toISOString()}#${version}#${String(n).padStart(4, "0")}` }, body: { S: body } } }
          }))
        )
        yield* writeAll(eventItems)
        // Older versions (and leftovers of saves killed before their flip) are unreachable now.
        const stale = (yield* query({
          TableName: tableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :state)",
          ExpressionAttributeValues: { ":pk": { S: STATE_PK }, ":state": { S: "STATE#" } },
          ProjectionExpression: "PK, SK",
          ConsistentRead: true
        })).filter((item) => !(item["SK"]?.S ?? "").startsWith(statePrefix(version)))
        yield* writeAll(stale.map((key): WriteRequest => ({ DeleteRequest: { Key: { PK: key["PK"]!, SK: key["SK"]! } } })))
      }).pipe(span("save"))

    const history: TenancyStoreShape["history"] = (customerId: CustomerId) =>
      Effect.gen(function* () {
        const items = yield* query({
          TableName: tableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :events)",
          ExpressionAttributeValues: { ":pk": { S: eventsPk(customerId) }, ":events": { S: "EVENT#" } },
          ConsistentRead: true
        })
        return yield* Effect.mapError(Schema.decodeUnknown(Schema.Array(EventBody))(items.map((item) => item["body"]?.S)), corrupt)
      }).pipe(span("history"))

    return { location, load, save, history }
  })

/** Tenancy records in the DynamoDB table `tableName` (it must exist: the queue's `provision` or the CDK app creates it). */
export const layer = (tableName: string, options: TenancyStoreOptions & { readonly target?: AwsTarget } = {}): Layer.Layer<TenancyStore, never, AwsClients.AwsClients> =>
  Layer.effect(TenancyStore, make(tableName, options))
