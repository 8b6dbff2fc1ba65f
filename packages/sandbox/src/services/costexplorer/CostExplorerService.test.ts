import { CostExplorerClient, GetCostAndUsageCommand, InvalidNextTokenException } from "@aws-sdk/client-cost-explorer"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type CostLine, type Estate, minimalEstate } from "../../EstateContract.js"
import { type SandboxHandle, start } from "../../Sandbox.js"
import { microsToDecimal } from "./CostExplorerService.js"
import { call } from "../../testing/SdkCalls.js"

const failure = (f: () => Promise<unknown>) => Effect.promise(() => f().then(() => { throw new Error("expected a failure") }, (e: unknown) => e))
const clientOf = (sandbox: SandboxHandle, credentials = sandbox.credentials) => new CostExplorerClient({ endpoint: sandbox.endpoint, region: "us-east-1", credentials, maxAttempts: 1 })

/** 60 days x 2 accounts x 2 services; account 222 lines tagged CostCenter=cc-a, 333 untagged. */
const lines: ReadonlyArray<CostLine> = Array.from({ length: 60 }, (_, d) => new Date(Date.UTC(2026, 8, 1) + d * 86_400_000).toISOString().slice(0, 10)).flatMap((date) =>
  (["222222222222", "333333333333"] as const).flatMap((accountId) =>
    ["Amazon Elastic Compute Cloud - Compute", "Amazon Simple Storage Service"].map((service) => ({
      date, accountId, service, region: "us-east-1", tags: accountId === "222222222222" ? { CostCenter: "cc-a" } : {},
      unblendedMicroUsd: service.startsWith("Amazon Elastic") ? 1_234_567 : 10_001, amortizedMicroUsd: service.startsWith("Amazon Elastic") ? 1_000_000 : 10_001
    }))
  )
)
const estate: Estate = { ...minimalEstate(), costs: { lines: (s, e) => lines.filter((l) => l.date >= s && l.date < e) } }

describe("Cost Explorer", () => {
  it("writes micro-dollars as exact decimals", () => {
    expect(microsToDecimal(40_354_377)).toBe("40.354377")
    expect(microsToDecimal(0)).toBe("0")
    expect(microsToDecimal(-1_500_000)).toBe("-1.5")
  })

  it.scoped("sums MONTHLY totals without grouping", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, estate })
      const out = yield* call(() => clientOf(sandbox).send(new GetCostAndUsageCommand({ TimePeriod: { Start: "2026-09-01", End: "2026-10-31" }, Granularity: "MONTHLY", Metrics: ["UnblendedCost", "AmortizedCost"] })))
      expect(out.ResultsByTime?.map((r) => r.TimePeriod)).toEqual([{ Start: "2026-09-01", End: "2026-10-01" }, { Start: "2026-10-01", End: "2026-10-31" }])
      // September: 30 days x 2 accounts x (1.234567 + 0.010001)
      expect(out.ResultsByTime?.[0]?.Total?.UnblendedCost).toEqual({ Amount: microsToDecimal(30 * 2 * 1_244_568), Unit: "USD" })
      expect(out.ResultsByTime?.[0]?.Total?.AmortizedCost?.Amount).toBe(microsToDecimal(30 * 2 * 1_010_001))
      expect(out.ResultsByTime?.[0]?.Groups).toEqual([])
      expect(out.ResultsByTime?.[0]?.Estimated).toBe(false)
      expect(out.DimensionValueAttributes).toBeUndefined()
    }))

  it.scoped("groups by linked account and tag, filters, and pages with NextPageToken", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, estate, costExplorer: { pageSize: 7 } })
      const ce = clientOf(sandbox)
      const grouped = yield* call(() =>
        ce.send(new GetCostAndUsageCommand({ TimePeriod: { Start: "2026-09-01", End: "2026-10-01" }, Granularity: "MONTHLY", Metrics: ["UnblendedCost"], GroupBy: [{ Type: "DIMENSION", Key: "LINKED_ACCOUNT" }, { Type: "TAG", Key: "CostCenter" }] }))
      )
      expect(grouped.GroupDefinitions).toEqual([{ Type: "DIMENSION", Key: "LINKED_ACCOUNT" }, { Type: "TAG", Key: "CostCenter" }])
      expect(grouped.ResultsByTime?.[0]?.Groups?.map((g) => g.Keys)).toEqual([["222222222222", "CostCenter$cc-a"], ["333333333333", "CostCenter$"]])
      expect(grouped.ResultsByTime?.[0]?.Total).toEqual({})
      expect(grouped.DimensionValueAttributes).toEqual([{ Value: "222222222222", Attributes: { description: "Production" } }, { Value: "333333333333", Attributes: { description: "Development" } }])
      let groups = 0
      let pages = 0
      // Cost Explorer's SDK has no paginator for GetCostAndUsage: callers loop on NextPageToken.
      let token: string | undefined
      do {
        const page = yield* call(() =>
          ce.send(new GetCostAndUsageCommand({ TimePeriod: { Start: "2026-09-01", End: "2026-09-11" }, Granularity: "DAILY", Metrics: ["UnblendedCost"], GroupBy: [{ Type: "DIMENSION", Key: "SERVICE" }], ...(token === undefined ? {} : { NextPageToken: token }) }))
        )
        pages += 1
        for (const r of page.ResultsByTime ?? []) groups += r.Groups?.length ?? 0
        token = page.NextPageToken
      } while (token !== undefined && pages < 10)
      expect(groups).toBe(20)
      expect(pages).toBe(3)
      const filtered = yield* call(() =>
        ce.send(new GetCostAndUsageCommand({
          TimePeriod: { Start: "2026-09-01", End: "2026-09-02" }, Granularity: "DAILY", Metrics: ["UnblendedCost"],
          Filter: { And: [{ Dimensions: { Key: "SERVICE", Values: ["Amazon Simple Storage Service"] } }, { Tags: { Key: "CostCenter", Values: ["cc-a"] } }] }
        }))
      )
      expect(filtered.ResultsByTime?.[0]?.Total?.UnblendedCost?.Amount).toBe("0.010001")
      const badToken = yield* failure(() => ce.send(new GetCostAndUsageCommand({ TimePeriod: { Start: "2026-09-01", End: "2026-09-02" }, Granularity: "DAILY", Metrics: ["UnblendedCost"], GroupBy: [{ Type: "DIMENSION", Key: "SERVICE" }], NextPageToken: "bogus" })))
      expect(badToken).toBeInstanceOf(InvalidNextTokenException)
    }))

  it.scoped("rejects three group-by keys and shows members only their own cost", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, estate })
      const three = yield* failure(() =>
        clientOf(sandbox).send(new GetCostAndUsageCommand({ TimePeriod: { Start: "2026-09-01", End: "2026-09-02" }, Granularity: "DAILY", Metrics: ["UnblendedCost"], GroupBy: [{ Type: "DIMENSION", Key: "SERVICE" }, { Type: "DIMENSION", Key: "REGION" }, { Type: "TAG", Key: "CostCenter" }] }))
      )
      expect((three as Error).name).toBe("ValidationException")
      const member = yield* call(() =>
        clientOf(sandbox, sandbox.credentialsFor("333333333333")).send(new GetCostAndUsageCommand({ TimePeriod: { Start: "2026-09-01", End: "2026-09-02" }, Granularity: "DAILY", Metrics: ["UnblendedCost"], GroupBy: [{ Type: "DIMENSION", Key: "LINKED_ACCOUNT" }] }))
      )
      expect(member.ResultsByTime?.[0]?.Groups?.map((g) => g.Keys?.[0])).toEqual(["333333333333"])
    }))
})
