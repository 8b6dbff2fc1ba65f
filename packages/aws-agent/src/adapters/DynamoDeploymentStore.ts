/**
 * The deployment store on DynamoDB, in the cycles table (DynamoCycleStore's):
 *
 *   PK = DEPLOYMENT#<id>   SK = RECORD                    version, status, the StoredDeployment
 *                          SK = CHUNK#RECORD#<digest>#<n> one piece of a large body
 *
 * The body is gzipped JSON through the cycle store's codec
 * (DynamoCycleStoreBody.ts): inline when it fits, else chunks written before
 * the head. These items carry no HistoryKey, so the History index (and
 * `miyabi cycle history`) never sees them.
 *
 * A save is one conditional PutItem of the head: `attribute_not_exists(PK)`
 * for an id this instance never read, else `version = <the version it
 * read>`, writing version + 1. The loser of two writers gets StoreFailed
 * ("written by another writer") and its record is not written. A loser's
 * chunks stay unreferenced (they may share keys with the winner's, so they
 * are not deleted); the winner deletes the chunks its head no longer uses.
 *
 * `list` is a Query, never a Scan (the worker's IAM policy has none): heads
 * carry HistoryKey = "DEPLOYMENTS" and HistorySort = <startedAt>#<id>, so the
 * table's existing `History` index (DynamoCycleStore's, an overloaded index)
 * holds every deployment in a partition of its own, newest first, beside the
 * cycles' "CYCLES" partition that `cycle history` reads. The index projects
 * the table keys, which name the id; no body is read. Like all of `History`
 * it is eventually consistent on AWS: a deployment saved a moment ago may be
 * missing from `list` (load reads the table, strongly consistent). Heads saved
 * before the index attributes existed are listed once they are saved again.
 */
import { type AttributeValue, DeleteItemCommand, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb"
import { type AwsError, AwsClients, type AwsTarget } from "@miyabi/aws-runtime"
import { DeploymentId } from "@miyabi/types"
import { Effect, Layer, Option } from "effect"
import type { DeployError } from "../deploy/DeployError.js"
import { DeploymentStore, type DeploymentStoreShape } from "../deploy/DeploymentStore.js"
import { decodeStored, encodeStored, makeVersionBook, storeFailed, writtenByAnother } from "../deploy/DeploymentStoreCodec.js"
import { HISTORY_INDEX } from "./DynamoCycleStore.js"
import { DEFAULT_CHUNK_BYTES, decodeBody, encodeBody } from "./DynamoCycleStoreBody.js"
import { DynamoDb } from "./DynamoDbInventory.js"

export interface DynamoDeploymentStoreOptions {
  /** The cycles table (MIYABI_CYCLE_TABLE); it is created by the infrastructure stack (or DynamoCycleStore's `provision`). */
  readonly tableName: string
  /** Account and region of the table (default: the caller's own account, the runtime's region). */
  readonly target?: AwsTarget
  /** Gzip bytes per item (default 350,000). */
  readonly chunkBytes?: number
  /** Deployments per `list` Query page (default: DynamoDB's, up to 1 MB of index entries). */
  readonly listPageSize?: number
}

type Item = Record<string, AttributeValue>
const HEAD = "RECORD"
const PREFIX = "DEPLOYMENT#"
const pk = (id: string) => `${PREFIX}${id}`
const chunkKey = (digest: string, n: number) => `CHUNK#${HEAD}#${digest}#${String(n).padStart(5, "0")}`
const idOf = (key: string | undefined): ReadonlyArray<DeploymentId> => (key?.startsWith(PREFIX) === true ? [DeploymentId.make(key.slice(PREFIX.length))] : [])
/** The deployments' partition of the History index (the cycles' is "CYCLES"). */
const LIST_KEY = "DEPLOYMENTS"

/** Every page of a Query (LastEvaluatedKey is a map, which the runtime's string-token paginator does not carry); bounded at 10,000 pages. */
const allPages = (page: (start: Item | undefined) => Effect.Effect<{ readonly Items?: Array<Item> | undefined; readonly LastEvaluatedKey?: Item | undefined }, AwsError>) =>
  Effect.iterate({ items: [] as ReadonlyArray<Item>, start: undefined as Item | undefined, pages: 0, done: false }, {
    while: (s) => !s.done,
    body: (s) =>
      Effect.map(page(s.start), (out) => ({
        items: [...s.items, ...(out.Items ?? [])],
        start: out.LastEvaluatedKey,
        pages: s.pages + 1,
        done: out.LastEvaluatedKey === undefined || Object.keys(out.LastEvaluatedKey).length === 0 || s.pages + 1 >= 10_000
      }))
  }).pipe(Effect.map((s) => s.items))

export const make = (options: DynamoDeploymentStoreOptions): Effect.Effect<DeploymentStoreShape, never, AwsClients.AwsClients> =>
  Effect.gen(function* () {
    const aws = yield* AwsClients.AwsClients
    const { tableName } = options
    const target = options.target ?? {}
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES
    const book = yield* makeVersionBook
    const where = `table ${tableName}`
    const awsFailed = (what: string) => (error: AwsError) => storeFailed(`${where}: cannot ${what}`)(error)
    const codecFailed = (error: { readonly detail: string }): DeployError => storeFailed(where)(error.detail)

    const save: DeploymentStoreShape["save"] = (d) =>
      book.serialized(Effect.gen(function* () {
        const id = d.record.id
        const seen = yield* book.seen(id)
        const body = yield* Effect.flatMap(encodeStored(d), (json) => Effect.mapError(encodeBody(id, JSON.parse(json) as unknown, chunkBytes), codecFailed))
        const key = { PK: { S: pk(id) } }
        if (body._tag === "Chunked") {
          yield* Effect.forEach(body.chunks, (bytes, n) =>
            aws.call(DynamoDb, target, new PutItemCommand({ TableName: tableName, Item: { ...key, SK: { S: chunkKey(body.digest, n) }, data: { B: bytes } } })), { concurrency: 4, discard: true }
          ).pipe(Effect.mapError(awsFailed(`write the chunks of deployment ${id}`)))
        }
        const head: Item = {
          ...key,
          SK: { S: HEAD },
          deploymentId: { S: id },
          status: { S: d.record.status },
          version: { N: String(seen + 1) },
          HistoryKey: { S: LIST_KEY },
          HistorySort: { S: `${d.record.startedAt.toISOString()}#${id}` },
          ...(body._tag === "Inline" ? { body: { B: body.bytes } } : { chunks: { N: String(body.chunks.length) }, digest: { S: body.digest }, size: { N: String(body.size) } })
        }
        const old = yield* aws.call(DynamoDb, target, new PutItemCommand({
          TableName: tableName,
          Item: head,
          ...(seen === 0 ? { ConditionExpression: "attribute_not_exists(PK)" } : { ConditionExpression: "version = :seen", ExpressionAttributeValues: { ":seen": { N: String(seen) } } }),
          ReturnValues: "ALL_OLD"
        })).pipe(
          Effect.catchIf((error) => error.code === "ConditionalCheckFailedException", () => Effect.fail(writtenByAnother(id, where, seen))),
          Effect.mapError((error) => (error._tag === "AwsError" ? awsFailed(`write deployment ${id}`)(error) : error))
        )
        yield* book.record(id, seen + 1)
        // The previous head's chunks, when the new head does not use them. Best effort: nothing points at them any more.
        const oldDigest = old.Attributes?.["digest"]?.S
        const oldCount = Number(old.Attributes?.["chunks"]?.N ?? "0")
        if (oldDigest !== undefined && oldDigest !== (body._tag === "Chunked" ? body.digest : undefined)) {
          yield* Effect.forEach(Array.from({ length: oldCount }, (_, n) => n), (n) =>
            aws.call(DynamoDb, target, new DeleteItemCommand({ TableName: tableName, Key: { ...key, SK: { S: chunkKey(oldDigest, n) } } })), { concurrency: 4, discard: true }
          ).pipe(Effect.catchAll((error) => Effect.logWarning(`deployment ${id}: stale chunks left in ${tableName}: ${error.message}`)))
        }
      })).pipe(Effect.withSpan("DeploymentStore.save", { attributes: { deploymentId: d.record.id, store: "dynamodb" } }))

    const load: DeploymentStoreShape["load"] = (id) =>
      Effect.gen(function* () {
        const items = yield* allPages((start) =>
          aws.call(DynamoDb, target, new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: "PK = :pk",
            ExpressionAttributeValues: { ":pk": { S: pk(id) } },
            ConsistentRead: true,
            ...(start === undefined ? {} : { ExclusiveStartKey: start })
          }))
        ).pipe(Effect.mapError(awsFailed(`read deployment ${id}`)))
        const head = items.find((item) => item["SK"]?.S === HEAD)
        if (head === undefined) return Option.none()
        const what = `deployment ${id} in ${where}`
        const inline = head["body"]?.B
        const digest = head["digest"]?.S
        const value = yield* Effect.mapError(
          inline !== undefined
            ? decodeBody(id, what, { _tag: "Inline", bytes: inline })
            : decodeBody(id, what, {
              _tag: "Chunked",
              digest: digest ?? "",
              count: Number(head["chunks"]?.N ?? "0"),
              chunks: items.filter((item) => digest !== undefined && item["SK"]?.S?.startsWith(`CHUNK#${HEAD}#${digest}#`) === true).flatMap((item) => (item["data"]?.B === undefined ? [] : [item["data"].B]))
            }),
          codecFailed
        )
        const stored = yield* decodeStored(JSON.stringify(value), what)
        yield* book.record(id, Number(head["version"]?.N ?? "1"))
        return Option.some(stored)
      }).pipe(Effect.withSpan("DeploymentStore.load", { attributes: { deploymentId: id, store: "dynamodb" } }))

    const list: DeploymentStoreShape["list"] = allPages((start) =>
      aws.call(DynamoDb, target, new QueryCommand({
        TableName: tableName,
        IndexName: HISTORY_INDEX,
        KeyConditionExpression: "HistoryKey = :k",
        ExpressionAttributeValues: { ":k": { S: LIST_KEY } },
        // Newest first: the index sorts by <startedAt>#<id>.
        ScanIndexForward: false,
        ...(options.listPageSize === undefined ? {} : { Limit: options.listPageSize }),
        ...(start === undefined ? {} : { ExclusiveStartKey: start })
      }))
    ).pipe(
      Effect.mapError(awsFailed("list deployments")),
      // The index has the table keys: PK = DEPLOYMENT#<id>. The interface lists ids sorted.
      Effect.map((items) => items.flatMap((item) => idOf(item["PK"]?.S)).sort()),
      Effect.withSpan("DeploymentStore.list", { attributes: { store: "dynamodb" } })
    )

    return { save, load, list }
  })

/** The store as a layer; needs AwsClients (aws-runtime). */
export const layer = (options: DynamoDeploymentStoreOptions): Layer.Layer<DeploymentStore, never, AwsClients.AwsClients> => Layer.effect(DeploymentStore, make(options))
