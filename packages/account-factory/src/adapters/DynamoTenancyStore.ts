/**
 * Tenancy records on DynamoDB, in the platform's table (the aws: store's
 * task table: string keys PK and SK, single-table design):
 *
 *   PK = TENANCY             SK = COMMIT#<seq, 12 digits>                          one committed save: its version, item count, when, who
 *   PK = TENANCY             SK = STATE#<seq>#<version>#<kind>#<n, 6 digits>      one customer, pool, placement, departed placement or deletion
 *   PK = TENANCY#<customer>  SK = EVENT#<at>#<seq>#<version>#<n, 4 digits>        one placement change of the customer (attributes seq, version)
 *
 * Everything is read by Query or GetItem, never Scan. No transactions
 * (dynalite, the sandbox's DynamoDB, has none), so a save is ordered so that
 * one single-item write decides it: the new state's items and its events are
 * written first, under keys naming the save's sequence number (the newest
 * commit's plus one) and a fresh version, then COMMIT#<seq> is put with
 * `attribute_not_exists`. That put is the commit: the newest COMMIT item
 * names the state `load` reads, and an event is shown only when the COMMIT
 * item of its sequence number names its version. A second writer that read
 * the same commit loses the put and is refused (Unwritable) instead of lost.
 *
 * A save killed anywhere before its commit leaves the old state and no
 * visible event (its items name a version no COMMIT names, now or later:
 * the next save takes the same sequence number with another version); one
 * killed after it leaves the new state with every event. After its commit a
 * save deletes the state items of every older or losing version; the event
 * items of a killed save stay, never shown. `load` checks the item count the
 * COMMIT item names, so a read that raced that deletion is read again.
 *
 * Tables written before the commit log (a `SK = HEAD` item naming the
 * version, `STATE#<version>#...`, events without seq) are read as they are;
 * the first save replaces them.
 */
import { BatchWriteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, type AttributeValue, type QueryCommandInput, type WriteRequest } from "@aws-sdk/client-dynamodb"
import { AwsClients, type AwsError, type AwsTarget } from "@miyabi/aws-runtime"
import { Customer, type CustomerId, Placement, PoolState } from "@miyabi/types"
import { randomUUID } from "node:crypto"
import { Chunk, Effect, Layer, Option, Schedule, Schema, Stream } from "effect"
import { emptyTenancyState, PlacementEvent, placementEvents, ScheduledDeletion, TenancyState, TenancyStore, TenancyStoreError, type TenancyStoreOptions, type TenancyStoreShape } from "../tenancy/TenancyStore.js"
import { DynamoDb } from "./DynamoApplyJournal.js"

type Item = Record<string, AttributeValue>

const STATE_PK = "TENANCY"
const eventsPk = (customerId: string) => `TENANCY#${customerId}`
const seqKey = (seq: number) => String(seq).padStart(12, "0")
const commitSk = (seq: number) => `COMMIT#${seqKey(seq)}`
const KINDS = ["CUSTOMER", "POOL", "PLACEMENT", "DEPARTED", "DELETION"] as const
type Kind = (typeof KINDS)[number]
/** BatchWriteItem takes at most 25 requests. */
const BATCH = 25
/** Reads of the newest commit that raced a save's deletion of the version they read, before `load` gives up. */
const TORN_READS = 4

/** A committed state: the version its items are under, and how many there are (none for the legacy HEAD layout). */
interface Commit {
  readonly seq: number
  readonly version: string
  readonly items: number | undefined
  /** Read from the legacy `SK = HEAD` item. */
  readonly legacy: boolean
}
const statePrefix = (commit: Commit) => (commit.legacy ? `STATE#${commit.version}#` : `STATE#${seqKey(commit.seq)}#${commit.version}#`)

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

/** Raised when a version's items are fewer than its commit says: a save deleted them while they were read. */
class Torn {
  readonly _tag = "Torn"
  constructor(readonly detail: string) {}
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
    const deleteAll = (keys: ReadonlyArray<Item>) => writeAll(keys.map((key): WriteRequest => ({ DeleteRequest: { Key: { PK: key["PK"]!, SK: key["SK"]! } } })))

    const getItem = (pk: string, sk: string) =>
      aws.call(DynamoDb, target, new GetItemCommand({ TableName: tableName, Key: { PK: { S: pk }, SK: { S: sk } }, ConsistentRead: true })).pipe(
        Effect.map((out) => Option.fromNullable(out.Item)),
        Effect.mapError(unreadable)
      )

    /** The newest commit; else the legacy HEAD item; else none (an empty store). */
    const newestCommit: Effect.Effect<Option.Option<Commit>, TenancyStoreError> = aws
      .call(DynamoDb, target, new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: "PK = :pk AND begins_with(SK, :commit)",
        ExpressionAttributeValues: { ":pk": { S: STATE_PK }, ":commit": { S: "COMMIT#" } },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true
      }))
      .pipe(
        Effect.mapError(unreadable),
        Effect.flatMap((out) => {
          const item = out.Items?.[0]
          if (item === undefined) {
            return Effect.map(getItem(STATE_PK, "HEAD"), Option.flatMap((head) => Option.map(Option.fromNullable(head["version"]?.S), (version): Commit => ({ seq: 0, version, items: undefined, legacy: true }))))
          }
          const seq = Number((item["SK"]?.S ?? "").slice("COMMIT#".length))
          const version = item["version"]?.S
          const items = Number(item["items"]?.N)
          if (!Number.isSafeInteger(seq) || version === undefined || !Number.isSafeInteger(items)) return Effect.fail(corrupt({ message: `commit item ${item["SK"]?.S ?? "?"} has no version or item count` }))
          return Effect.succeed(Option.some<Commit>({ seq, version, items, legacy: false }))
        })
      )

    const loadCommit = (commit: Option.Option<Commit>) =>
      Effect.gen(function* () {
        if (Option.isNone(commit)) return emptyTenancyState()
        const items = yield* query({
          TableName: tableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :prefix)",
          ExpressionAttributeValues: { ":pk": { S: STATE_PK }, ":prefix": { S: statePrefix(commit.value) } },
          ConsistentRead: true
        })
        const expected = commit.value.items
        if (expected !== undefined && items.length !== expected) return yield* Effect.fail(new Torn(`version ${commit.value.version} has ${items.length} of its ${expected} items`))
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

    /** The newest commit and its state; read again when a save deleted that version's items midway. */
    const current = Effect.flatMap(newestCommit, (commit) => Effect.map(loadCommit(commit), (state) => ({ commit, state }))).pipe(
      Effect.retry({ schedule: Schedule.recurs(TORN_READS), while: (error) => error instanceof Torn }),
      Effect.mapError((error) => (error instanceof Torn ? corrupt({ message: error.detail }) : error))
    )

    const load: TenancyStoreShape["load"] = () => Effect.map(current, ({ state }) => state).pipe(span("load"))

    const save: TenancyStoreShape["save"] = (state) =>
      Effect.gen(function* () {
        const { commit: previous, state: before } = yield* current
        const seq = Option.match(previous, { onNone: () => 1, onSome: (commit) => commit.seq + 1 })
        const version = randomUUID()
        const at = now()
        const prefix = statePrefix({ seq, version, items: undefined, legacy: false })
        const encoded = yield* Effect.mapError(
          Schema.encode(Bodies)({ CUSTOMER: state.customers, POOL: state.pools, PLACEMENT: state.placements, DEPARTED: state.departed, DELETION: state.deletions }),
          corrupt
        )
        const stateItems = KINDS.flatMap((kind) =>
          encoded[kind].map((body, n): Item => ({ PK: { S: STATE_PK }, SK: { S: `${prefix}${kind}#${String(n).padStart(6, "0")}` }, kind: { S: kind }, body: { S: body } }))
        )
        const events = placementEvents(before.placements, state.placements, at, actor)
        const eventItems = yield* Effect.forEach(events, (event, n) =>
          Effect.map(Effect.mapError(Schema.encode(EventBody)(event), corrupt), (body): Item => ({
            PK: { S: eventsPk(event.customerId) },
            SK: { S: `EVENT#${event.at.toISOString()}#${seqKey(seq)}#${version}#${String(n).padStart(4, "0")}` },
            seq: { N: String(seq) },
            version: { S: version },
            body: { S: body }
          }))
        )
        // Before the commit nothing below is visible: no COMMIT item names this version.
        yield* writeAll([...stateItems, ...eventItems].map((Item): WriteRequest => ({ PutRequest: { Item } })))
        // The commit: one conditional put decides between writers that read the same commit.
        yield* aws
          .call(DynamoDb, target, new PutItemCommand({
            TableName: tableName,
            Item: { PK: { S: STATE_PK }, SK: { S: commitSk(seq) }, version: { S: version }, items: { N: String(stateItems.length) }, events: { N: String(eventItems.length) }, at: { S: at.toISOString() }, actor: { S: actor } },
            ConditionExpression: "attribute_not_exists(PK)"
          }))
          .pipe(
            Effect.catchIf(
              (error) => error.code === "ConditionalCheckFailedException",
              // The runtime retries a put whose answer was lost, and the retry finds the item: whose is it?
              () =>
                Effect.flatMap(getItem(STATE_PK, commitSk(seq)), (found) =>
                  Option.exists(found, (item) => item["version"]?.S === version)
                    ? Effect.void
                    // Lost to another writer: this version never shows; its items go (best effort, they are invisible either way).
                    : deleteAll([...stateItems, ...eventItems]).pipe(
                      Effect.ignore,
                      Effect.zipRight(Effect.fail(unwritable("another writer saved the tenancy state in between; load and save again")))
                    ))
            ),
            Effect.mapError((error) => (error._tag === "AwsError" ? unwritable(error.message) : error))
          )
        // Older versions, losers of this sequence number and the legacy layout are unreachable now; a later writer's
        // (sequence number above this one, not committed yet) are not.
        const stale = (yield* query({
          TableName: tableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :state)",
          ExpressionAttributeValues: { ":pk": { S: STATE_PK }, ":state": { S: "STATE#" } },
          ProjectionExpression: "PK, SK",
          ConsistentRead: true
        })).filter((item) => {
          const [, itemSeq = "", itemVersion] = (item["SK"]?.S ?? "").split("#")
          if (!/^\d{12}$/.test(itemSeq)) return true
          return Number(itemSeq) <= seq && itemVersion !== version
        })
        const legacyHead = Option.exists(previous, (commit) => commit.legacy) ? [{ PK: { S: STATE_PK }, SK: { S: "HEAD" } }] : []
        yield* deleteAll([...stale, ...legacyHead])
      }).pipe(span("save"))

    const history: TenancyStoreShape["history"] = (customerId: CustomerId) =>
      Effect.gen(function* () {
        const items = yield* query({
          TableName: tableName,
          KeyConditionExpression: "PK = :pk AND begins_with(SK, :events)",
          ExpressionAttributeValues: { ":pk": { S: eventsPk(customerId) }, ":events": { S: "EVENT#" } },
          ConsistentRead: true
        })
        // The version each sequence number committed (none: not committed, or not yet).
        const seqs = [...new Set(items.flatMap((item) => (item["seq"]?.N === undefined ? [] : [Number(item["seq"].N)])))]
        const committed = new Map(
          yield* Effect.forEach(seqs, (seq) => Effect.map(getItem(STATE_PK, commitSk(seq)), (commit) => [seq, Option.getOrUndefined(commit)?.["version"]?.S] as const), { concurrency: 8 })
        )
        // Events written before the commit log (no seq) were written after their commit.
        const shown = items.filter((item) => {
          if (item["seq"]?.N === undefined) return true
          const version = committed.get(Number(item["seq"].N))
          return version !== undefined && version === item["version"]?.S
        })
        return yield* Effect.mapError(Schema.decodeUnknown(Schema.Array(EventBody))(shown.map((item) => item["body"]?.S)), corrupt)
      }).pipe(span("history"))

    return { location, load, save, history }
  })

/** Tenancy records in the DynamoDB table `tableName` (it must exist: the queue's `provision` or the CDK app creates it). */
export const layer = (tableName: string, options: TenancyStoreOptions & { readonly target?: AwsTarget } = {}): Layer.Layer<TenancyStore, never, AwsClients.AwsClients> =>
  Layer.effect(TenancyStore, make(tableName, options))
