/**
 * The Cost Explorer source against the sandbox: real SDK client over
 * loopback HTTP, the sandbox estate's bill, paging forced by a small page size.
 */
import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, sandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import { AllocationPolicy } from "@miyabi/types"
import { Duration, Effect, Either, Layer, Ref, Schema } from "effect"
import { allocate } from "../Allocation.js"
import type { CostProgressEvent } from "../CostProgress.js"
import { accountsFromRoles, fromCostExplorer, monthDays } from "../CostReports.js"
import { CostExplorerError, CostExplorerSource, layer as costExplorerLayer } from "./CostExplorer.js"


const DAY = 86_400_000
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10)

// Cost Explorer's real limit (5 requests/s) would make a paging test slow; the sandbox has none.
const runtime = AwsRuntime.layer({
  region: "us-east-1",
  retryBaseDelay: Duration.millis(1),
  retryMaxDelay: Duration.millis(5),
  rateLimits: { "cost-explorer": { perSecond: 10_000, burst: 10_000 } }
})
const source = costExplorerLayer.pipe(Layer.provide(runtime))

const withSandbox = (pageSize: number) =>
  Effect.gen(function* () {
    const estate = sandboxEstate({ seed: 3, size: "tiny" })
    const sandbox = yield* Sandbox.start({ estate, dynamodb: false, costExplorer: { pageSize } })
    yield* useSandboxEnv(sandbox)
    const to = day(estate.data.asOf - DAY)
    const from = day(estate.data.asOf - 3 * DAY)
    return { sandbox, estate, from, to }
  })

describe("CostExplorerSource", () => {
  it.scoped("reads account x service x tag lines that sum to the sandbox's bill, over many pages", () =>
    Effect.gen(function* () {
      const { sandbox, estate, from, to } = yield* withSandbox(25)
      const read = yield* Effect.provide(
        Effect.flatMap(CostExplorerSource, (ce) => ce.read({ from, to })),
        source
      )
      const truth = [...estate.costs.lines(from, day(Date.parse(`${to}T00:00:00Z`) + DAY))]
      expect(truth.length).toBeGreaterThan(0)
      const total = (xs: ReadonlyArray<{ unblended: number }>) => xs.reduce((s, x) => s + x.unblended, 0)
      expect(total(read.lines)).toBe(truth.reduce((s, l) => s + l.unblendedMicroUsd, 0))
      // Per account and customer, exactly.
      const key = (account: string, customer: string | undefined) => `${account}|${customer ?? ""}`
      const expected = new Map<string, number>()
      for (const l of truth) expected.set(key(l.accountId, l.tags["CostCenter"]), (expected.get(key(l.accountId, l.tags["CostCenter"])) ?? 0) + l.unblendedMicroUsd)
      const actual = new Map<string, number>()
      for (const l of read.lines) actual.set(key(l.account, l.tags["CostCenter"]), (actual.get(key(l.account, l.tags["CostCenter"])) ?? 0) + l.unblended)
      expect(actual).toEqual(expected)
      expect(new Set(read.lines.map((l) => l.date))).toEqual(new Set([from, day(Date.parse(`${from}T00:00:00Z`) + DAY), to]))
      // One query by account plus one per account, several pages each at 25 groups a page.
      const requests = sandbox.log.requests().filter((r) => r.operation === "GetCostAndUsage")
      const accounts = new Set(read.lines.map((l) => l.account)).size
      expect(read.calls).toBe(requests.length)
      expect(read.calls).toBeGreaterThan(accounts + 1)
      expect(read.cachedCalls).toBe(0)
      const customers = Either.getOrThrow(allocate(read.lines, Schema.decodeUnknownSync(AllocationPolicy)({ accounts: [] })))
      expect(customers.customers.some((c) => c.customer.startsWith("cust-"))).toBe(true)
    }))

  it.scoped("answers a repeated read from its cache and says so", () =>
    Effect.gen(function* () {
      const { sandbox, from, to } = yield* withSandbox(500)
      const [first, second] = yield* Effect.provide(
        Effect.flatMap(CostExplorerSource, (ce) => Effect.all([ce.read({ from, to }), ce.read({ from, to })])),
        source
      )
      expect(first?.calls).toBeGreaterThan(0)
      expect(second?.calls).toBe(0)
      expect(second?.cachedCalls).toBe(first?.calls)
      expect(second?.lines).toEqual(first?.lines)
      expect(sandbox.log.requests().filter((r) => r.operation === "GetCostAndUsage")).toHaveLength(first?.calls ?? -1)
    }))

  it.scoped("tells each query's pages: the accounts first, then each account in order; a repeated read from the cache", () =>
    Effect.gen(function* () {
      const { sandbox, from, to } = yield* withSandbox(25)
      const seen = yield* Ref.make<ReadonlyArray<CostProgressEvent>>([])
      const onProgress = (e: CostProgressEvent) => Ref.update(seen, (all) => [...all, e])
      const [first] = yield* Effect.provide(
        Effect.flatMap(CostExplorerSource, (ce) => Effect.all([ce.read({ from, to, onProgress }), ce.read({ from, to, onProgress })])),
        source
      )
      const events = yield* Ref.get(seen)
      const accounts = [...new Set(first?.lines.map((l) => l.account))].sort()
      const n = accounts.length
      const shape = (cached: boolean) => [
        { index: 0, total: 0, account: undefined, cached },
        ...accounts.map((account, i) => ({ index: i + 1, total: n, account, cached }))
      ]
      const asShape = (e: CostProgressEvent) => (e._tag === "CostExplorerQuery" ? { index: e.index, total: e.total, account: e.account, cached: e.cached } : e)
      expect(events.map(asShape)).toEqual([...shape(false), ...shape(true)])
      // The pages told are the requests sent, and the cached read tells the same pages again.
      const pages = (xs: ReadonlyArray<CostProgressEvent>) => xs.reduce((s, e) => s + (e._tag === "CostExplorerQuery" ? e.pages : 0), 0)
      expect(pages(events.slice(0, n + 1))).toBe(sandbox.log.requests().filter((r) => r.operation === "GetCostAndUsage").length)
      expect(pages(events.slice(n + 1))).toBe(pages(events.slice(0, n + 1)))
    }))

  it.effect("refuses a period that is not one", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        Effect.provide(Effect.flatMap(CostExplorerSource, (ce) => ce.read({ from: "2026-10-31", to: "2026-10-01" })), source)
      )
      // Refused before any request: no sandbox runs here, so a call would fail in another way.
      expect(error).toBeInstanceOf(CostExplorerError)
      expect(error).toMatchObject({ reason: "InvalidPeriod", detail: "2026-10-31..2026-10-01 is not a period of days" })
    }))
})

describe("the sandbox estate's per-customer report (the demo path)", () => {
  it.scoped("allocates the estate's month from Cost Explorer exactly, silo accounts to their owners", () =>
    Effect.gen(function* () {
      const { estate } = yield* withSandbox(500)
      const month = new Date(estate.data.asOf - DAY).toISOString().slice(0, 7)
      const policy = Schema.decodeUnknownSync(AllocationPolicy)({
        accounts: accountsFromRoles(
          estate.data.organization.accounts,
          estate.data.customers.filter((c) => c.tenancy === "pool").map((c) => c.id),
          { _tag: "tagged-share" }
        )
      })
      const { report, calls } = yield* fromCostExplorer({ month, policy }).pipe(Effect.provide(source))
      const { from, to } = monthDays(month)
      const truth = [...estate.costs.lines(from, day(Date.parse(`${to}T00:00:00Z`) + DAY))]
      const bill = truth.reduce((s, l) => s + l.unblendedMicroUsd, 0)
      expect(report.allocation.billTotal).toBe(bill)
      expect(report.allocation.customers.reduce((s, c) => s + c.total, 0) + report.allocation.unallocated).toBe(bill)
      const silo = estate.data.organization.accounts.find((a) => a.role === "silo" && a.customerId !== undefined)
      expect(silo).toBeDefined()
      const siloCost = truth.filter((l) => l.accountId === silo?.id).reduce((s, l) => s + l.unblendedMicroUsd, 0)
      const owner = report.allocation.customers.find((c) => c.customer === silo?.customerId)
      expect(siloCost).toBeGreaterThan(0)
      expect(owner?.explanation.find((e) => e.kind === "silo" && e.account === silo?.id)?.amount).toBe(siloCost)
      expect(calls?.sent).toBeGreaterThan(0)
      expect(report.allocation.customers.length).toBeGreaterThan(1)
    }))
})
