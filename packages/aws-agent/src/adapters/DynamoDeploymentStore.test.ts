/**
 * The DynamoDB deployment store against dynalite (the sandbox's local
 * DynamoDB, in-process on 127.0.0.1), in a cycles table provisioned by the
 * cycle store: the shared conformance suite, then what is particular to
 * DynamoDB: deployment items stay out of `cycle history`, large records go
 * in chunks, `list` is a Query of the History index (5 deployments a page
 * here, so the conformance suite's 23 span pages), newest first there.
 */
import { DynamoDBClient, PutItemCommand, QueryCommand } from "@aws-sdk/client-dynamodb"
import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, useSandboxEnv } from "@miyabi/sandbox"
import { ChangeExecution, DeploymentRecord, wasRead } from "@miyabi/types"
import { Context, Duration, Effect, Layer, Option } from "effect"
import { CycleStore } from "../cycle/CycleStore.js"
import { largeWorld } from "../cycle/CycleStore.testkit.js"
import { DeploymentStore, StoredDeployment } from "../deploy/DeploymentStore.js"
import { deploymentStoreConformance, storedDeployment } from "../deploy/DeploymentStore.testkit.js"
import * as DynamoCycleStore from "./DynamoCycleStore.js"
import { makeResource } from "./Inventory.js"
import * as DynamoDeploymentStore from "./DynamoDeploymentStore.js"

const tableName = "miyabi-cycles"
// Under the test clock (which does not move by itself) a request budget that ran dry would wait forever: DynamoDB's is set out of reach.
const dynamodb = { perSecond: 5_000, burst: 5_000 }
const runtime = AwsRuntime.layer({ region: "us-east-1", maxAttempts: 3, retryBaseDelay: Duration.millis(5), retryMaxDelay: Duration.millis(50), rateLimits: { dynamodb } })

/** A sandbox for the scope, the cycles table (provisioned by the cycle store), and the deployment store over it. */
const openDynalite = Effect.gen(function* () {
  const sandbox = yield* Sandbox.start({})
  yield* useSandboxEnv(sandbox)
  const cycles = yield* Effect.map(Layer.build(DynamoCycleStore.layer({ tableName, provision: true }).pipe(Layer.provide(runtime))), (context) => Context.get(context, CycleStore))
  const build = (chunkBytes?: number) =>
    Effect.map(Layer.build(DynamoDeploymentStore.layer({ tableName, listPageSize: 5, ...(chunkBytes === undefined ? {} : { chunkBytes }) }).pipe(Layer.provide(runtime))), (context) => Context.get(context, DeploymentStore))
  const client = yield* Effect.acquireRelease(
    Effect.sync(() => new DynamoDBClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials })),
    (c) => Effect.sync(() => c.destroy())
  )
  const sks = (id: string) =>
    Effect.promise(() => client.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: "PK = :pk", ExpressionAttributeValues: { ":pk": { S: `DEPLOYMENT#${id}` } } })))
      .pipe(Effect.map((out) => (out.Items ?? []).map((item) => item["SK"]?.S ?? "")))
  return { store: yield* build(), build, cycles, client, sks }
})

deploymentStoreConformance({
  name: "dynalite",
  versioned: true,
  open: Effect.map(openDynalite, ({ store, build, client }) => ({
    store,
    reopen: build(),
    corrupt: (id) =>
      Effect.promise(() =>
        client.send(new PutItemCommand({ TableName: tableName, Item: { PK: { S: `DEPLOYMENT#${id}` }, SK: { S: "RECORD" }, version: { N: "99" }, body: { B: Buffer.from("not gzip") } } }))
      )
  }))
})

/** The deployment with its one execution's before-state carrying `bytes` of poorly compressible tags. */
const largeDeployment = (bytes: number) => {
  const base = storedDeployment("running")
  const tags = Object.fromEntries(largeWorld(bytes).resources.map((r) => [r.id, r.details]))
  const executions = base.record.executions.filter(wasRead).map((e) => ChangeExecution.make({ ...e, before: makeResource({ ...e.before, tags }) }))
  return StoredDeployment.make({ plan: base.plan, record: DeploymentRecord.make({ ...base.record, executions }) })
}

describe("DynamoDeploymentStore", () => {
  it.scoped("deployments share the cycles table without showing in cycle history", () =>
    Effect.gen(function* () {
      const { store, cycles, sks } = yield* openDynalite
      yield* cycles.begin("c-1", { scope: "acct" })
      yield* store.save(storedDeployment("running"))
      expect(yield* sks("d-1")).toEqual(["RECORD"])
      expect((yield* cycles.history()).map((h) => h.cycleId)).toEqual(["c-1"])
      expect(yield* cycles.list()).toEqual(["c-1"])
      expect(yield* store.list).toEqual(["d-1"])
    }))

  it.scoped("list is a Query of the History index's DEPLOYMENTS partition, newest first there, and reads no body", () =>
    Effect.gen(function* () {
      const { store, client } = yield* openDynalite
      yield* store.save(storedDeployment("running", "d-old"))
      const newer = storedDeployment("running", "d-new")
      yield* store.save(StoredDeployment.make({ plan: newer.plan, record: DeploymentRecord.make({ ...newer.record, startedAt: new Date("2026-11-28T00:00:00Z") }) }))
      const page = yield* Effect.promise(() =>
        client.send(new QueryCommand({ TableName: tableName, IndexName: "History", KeyConditionExpression: "HistoryKey = :k", ExpressionAttributeValues: { ":k": { S: "DEPLOYMENTS" } }, ScanIndexForward: false }))
      )
      expect((page.Items ?? []).map((item) => [item["PK"]?.S, item["HistorySort"]?.S, item["body"]])).toEqual([
        ["DEPLOYMENT#d-new", "2026-11-28T00:00:00.000Z#d-new", undefined],
        ["DEPLOYMENT#d-old", "2026-11-27T10:00:00.000Z#d-old", undefined]
      ])
      expect(yield* store.list).toEqual(["d-new", "d-old"])
    }))

  it.scoped("a record over one item is kept in chunks; replacing it by a small one removes them", () =>
    Effect.gen(function* () {
      const { build, sks } = yield* openDynalite
      const store = yield* build(100_000)
      const large = largeDeployment(600_000)
      yield* store.save(large)
      const keys = yield* sks("d-1")
      expect(keys.filter((sk) => sk.startsWith("CHUNK#RECORD#")).length).toBeGreaterThanOrEqual(2)
      const loaded = Option.getOrThrow(yield* (yield* build(100_000)).load(large.record.id))
      expect(loaded.record.executions[0]?.before?.tags).toEqual(large.record.executions[0]?.before?.tags)
      yield* store.save(storedDeployment("succeeded"))
      expect(yield* sks("d-1")).toEqual(["RECORD"])
    }))
})
