/**
 * The CLI's tenancy store on an aws: store: the task table the settings name
 * (on the sandbox's dynalite, reached through AWS_ENDPOINT_URL as the CLI
 * does), with an old JSON file imported once into the empty store.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb"
import { describe, expect, it } from "@effect/vitest"
import { TenancyStore } from "@miyabi/account-factory"
import { Sandbox, useSandboxEnv } from "@miyabi/sandbox"
import { AccountId, Customer, CustomerId, Placement } from "@miyabi/types"
import { Effect } from "effect"
import { tenantsStoreAt } from "./TenantsStore.js"

const POOL = AccountId.make("200000000001")
const state = new TenancyStore.TenancyState({
  customers: [new Customer({ id: CustomerId.make("acme"), name: "acme" })],
  pools: [],
  placements: [new Placement({ customerId: CustomerId.make("acme"), model: "Pool", accountId: POOL, since: new Date("2026-11-01T00:00:00.000Z"), history: [] })],
  departed: [],
  deletions: []
})

describe("tenantsStoreAt on an aws: store", () => {
  it.scopedLive("records placements in the task table the settings name, importing an old JSON file once", () =>
    Effect.gen(function* () {
      const sandbox = yield* Sandbox.start({ dynamodb: true })
      yield* useSandboxEnv(sandbox)
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-tenants-aws-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      yield* Effect.promise(() =>
        new DynamoDBClient({}).send(
          new CreateTableCommand({
            TableName: "platform-state",
            BillingMode: "PAY_PER_REQUEST",
            AttributeDefinitions: [{ AttributeName: "PK", AttributeType: "S" }, { AttributeName: "SK", AttributeType: "S" }],
            KeySchema: [{ AttributeName: "PK", KeyType: "HASH" }, { AttributeName: "SK", KeyType: "RANGE" }]
          })
        )
      )
      const legacy = path.join(dir, "miyabi.tenancy.json")
      yield* Effect.flatMap(TenancyStore.TenancyStore, (s) => s.save(state)).pipe(Effect.provide(TenancyStore.file(legacy)))

      const store = tenantsStoreAt({ _tag: "Aws", spec: "table=platform-state" }, legacy, "test@cli")
      expect(store.location).toBe("dynamodb:platform-state")
      const loaded = yield* Effect.flatMap(TenancyStore.TenancyStore, (s) => s.load()).pipe(Effect.provide(store.layer))
      expect(loaded.placements.map((p) => [p.customerId, p.model, p.accountId])).toEqual([["acme", "Pool", POOL]])
      expect(fs.existsSync(legacy)).toBe(false)
      expect(fs.existsSync(`${legacy}.imported`)).toBe(true)
      const history = yield* Effect.flatMap(TenancyStore.TenancyStore, (s) => s.history(CustomerId.make("acme"))).pipe(Effect.provide(store.layer))
      expect(history.map((e) => [e.kind, e.actor])).toEqual([["placed", "test@cli"]])

      const bad = tenantsStoreAt({ _tag: "Aws", spec: "colour=blue" }, legacy)
      const error = yield* Effect.flip(Effect.flatMap(TenancyStore.TenancyStore, (s) => s.load()).pipe(Effect.provide(bad.layer)))
      expect(error.message).toContain("--store")
    })
  )
})
