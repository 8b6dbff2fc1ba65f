/**
 * Finding a customer's resources by its tenant tag through the Resource
 * Groups Tagging API of the sandbox (real SDK client, role assumed in the
 * customer's account, every region, paged to the end), and offboarding a
 * pool customer with them: the report lists them and schedules exactly them
 * for deletion in 30 days.
 */
import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { AccountId, Customer, CustomerId, Placement, PoolState, Region } from "@miyabi/types"
import { Sandbox, sandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import { Duration, Effect, Layer } from "effect"
import * as TenancyStore from "../tenancy/TenancyStore.js"
import { defaultTenancySettings } from "../tenancy/TenancySettings.js"
import { offboardTenantByTag } from "../tenancy/TenantOperations.js"
import { TenantResources } from "../tenancy/TenantResources.js"
import * as OrganizationsSdk from "./Organizations.js"
import * as TaggingResources from "./TaggingResources.js"

const runtime = AwsRuntime.layer({ region: "us-east-1", sessionUser: "test", sessionPurpose: "account-factory", retryBaseDelay: Duration.millis(1), retryMaxDelay: Duration.millis(5) })
const estate = sandboxEstate({ seed: 23, size: "small" })
const data = estate.data

/** The customer with the most tagged resources in one account, as (customer, account). */
const busiest = (() => {
  const counts = new Map<string, number>()
  const all = [...data.instances, ...data.volumes, ...data.buckets, ...data.dbInstances, ...data.functions, ...data.tables]
  for (const r of all) {
    const customer = r.tags["CostCenter"]
    if (customer?.startsWith("cust-") === true) counts.set(`${customer}|${r.accountId}`, (counts.get(`${customer}|${r.accountId}`) ?? 0) + 1)
  }
  const [key = "|"] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? []
  const [customer = "", account = ""] = key.split("|")
  return { customer: CustomerId.make(customer), account: AccountId.make(account) }
})()

const expectedArns = () => {
  const at = (service: string, r: { readonly region: string; readonly accountId: string }, rest: string) => `arn:aws:${service}:${r.region}:${r.accountId}:${rest}`
  const mine = <A extends { readonly accountId: string; readonly region: string; readonly tags: Record<string, string> }>(list: ReadonlyArray<A>) =>
    list.filter((r) => r.accountId === busiest.account && r.tags["CostCenter"] === busiest.customer && defaultTenancySettings.regions.includes(Region.make(r.region)))
  return [
    ...mine(data.instances).map((r) => at("ec2", r, `instance/${r.id}`)),
    ...mine(data.volumes).map((r) => at("ec2", r, `volume/${r.id}`)),
    ...mine(data.buckets).map((r) => `arn:aws:s3:::${r.name}`),
    ...mine(data.dbInstances).map((r) => at("rds", r, `db:${r.identifier}`)),
    ...mine(data.functions).map((r) => at("lambda", r, `function:${r.name}`))
  ]
}

/** How many resources of any kind in the estate carry the customer's tag in its account, in the regions looked at (CloudFront counts in us-east-1). */
const taggedCount = () =>
  Object.values(data)
    .filter((list): list is ReadonlyArray<{ readonly accountId?: string; readonly region?: string; readonly tags?: Record<string, string> }> => Array.isArray(list))
    .flat()
    .filter((r) => r.accountId === busiest.account && r.tags?.["CostCenter"] === busiest.customer && defaultTenancySettings.regions.includes(Region.make(r.region ?? "us-east-1"))).length

describe("TaggingResources (sandbox)", () => {
  it("names a resource's type from its ARN", () => {
    expect(TaggingResources.typeOfArn("arn:aws:ec2:us-east-1:123456789012:instance/i-1")).toBe("ec2:instance")
    expect(TaggingResources.typeOfArn("arn:aws:s3:::my-bucket")).toBe("s3:bucket")
    expect(TaggingResources.typeOfArn("arn:aws:rds:us-east-1:123456789012:db:orders")).toBe("rds:db")
    expect(TaggingResources.typeOfArn("arn:aws:dynamodb:us-east-1:123456789012:table/t")).toBe("dynamodb:table")
  })

  it.scoped("finds every resource tagged with the customer in its account across the regions, and offboarding schedules exactly those", () =>
    Effect.gen(function* () {
      const handle = yield* Sandbox.start({ estate, dynamodb: false })
      yield* useSandboxEnv(handle)
      const expected = expectedArns()
      expect(expected.length).toBeGreaterThan(3)
      const found = yield* Effect.flatMap(TenantResources, (r) => r.find({ customerId: busiest.customer, accountId: busiest.account, regions: defaultTenancySettings.regions }))
      // Every kind of the estate counts (snapshots, security groups, ECS, load balancers...); the ARNs of the common kinds are checked one by one.
      expect(found.map((r) => r.arn)).toEqual(expect.arrayContaining(expected))
      expect(found).toHaveLength(taggedCount())
      expect(new Set(found.map((r) => r.arn)).size).toBe(found.length)
      expect(found.every((r) => r.accountId === busiest.account)).toBe(true)
      expect(new Set(found.map((r) => r.type))).toContain("ec2:instance")

      const now = new Date("2026-11-27T12:00:00Z")
      const state = new TenancyStore.TenancyState({
        ...TenancyStore.emptyTenancyState(),
        customers: [new Customer({ id: busiest.customer, name: busiest.customer, model: "Pool" })],
        pools: [new PoolState({ accountId: busiest.account, model: "Pool", capacity: 100, members: [busiest.customer] })],
        placements: [new Placement({ customerId: busiest.customer, model: "Pool", accountId: busiest.account, since: now, history: [] })]
      })
      const report = yield* offboardTenantByTag(busiest.customer, defaultTenancySettings, now).pipe(Effect.provide(TenancyStore.memory(state)))
      const arns = found.map((r) => r.arn).sort()
      expect(report.resources.flatMap((g) => g.arns).sort()).toEqual(arns)
      const deletion = report.actions.find((a) => a._tag === "ScheduleDataDeletion")
      expect(deletion).toMatchObject({ accountId: busiest.account, at: new Date("2026-12-27T12:00:00Z") })
      expect(deletion?._tag === "ScheduleDataDeletion" ? [...deletion.resources].sort() : []).toEqual(arns)
      // The calls went to the customer's account, in every region asked for.
      const calls = handle.log.requests().filter((r) => r.operation === "GetResources")
      expect(new Set(calls.map((r) => r.region))).toEqual(new Set(defaultTenancySettings.regions))
    }).pipe(Effect.provide(Layer.merge(TaggingResources.layer, OrganizationsSdk.layer).pipe(Layer.provide(runtime)))), 30_000)
})
