/**
 * The DynamoDB cycle store against dynalite (the sandbox's local DynamoDB,
 * in-process on 127.0.0.1): the shared conformance suite, then what is
 * particular to DynamoDB: large bodies in chunks, a crash between chunks and
 * head, and chunks that go missing.
 */
import { type AttributeValue, DeleteItemCommand, DynamoDBClient, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb"
import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, useSandboxEnv } from "@miyabi/sandbox"
import { Context, Duration, Effect, Layer } from "effect"
import { CycleStore } from "../cycle/CycleStore.js"
import { cycleStoreConformance, largeWorld } from "../cycle/CycleStore.testkit.js"
import * as DynamoCycleStore from "./DynamoCycleStore.js"

const tableName = "miyabi-cycles"
// The test clock does not move by itself: a request budget that ran dry would wait forever, so it is set out of reach.
const runtime = AwsRuntime.layer({
  region: "us-east-1",
  retryBaseDelay: Duration.millis(5),
  retryMaxDelay: Duration.millis(50),
  maxAttempts: 3,
  rateLimits: { dynamodb: { perSecond: 5_000, burst: 5_000 } }
})

/** A sandbox (with dynalite) for the scope, the store over a provisioned table, and a raw client for what the store would never write. */
const openDynalite = Effect.gen(function*() {
  const sandbox = yield* Sandbox.start({})
  yield* useSandboxEnv(sandbox)
  const storeLayer = DynamoCycleStore.layer({ tableName, provision: true }).pipe(Layer.provide(runtime))
  const build = Effect.map(Layer.build(storeLayer), (context) => Context.get(context, CycleStore))
  const client = yield* Effect.acquireRelease(
    Effect.sync(() => new DynamoDBClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials })),
    (c) => Effect.sync(() => c.destroy())
  )
  /** Every sort key of a cycle's partition (all pages: a page stops at 1 MB read). */
  const sks = (cycleId: string) =>
    Effect.promise(async () => {
      const keys: Array<string> = []
      let start: Record<string, AttributeValue> | undefined
      for (let page = 0; page < 100; page++) {
        const out = await client.send(new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: "PK = :pk",
          ExpressionAttributeValues: { ":pk": { S: `CYCLE#${cycleId}` } },
          ...(start === undefined ? {} : { ExclusiveStartKey: start })
        }))
        keys.push(...(out.Items ?? []).map((item) => item["SK"]?.S ?? ""))
        start = out.LastEvaluatedKey
        if (start === undefined) break
      }
      return keys
    })
  return { store: yield* build, build, client, sks }
})

cycleStoreConformance({
  name: "dynalite",
  corruptible: true,
  largeOutputBytes: 3_000_000,
  open: Effect.map(openDynalite, ({ store, build, client }) => ({
    store,
    reopen: build,
    corrupt: (cycleId, index) =>
      Effect.promise(() =>
        client.send(new PutItemCommand({
          TableName: tableName,
          Item: { PK: { S: `CYCLE#${cycleId}` }, SK: { S: `PHASE#${String(index).padStart(2, "0")}` }, phaseIndex: { N: String(index) }, phase: { S: "x" }, completedAt: { S: "x" }, body: { B: Buffer.from("not gzip") } }
        }))
      )
  }))
})

describe("DynamoCycleStore", () => {
  it.scoped("a large output is stored as chunks under 400 KB, written before its head; a crash before the head leaves the phase absent", () =>
    Effect.gen(function*() {
      const { store, client, sks } = yield* openDynalite
      const world = largeWorld(3_000_000)
      yield* store.begin("c-1", { small: true })
      yield* store.savePhase("c-1", { index: 0, phase: "discover", output: world, completedAt: "t0" })
      const keys = yield* sks("c-1")
      const chunks = keys.filter((sk) => sk.startsWith("CHUNK#PHASE#00#"))
      // 3.2 MB of hex JSON gzips to 1.7 MB: five 350 KB chunks.
      expect(chunks.length).toBe(5)
      expect(keys.filter((sk) => !sk.startsWith("CHUNK#"))).toEqual(["INPUT", "PHASE#00"])
      // A writer that died after its chunks and before its head: the chunks are there, the phase is not.
      for (const sk of chunks) {
        const copy = sk.replace("CHUNK#PHASE#00#", "CHUNK#PHASE#01#")
        yield* Effect.promise(() => client.send(new PutItemCommand({ TableName: tableName, Item: { PK: { S: "CYCLE#c-1" }, SK: { S: copy }, data: { B: Buffer.from("partial") } } })))
      }
      const loaded = yield* store.load("c-1")
      expect(loaded?.phases.map((p) => p.phase)).toEqual(["discover"])
      expect(loaded?.phases[0]?.output).toEqual(world)
      expect((yield* store.history())[0]?.phases).toEqual(["discover"])
    }))

  it.scoped("the 400 KB item limit is real here: with chunks of 600 KB the write is refused", () =>
    Effect.gen(function*() {
      const { build } = yield* openDynalite
      const store = yield* build
      const oversized = yield* Layer.build(DynamoCycleStore.layer({ tableName, chunkBytes: 600_000 }).pipe(Layer.provide(runtime))).pipe(Effect.map((context) => Context.get(context, CycleStore)))
      yield* store.begin("c-1", null)
      const error = yield* Effect.flip(oversized.savePhase("c-1", { index: 0, phase: "discover", output: largeWorld(1_500_000), completedAt: "t0" }))
      expect(error.reason).toBe("WriteFailed")
      expect(error.detail).toContain("Item size")
      expect((yield* store.load("c-1"))?.phases).toEqual([])
    }))

  it.scoped("replacing a chunked phase removes its old chunks; a missing chunk is Corrupt", () =>
    Effect.gen(function*() {
      const { store, client, sks } = yield* openDynalite
      yield* store.begin("c-1", null)
      yield* store.savePhase("c-1", { index: 0, phase: "discover", output: largeWorld(1_500_000), completedAt: "t0" })
      const first = (yield* sks("c-1")).filter((sk) => sk.startsWith("CHUNK#"))
      yield* store.savePhase("c-1", { index: 0, phase: "discover", output: { ...largeWorld(1_500_000), timestamp: "later" }, completedAt: "t1" })
      const second = (yield* sks("c-1")).filter((sk) => sk.startsWith("CHUNK#"))
      expect(first.length).toBeGreaterThanOrEqual(2)
      expect(second.length).toBe(first.length)
      expect(second.filter((sk) => first.includes(sk))).toEqual([])
      expect((yield* store.load("c-1"))?.phases[0]?.output).toMatchObject({ timestamp: "later" })
      yield* Effect.promise(() => client.send(new DeleteItemCommand({ TableName: tableName, Key: { PK: { S: "CYCLE#c-1" }, SK: { S: second[1] ?? "" } } })))
      const error = yield* Effect.flip(store.load("c-1"))
      expect([error.reason, error.detail]).toEqual(["Corrupt", `phase 0 discover: ${second.length - 1} of ${second.length} chunks found`])
    }))
})
