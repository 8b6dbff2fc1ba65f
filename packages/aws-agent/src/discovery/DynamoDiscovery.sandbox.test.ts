/**
 * DynamoDB discovery across accounts and regions against the sandbox, whose
 * DynamoDB is one dynalite per (account, region) seeded with the estate's
 * tables: every table is found once, in its own account and region, with
 * the ARN AWS would give it, even where two places hold the same table name.
 */
import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, sandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import { Duration, Effect, Layer } from "effect"
import * as Discovery from "../Discovery.js"

/**
 * A small estate (its own tables are in six accounts and three regions), plus
 * a table named "orders" in two accounts x two regions: one name, four tables.
 */
const estateWithSharedName = () => {
  const estate = sandboxEstate({ seed: 7, size: "small", asOf: Date.UTC(2026, 10, 20) })
  const data = estate.data
  const template = data.tables[0]
  if (template === undefined) throw new Error("the estate has no DynamoDB table")
  const accounts = [...new Set(data.tables.map((t) => t.accountId))].slice(0, 2)
  for (const accountId of accounts) {
    for (const region of data.regions.slice(0, 2)) data.tables.push({ ...template, accountId, region, name: "orders", tags: { Place: `${accountId}/${region}` } })
  }
  return estate
}

const runtime = AwsRuntime.layer({ region: "us-east-1", retryBaseDelay: Duration.millis(2), retryMaxDelay: Duration.millis(20), maxAttempts: 8 })
const stack = Layer.mergeAll(Discovery.adaptersLayer).pipe(Layer.provideMerge(runtime))

/** The estate served with its tables seeded, in this test's environment. */
const seededSandbox = (faults?: (data: ReturnType<typeof estateWithSharedName>["data"]) => Sandbox.SandboxOptions["faults"]) =>
  Effect.gen(function* () {
    const estate = estateWithSharedName()
    const extra = faults?.(estate.data)
    const sandbox = yield* Sandbox.start({ estate, dynamodb: { estateTables: true }, ...(extra === undefined ? {} : { faults: extra }) })
    yield* useSandboxEnv(sandbox)
    return { sandbox, data: estate.data }
  })

const key = (account: string, region: string, name: string) => `${account}/${region}/${name}`
const arnOf = (t: { readonly accountId: string; readonly region: string; readonly name: string }) => `arn:aws:dynamodb:${t.region}:${t.accountId}:table/${t.name}`

describe("DynamoDB discovery across accounts and regions (sandbox)", () => {
  it.scopedLive(
    "finds every table of the estate in its own account and region, with its ARN, billing and tags",
    () =>
      Effect.gen(function* () {
        const { data } = yield* seededSandbox()
        const own = data.tables.filter((t) => t.name !== "orders")
        expect(new Set(own.map((t) => t.accountId)).size).toBeGreaterThan(1)
        expect(new Set(own.map((t) => t.region)).size).toBeGreaterThan(1)

        const { world } = yield* Discovery.run({ regions: data.regions, services: ["dynamodb"], utilization: false })
        const tables = world.resources.filter((r) => r.kind === "dynamodb-table")
        expect(tables.map((r) => key(r.account, r.region, r.id)).sort()).toEqual(data.tables.map((t) => key(t.accountId, t.region, t.name)).sort())
        expect(tables.map((r) => r.arn).sort()).toEqual(data.tables.map(arnOf).sort())
        for (const r of tables) {
          const t = data.tables.find((x) => x.accountId === r.account && x.region === r.region && x.name === r.id)
          expect(r.arn).toBe(t === undefined ? undefined : arnOf(t))
          expect(r.owner).toBe("Noguchi")
          expect(r.tags, r.arn).toEqual(t?.tags)
          expect(r.details).toMatchObject({
            _tag: "dynamodb-table",
            billingMode: t?.billingMode,
            ...(t?.billingMode === "PROVISIONED" ? { readCapacityUnits: t.readCapacityUnits, writeCapacityUnits: t.writeCapacityUnits } : {})
          })
        }
        // One "orders" per account and region, each tagged with its own place.
        const orders = tables.filter((r) => r.id === "orders")
        expect(orders).toHaveLength(4)
        expect(orders.every((r) => r.tags["Place"] === `${r.account}/${r.region}`)).toBe(true)
        expect(new Set(orders.map((r) => r.arn)).size).toBe(orders.length)
        expect(world.coverage.filter((c) => c.service === "dynamodb")).toHaveLength(data.organization.accounts.length * data.regions.length)
        expect(world.coverage.every((c) => c.status === "ok")).toBe(true)
      }).pipe(Effect.provide(stack)),
    60_000
  )

  it.scopedLive(
    "under 20 % throttling with one account denied: the denial in coverage, every other account's tables found",
    () =>
      Effect.gen(function* () {
        const deniedIn = (data: { readonly tables: ReadonlyArray<{ readonly name: string; readonly accountId: string }> }) => data.tables.find((t) => t.name !== "orders")?.accountId ?? ""
        const { sandbox, data } = yield* seededSandbox((d) => ({ seed: 3, rules: [{ service: "dynamodb", throttleRate: 0.2 }], deniedAccounts: [deniedIn(d)] }))
        const denied = deniedIn(data)

        const { world } = yield* Discovery.run({ regions: data.regions, services: ["dynamodb"], utilization: false })
        const found = world.resources.filter((r) => r.kind === "dynamodb-table").map((r) => key(r.account, r.region, r.id)).sort()
        expect(found).toEqual(data.tables.filter((t) => t.accountId !== denied).map((t) => key(t.accountId, t.region, t.name)).sort())
        expect(world.coverage.filter((c) => c.account === denied).map((c) => c.status)).toEqual(data.regions.map(() => "denied"))
        expect(world.coverage.filter((c) => c.account !== denied).every((c) => c.status === "ok")).toBe(true)
        // Throttling happened and was retried through.
        expect(sandbox.log.requests().some((r) => r.service === "dynamodb" && r.errorCode === "ThrottlingException")).toBe(true)
      }).pipe(Effect.provide(stack)),
    60_000
  )
})
