import { describe, expect, it } from "@effect/vitest"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import * as nodePath from "node:path"
import { AccountId, Customer, CustomerId, Organization, PoolState, type TenancyModel } from "@miyabi/types"
import { Effect, Layer, Schedule, Schema } from "effect"
import { Organizations } from "../org/Organizations.js"
import * as OrganizationsMemory from "../org/OrganizationsMemory.js"
import { renderOrgTree, toOrgTree } from "../org/OrgTree.js"
import * as Store from "./TenancyStore.js"
import { defaultTenancySettings } from "./TenancySettings.js"
import { offboardTenant, placeTenants } from "./TenantOperations.js"
import { BridgeProvisioner, BridgeResourceError, describeBridgeResource, type BridgeResource } from "./BridgeResources.js"

const org = () => Schema.decodeUnknownSync(Organization)({
  id: "o-abcd123456",
  managementAccountId: "111111111111",
  rootId: "r-ab12",
  organizationalUnits: [
    { id: "ou-ab12-workload", name: "Workloads", parentId: "r-ab12" },
    { id: "ou-ab12-pools001", name: "Pools", parentId: "ou-ab12-workload" },
    { id: "ou-ab12-vip00001", name: "VIP", parentId: "ou-ab12-workload" },
    { id: "ou-ab12-suspend1", name: "Suspended", parentId: "r-ab12" }
  ],
  accounts: [{ id: "111111111111", name: "management", email: "management@example.com", status: "ACTIVE", parentId: "r-ab12" }],
  policies: []
})
const customers = (n: number, prefix: string, model?: TenancyModel) =>
  Array.from({ length: n }, (_, i) => new Customer({ id: CustomerId.make(`${prefix}${i + 1}`), name: `${prefix}${i + 1}`, ...(model === undefined ? {} : { model }) }))
const vend = { pollSchedule: Schedule.forever, roleSchedule: Schedule.forever, retrySchedule: Schedule.recurs(2) }
const now = new Date("2026-11-27T12:00:00Z")

describe("TenantOperations", () => {
  it.live("vends two pools and a silo for 150 + 1 customers, records them, and a rerun changes nothing", () =>
    Effect.gen(function* () {
      const memory = yield* OrganizationsMemory.make(org(), { pollsUntilCreated: 1, probesUntilRoleAnswers: 0 })
      yield* Effect.gen(function* () {
        const first = yield* placeTenants([...customers(150, "c"), ...customers(1, "vip", "Silo")], defaultTenancySettings, { vend, now })
        expect(first.placed).toHaveLength(151)
        expect(first.unplaced).toEqual([])
        const state = yield* Effect.flatMap(Store.TenancyStore, (s) => s.load())
        expect(state.pools.map((p) => p.members.length)).toEqual([100, 50])
        expect(state.placements).toHaveLength(151)
        expect(state.placements[0]?.history[0]?.reason).toBe("new pool account pool-1")
        const live = yield* memory.state
        expect(live.accounts.map((a) => a.name).sort()).toEqual(["management", "pool-1", "pool-2", "silo-vip1"])
        expect(renderOrgTree(toOrgTree(live))).toContain("│   │   ├── pool-1 (")
        expect(live.accounts.find((a) => a.name === "silo-vip1")?.tags).toEqual({ Tenancy: "Silo", CostCenter: "vip1" })

        const again = yield* placeTenants(customers(150, "c"), defaultTenancySettings, { vend, now })
        expect(again.placed).toEqual([])
        expect(again.plan.alreadyPlaced).toHaveLength(150)
        expect((yield* memory.state).accounts).toHaveLength(4)

        const more = yield* placeTenants(customers(60, "d"), defaultTenancySettings, { vend, now })
        expect(more.placed).toHaveLength(60)
        const after = yield* Effect.flatMap(Store.TenancyStore, (s) => s.load())
        expect(after.pools.map((p) => p.members.length)).toEqual([100, 100, 10])
      }).pipe(Effect.provide(Layer.merge(Layer.succeed(Organizations, memory), Store.memory())))
    }))

  it.live("a bridge customer lands in a shared bridge account and gets its own tagged table; a failed one is retried by placing again", () =>
    Effect.gen(function* () {
      const memory = yield* OrganizationsMemory.make(org(), { pollsUntilCreated: 1, probesUntilRoleAnswers: 0 })
      const made = new Map<string, BridgeResource>()
      let failFor: string | undefined = "b2"
      const provisioner = Layer.succeed(BridgeProvisioner, {
        ensure: (resource) =>
          resource.customerId === failFor
            ? Effect.fail(new BridgeResourceError({ reason: "Unavailable", resource: resource.name, detail: "throttled" }))
            : Effect.sync(() => {
                const created = !made.has(resource.name)
                made.set(resource.name, resource)
                return { resource, arn: `arn:aws:dynamodb:us-east-1:${resource.accountId}:table/${resource.name}`, created }
              })
      })
      yield* Effect.gen(function* () {
        const bridge = customers(3, "b", "Bridge")
        // Without a provisioner the plan is exact but nothing is made.
        const dry = yield* placeTenants(bridge.slice(0, 1), defaultTenancySettings, { vend, now }).pipe(Effect.provide(Store.memory()))
        expect(dry.bridgeProvisioned).toEqual([])
        expect(dry.bridgePending.map((p) => [p.resource.name, p.reason])).toEqual([["miyabi-bridge-b1", "no BridgeProvisioner: not created"]])
        expect(describeBridgeResource(dry.bridgePending[0]!.resource)).toMatch(/^DynamoDB table miyabi-bridge-b1 in \d{12} \(on demand, encrypted, tags CostCenter=b1, Tenancy=Bridge, ManagedBy=miyabi\)$/)

        const first = yield* placeTenants(bridge, defaultTenancySettings, { vend, now }).pipe(Effect.provide(provisioner))
        const state = yield* Effect.flatMap(Store.TenancyStore, (s) => s.load())
        const bridgeAccount = state.pools.find((p) => p.model === "Bridge")!.accountId
        expect(state.placements.map((p) => [p.customerId, p.model, p.accountId])).toEqual(bridge.map((c) => [c.id, "Bridge", bridgeAccount]))
        expect(first.bridgeProvisioned.map((p) => [p.resource.name, p.resource.accountId, p.created])).toEqual([["miyabi-bridge-b1", bridgeAccount, true], ["miyabi-bridge-b3", bridgeAccount, true]])
        expect(first.bridgeProvisioned[0]?.resource.tags).toEqual({ CostCenter: "b1", Tenancy: "Bridge", ManagedBy: "miyabi" })
        expect(first.bridgePending.map((p) => [p.resource.name, p.reason])).toEqual([["miyabi-bridge-b2", "bridge resource miyabi-bridge-b2: Unavailable: throttled"]])

        failFor = undefined
        const retry = yield* placeTenants(bridge, defaultTenancySettings, { vend, now }).pipe(Effect.provide(provisioner))
        expect(retry.placed).toEqual([])
        expect(retry.bridgeProvisioned.map((p) => [p.resource.name, p.created])).toEqual([["miyabi-bridge-b1", false], ["miyabi-bridge-b2", true], ["miyabi-bridge-b3", false]])
        expect(retry.bridgePending).toEqual([])
        expect((yield* memory.state).accounts.filter((a) => a.name.startsWith("bridge-")).map((a) => a.name)).toEqual(["bridge-1"])
      }).pipe(Effect.provide(Layer.merge(Layer.succeed(Organizations, memory), Store.memory())))
    }))

  it.live("offboards a silo to the Suspended OU and closes it; a pool customer leaves with its data deleted in 30 days", () =>
    Effect.gen(function* () {
      const memory = yield* OrganizationsMemory.make(org(), { pollsUntilCreated: 1, probesUntilRoleAnswers: 0 })
      yield* Effect.gen(function* () {
        yield* placeTenants([...customers(3, "c"), ...customers(1, "vip", "Silo")], defaultTenancySettings, { vend, now })
        const silo = yield* offboardTenant("vip1", [], defaultTenancySettings, now)
        expect(silo.actions.map((a) => a._tag)).toEqual(["MoveAccount", "CloseAccount"])
        const closed = (yield* memory.state).accounts.find((a) => a.name === "silo-vip1")
        expect(closed).toMatchObject({ parentId: "ou-ab12-suspend1", status: "SUSPENDED" })

        const state = yield* Effect.flatMap(Store.TenancyStore, (s) => s.load())
        const poolAccount = state.pools[0]!.accountId
        yield* offboardTenant("c2", [{ arn: "arn:aws:s3:::c2-data", type: "AWS::S3::Bucket", accountId: poolAccount }], defaultTenancySettings, now)
        const after = yield* Effect.flatMap(Store.TenancyStore, (s) => s.load())
        expect(after.pools[0]?.members).toEqual(["c1", "c3"])
        expect(after.deletions.map((d) => [d.customerId, d.at.toISOString(), d.resources])).toEqual([["c2", "2026-12-27T12:00:00.000Z", ["arn:aws:s3:::c2-data"]]])
        expect(after.placements.map((p) => p.customerId)).toEqual(["c1", "c3"])
        expect(after.departed.map((p) => p.customerId)).toEqual(["vip1", "c2"])
        expect(after.departed[1]?.history.at(-1)?.reason).toBe("offboarded on 2026-11-27")
        const error = yield* Effect.flip(offboardTenant("c2", [], defaultTenancySettings, now))
        expect(error._tag).toBe("TenancyError")
      }).pipe(Effect.provide(Layer.merge(Layer.succeed(Organizations, memory), Store.memory())))
    }))

  it.effect("keeps the state in a JSON file across store instances", () =>
    Effect.gen(function* () {
      const path = nodePath.join(mkdtempSync(nodePath.join(tmpdir(), "miyabi-tenancy-")), "tenancy.json")
      const load = Effect.flatMap(Store.TenancyStore, (s) => s.load()).pipe(Effect.provide(Store.file(path)))
      expect((yield* load).placements).toEqual([])
      const state = new Store.TenancyState({ ...Store.emptyTenancyState(), pools: [new PoolState({ accountId: AccountId.make("200000000001"), capacity: 50, members: [CustomerId.make("a")] })] })
      yield* Effect.flatMap(Store.TenancyStore, (s) => s.save(state)).pipe(Effect.provide(Store.file(path)))
      expect((yield* load).pools).toEqual(state.pools)
    }))
})
