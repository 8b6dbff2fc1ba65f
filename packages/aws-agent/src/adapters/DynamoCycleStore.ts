/**
 * The cycle store on DynamoDB: one table, single-table design.
 *
 *   PK = CYCLE#<id>   SK = INPUT                          head: startedAt, the input
 *                     SK = PHASE#<NN>                     head: phase, completedAt, the output
 *                     SK = CHUNK#<head SK>#<digest>#<n>   one piece of a large body
 *
 * Bodies are gzipped JSON, inline in the head when they fit, else chunk
 * items (DEFAULT_CHUNK_BYTES each) that the head names by count and the
 * SHA-256 of the whole. Chunks are written first and the head last, so a
 * crash mid-write leaves the phase absent (or its previous head pointing at
 * its own, untouched chunks), never half a phase. No transactions: dynalite
 * has no TransactWriteItems, and single-item writes suffice.
 *
 * `begin` is a conditional put (attribute_not_exists): a second begin of an
 * id fails with AlreadyExists, even from another process.
 *
 * History without a Scan: heads (not chunks) carry HistoryKey = "CYCLES" and
 * HistorySort = <startedAt>#<id>#<SK>, indexed by the global secondary index
 * `History` (projecting only the summary attributes). One Query, newest
 * first, reads every cycle's summary and nothing of its bodies. All cycles
 * share one index partition: cycles start a few times a day and each adds
 * about seven small index entries, far below a partition's 1,000 writes/s.
 * The index is eventually consistent on AWS: history may lag a write by a
 * moment; load reads the table with strong consistency.
 */
import {
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  GetItemCommand,
  PutItemCommand,
  type AttributeValue,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput
} from "@aws-sdk/client-dynamodb"
import { type AwsError, AwsClients, type AwsTarget } from "@miyabi/aws-runtime"
import { Effect, Layer, Schedule } from "effect"
import { CycleStore, type CycleStoreShape, type CycleSummary, type StoredPhase } from "../cycle/CycleStore.js"
import { checkId, checkPhase, corrupt, CycleStoreError } from "../cycle/CycleStoreError.js"
import { newestFirst, startTime, summarize } from "../cycle/CycleStoreHistory.js"
import { DEFAULT_CHUNK_BYTES, decodeBody, type EncodedBody, encodeBody } from "./DynamoCycleStoreBody.js"
import { DynamoDb } from "./DynamoDbInventory.js"

export interface DynamoCycleStoreOptions {
  readonly tableName: string
  /** Account and region of the table (default: the caller's own account, the runtime's region). */
  readonly target?: AwsTarget
  /** Create the table and its index when absent (tests, development); on AWS the infrastructure stack creates it. */
  readonly provision?: boolean
  /** Gzip bytes per item (default 350,000). */
  readonly chunkBytes?: number
}

export const HISTORY_INDEX = "History"
const HISTORY_KEY = "CYCLES"

type Item = Record<string, AttributeValue>
const S = (value: string): AttributeValue => ({ S: value })
const N = (value: number): AttributeValue => ({ N: String(value) })
const str = (item: Item, key: string): string | undefined => item[key]?.S
const num = (item: Item, key: string): number | undefined => (item[key]?.N === undefined ? undefined : Number(item[key]?.N))

const pk = (cycleId: string) => `CYCLE#${cycleId}`
const phaseSk = (index: number) => `PHASE#${String(index).padStart(2, "0")}`
const chunkPrefix = (headSk: string, digest: string) => `CHUNK#${headSk}#${digest}#`
const chunkSk = (headSk: string, digest: string, n: number) => `${chunkPrefix(headSk, digest)}${String(n).padStart(5, "0")}`

const isConditionFailure = (error: AwsError): boolean => error.code === "ConditionalCheckFailedException"

export const make = (options: DynamoCycleStoreOptions): Effect.Effect<CycleStoreShape, CycleStoreError, AwsClients.AwsClients> =>
  Effect.gen(function*() {
    const aws = yield* AwsClients.AwsClients
    const { tableName } = options
    const target = options.target ?? {}
    const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES
    const failed = (cycleId: string, reason: "ReadFailed" | "WriteFailed") => (error: AwsError) =>
      new CycleStoreError({ reason, cycleId, detail: `table ${tableName}: ${error.message}` })

    /** Every page of a query (LastEvaluatedKey is a map, which the runtime's string-token paginator does not carry). */
    const queryAll = (input: QueryCommandInput): Effect.Effect<ReadonlyArray<Item>, AwsError> =>
      Effect.iterate({ items: [] as ReadonlyArray<Item>, next: undefined as Item | undefined, done: false }, {
        while: (state) => !state.done,
        body: (state) =>
          aws.call(DynamoDb, target, new QueryCommand(state.next === undefined ? input : { ...input, ExclusiveStartKey: state.next })).pipe(
            Effect.map((out: QueryCommandOutput) => ({
              items: [...state.items, ...(out.Items ?? [])],
              next: out.LastEvaluatedKey,
              done: out.LastEvaluatedKey === undefined || Object.keys(out.LastEvaluatedKey).length === 0
            }))
          )
      }).pipe(Effect.map((state) => state.items))

    if (options.provision === true) {
      const status = yield* provision(aws, tableName, target).pipe(Effect.mapError(failed("*", "WriteFailed")))
      if (status !== "ACTIVE") return yield* new CycleStoreError({ reason: "WriteFailed", cycleId: "*", detail: `table ${tableName} is ${status ?? "unknown"}, not ACTIVE, after 2 minutes` })
    }

    const put = (item: Item, condition?: string) =>
      aws.call(DynamoDb, target, new PutItemCommand({ TableName: tableName, Item: item, ...(condition === undefined ? {} : { ConditionExpression: condition }), ReturnValues: "ALL_OLD" }))
        .pipe(Effect.map((out) => out.Attributes))

    /** Writes the chunks of a large body (before its head) and returns the head's body attributes. */
    const writeBody = (cycleId: string, headSk: string, body: EncodedBody): Effect.Effect<Item, CycleStoreError> =>
      body._tag === "Inline"
        ? Effect.succeed({ body: { B: body.bytes } })
        : Effect.forEach(body.chunks, (bytes, n) => put({ PK: S(pk(cycleId)), SK: S(chunkSk(headSk, body.digest, n)), data: { B: bytes } }), { concurrency: 4, discard: true }).pipe(
          Effect.mapError(failed(cycleId, "WriteFailed")),
          Effect.as({ chunks: N(body.chunks.length), digest: S(body.digest), size: N(body.size) })
        )

    /** After a head was replaced: its old chunks, when the new head does not use them. Best effort (they are unreachable either way). */
    const dropOldChunks = (cycleId: string, headSk: string, old: Item | undefined, kept: string | undefined) => {
      const digest = old === undefined ? undefined : str(old, "digest")
      const count = old === undefined ? undefined : num(old, "chunks")
      if (digest === undefined || count === undefined || digest === kept) return Effect.void
      return Effect.forEach(
        Array.from({ length: count }, (_, n) => n),
        (n) => aws.call(DynamoDb, target, new DeleteItemCommand({ TableName: tableName, Key: { PK: S(pk(cycleId)), SK: S(chunkSk(headSk, digest, n)) } })),
        { concurrency: 4, discard: true }
      ).pipe(Effect.catchAll((error) => Effect.logWarning(`cycle ${cycleId}: stale chunks of ${headSk} left in ${tableName}: ${error.message}`)))
    }

    const readHead = (cycleId: string) =>
      aws.call(DynamoDb, target, new GetItemCommand({ TableName: tableName, Key: { PK: S(pk(cycleId)), SK: S("INPUT") }, ConsistentRead: true, ProjectionExpression: "startedAt" }))
        .pipe(Effect.map((out) => (out.Item === undefined ? undefined : str(out.Item, "startedAt") ?? "")), Effect.mapError(failed(cycleId, "ReadFailed")))

    const historyAttributes = (cycleId: string, startedAt: string, sk: string): Item => ({
      cycleId: S(cycleId),
      startedAt: S(startedAt),
      HistoryKey: S(HISTORY_KEY),
      HistorySort: S(`${startedAt}#${cycleId}#${sk}`)
    })

    /** A head's body back, from the items of its cycle's partition. */
    const bodyOf = (cycleId: string, head: Item, items: ReadonlyArray<Item>, what: string) => {
      const inline = head["body"]?.B
      if (inline !== undefined) return decodeBody(cycleId, what, { _tag: "Inline", bytes: inline })
      const digest = str(head, "digest")
      const count = num(head, "chunks")
      if (digest === undefined || count === undefined) return Effect.fail(corrupt(cycleId, `${what}: head has neither body nor chunks`))
      const prefix = chunkPrefix(str(head, "SK") ?? "", digest)
      const chunks = items.filter((item) => str(item, "SK")?.startsWith(prefix) === true).flatMap((item) => (item["data"]?.B === undefined ? [] : [item["data"].B]))
      return decodeBody(cycleId, what, { _tag: "Chunked", digest, count, chunks })
    }

    const begin: CycleStoreShape["begin"] = (cycleId, input) =>
      Effect.gen(function*() {
        yield* checkId(cycleId)
        const exists = () => new CycleStoreError({ reason: "AlreadyExists", cycleId, detail: `a cycle with this id was already begun (table ${tableName})` })
        // Checked first so that a refused begin writes no chunks; the conditional put below settles races.
        if ((yield* readHead(cycleId)) !== undefined) return yield* exists()
        const body = yield* encodeBody(cycleId, input, chunkBytes)
        const startedAt = yield* startTime
        const bodyAttributes = yield* writeBody(cycleId, "INPUT", body)
        yield* put({ PK: S(pk(cycleId)), SK: S("INPUT"), ...historyAttributes(cycleId, startedAt, "INPUT"), ...bodyAttributes }, "attribute_not_exists(PK)").pipe(
          Effect.catchIf(isConditionFailure, () => Effect.fail(exists())),
          Effect.mapError((error) => (error._tag === "AwsError" ? failed(cycleId, "WriteFailed")(error) : error))
        )
      }).pipe(Effect.withSpan("CycleStore.begin", { attributes: { cycleId, store: "dynamodb" } }))

    const savePhase: CycleStoreShape["savePhase"] = (cycleId, phase) =>
      Effect.gen(function*() {
        yield* checkPhase(cycleId, phase)
        const startedAt = yield* readHead(cycleId)
        if (startedAt === undefined) return yield* new CycleStoreError({ reason: "NotBegun", cycleId, detail: "savePhase before begin" })
        const sk = phaseSk(phase.index)
        const body = yield* encodeBody(cycleId, phase.output, chunkBytes)
        const bodyAttributes = yield* writeBody(cycleId, sk, body)
        const old = yield* put({
          PK: S(pk(cycleId)),
          SK: S(sk),
          ...historyAttributes(cycleId, startedAt, sk),
          phaseIndex: N(phase.index),
          phase: S(phase.phase),
          completedAt: S(phase.completedAt),
          ...bodyAttributes
        }).pipe(Effect.mapError(failed(cycleId, "WriteFailed")))
        yield* dropOldChunks(cycleId, sk, old, body._tag === "Chunked" ? body.digest : undefined)
      }).pipe(Effect.withSpan("CycleStore.savePhase", { attributes: { cycleId, phase: phase.phase, store: "dynamodb" } }))

    const load: CycleStoreShape["load"] = (cycleId) =>
      Effect.gen(function*() {
        yield* checkId(cycleId)
        const items = yield* queryAll({
          TableName: tableName,
          KeyConditionExpression: "PK = :pk",
          ExpressionAttributeValues: { ":pk": S(pk(cycleId)) },
          ConsistentRead: true
        }).pipe(Effect.mapError(failed(cycleId, "ReadFailed")))
        const head = items.find((item) => str(item, "SK") === "INPUT")
        if (head === undefined) return undefined
        const input = yield* bodyOf(cycleId, head, items, "input")
        const phaseHeads = items.filter((item) => str(item, "SK")?.startsWith("PHASE#") === true)
        const phases = yield* Effect.forEach(phaseHeads, (item) =>
          Effect.gen(function*() {
            const index = num(item, "phaseIndex")
            const name = str(item, "phase")
            const completedAt = str(item, "completedAt")
            if (index === undefined || name === undefined || completedAt === undefined) return yield* corrupt(cycleId, `${str(item, "SK")}: missing phaseIndex, phase or completedAt`)
            const output = yield* bodyOf(cycleId, item, items, `phase ${index} ${name}`)
            return { index, phase: name, completedAt, output } satisfies StoredPhase
          }))
        return { cycleId, input, startedAt: str(head, "startedAt") ?? "", phases: [...phases].sort((a, b) => a.index - b.index) }
      }).pipe(Effect.withSpan("CycleStore.load", { attributes: { cycleId, store: "dynamodb" } }))

    const history: CycleStoreShape["history"] = () =>
      queryAll({
        TableName: tableName,
        IndexName: HISTORY_INDEX,
        KeyConditionExpression: "HistoryKey = :k",
        ExpressionAttributeValues: { ":k": S(HISTORY_KEY) },
        ScanIndexForward: false
      }).pipe(
        Effect.mapError(failed("*", "ReadFailed")),
        Effect.map((items) => {
          const cycles = new Map<string, { startedAt?: string; phases: Array<Omit<StoredPhase, "output">> }>()
          for (const item of items) {
            const cycleId = str(item, "cycleId")
            if (cycleId === undefined) continue
            const cycle = cycles.get(cycleId) ?? { phases: [] }
            cycles.set(cycleId, cycle)
            const index = num(item, "phaseIndex")
            const phase = str(item, "phase")
            const completedAt = str(item, "completedAt")
            if (str(item, "SK") === "INPUT") cycle.startedAt = str(item, "startedAt") ?? ""
            else if (index !== undefined && phase !== undefined && completedAt !== undefined) cycle.phases.push({ index, phase, completedAt })
          }
          // A phase head without its INPUT head in the index yet (index lag) is not a cycle to show.
          return newestFirst([...cycles].flatMap(([cycleId, c]): ReadonlyArray<CycleSummary> => (c.startedAt === undefined ? [] : [summarize(cycleId, c.startedAt, c.phases)])))
        }),
        Effect.withSpan("CycleStore.history", { attributes: { store: "dynamodb" } })
      )

    return { begin, savePhase, load, list: () => Effect.map(history(), (cycles) => cycles.map((c) => c.cycleId).sort()), history }
  })

/** The store as a layer; needs AwsClients (aws-runtime). */
export const layer = (options: DynamoCycleStoreOptions): Layer.Layer<CycleStore, CycleStoreError, AwsClients.AwsClients> => Layer.effect(CycleStore, make(options))

/**
 * Creates the table and its index when absent and waits (up to 2 minutes) until it is ACTIVE:
 * CreateTable is asynchronous on AWS. Returns the last status seen.
 */
const provision = (aws: AwsClients.AwsClientsShape, tableName: string, target: AwsTarget): Effect.Effect<string | undefined, AwsError> => {
  const status = aws.call(DynamoDb, target, new DescribeTableCommand({ TableName: tableName })).pipe(Effect.map((out) => out.Table?.TableStatus))
  const keySchema = (hash: string, range: string) => [{ AttributeName: hash, KeyType: "HASH" as const }, { AttributeName: range, KeyType: "RANGE" as const }]
  const create = aws.call(DynamoDb, target, new CreateTableCommand({
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: ["PK", "SK", "HistoryKey", "HistorySort"].map((AttributeName) => ({ AttributeName, AttributeType: "S" as const })),
    KeySchema: keySchema("PK", "SK"),
    GlobalSecondaryIndexes: [{
      IndexName: HISTORY_INDEX,
      KeySchema: keySchema("HistoryKey", "HistorySort"),
      // Only the summary: history never reads bodies.
      Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["cycleId", "startedAt", "phaseIndex", "phase", "completedAt"] }
    }]
  })).pipe(
    // Another process created it first.
    Effect.catchIf((error) => error.code === "ResourceInUseException", () => Effect.void)
  )
  // The repeat yields the schedule's output, so the status is read once more at the end.
  const active = status.pipe(Effect.repeat({ schedule: Schedule.spaced("1 second"), until: (s) => s === "ACTIVE", times: 120 }), Effect.zipRight(status))
  return status.pipe(
    Effect.catchIf((error) => error.reason === "NotFound", () => Effect.zipRight(create, Effect.succeed(undefined))),
    Effect.flatMap((s): Effect.Effect<string | undefined, AwsError> => (s === "ACTIVE" ? Effect.succeed(s) : active)),
    Effect.withSpan("CycleStore.provision", { attributes: { tableName } })
  )
}
