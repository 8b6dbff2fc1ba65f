import { describe, expect, it } from "@effect/vitest"
import { AllocationPolicy, CostLine, MicroUsd } from "@miyabi/types"
import { Either, Schema } from "effect"
import fc from "fast-check"
import { allocate, AllocationError } from "./Allocation.js"

const SILO = "111111111111"
const POOL = "222222222222"
const BRIDGE = "333333333333"
const PLATFORM = "444444444444"
const STRAY = "555555555555"

const line = (account: string, usd: number, tags: Record<string, string> = {}, service = "AmazonEC2") =>
  new CostLine({
    date: "2026-10-01",
    account,
    service,
    tags,
    unblended: MicroUsd.make(Math.round(usd * 1_000_000)),
    amortized: MicroUsd.make(Math.round(usd * 1_000_000))
  })

const policy = (input: unknown) => Schema.decodeUnknownSync(AllocationPolicy)(input)

const estate = policy({
  accounts: [
    { account: SILO, kind: "silo", customers: ["acme"] },
    { account: POOL, kind: "pool", customers: ["globex", "initech"], key: { _tag: "tasks", tasks: { globex: 30, initech: 10 } } },
    { account: BRIDGE, kind: "bridge", customers: ["acme", "globex"], key: { _tag: "tagged-share" } },
    { account: PLATFORM, kind: "shared-platform", customers: [] }
  ]
})

const run = (lines: ReadonlyArray<CostLine>, p: AllocationPolicy) => Either.getOrThrow(allocate(lines, p))
const totals = (lines: ReadonlyArray<CostLine>, p: AllocationPolicy) =>
  Object.fromEntries(run(lines, p).customers.map((c) => [c.customer, c.total / 1_000_000]))

describe("allocate", () => {
  it("gives a silo account wholly to its customer, even lines tagged otherwise", () => {
    const result = run([line(SILO, 10), line(SILO, 5, { CostCenter: "globex" })], estate)
    expect(result.customers.map((c) => [c.customer, c.direct, c.shared])).toEqual([["acme", 15_000_000, 0]])
    expect(result.notes.join()).toMatch(/1 line\(s\) in silo accounts carried another CostCenter/)
  })

  it("splits a pool's untagged cost by tasks and keeps tagged lines direct", () => {
    const result = run([line(POOL, 100), line(POOL, 7, { CostCenter: "initech" })], estate)
    expect(totals([line(POOL, 100), line(POOL, 7, { CostCenter: "initech" })], estate)).toEqual({ globex: 75, initech: 32 })
    const initech = result.customers.find((c) => c.customer === "initech")
    expect(initech?.direct).toBe(7_000_000)
    expect(initech?.shared).toBe(25_000_000)
    expect(initech?.explanation.map((e) => e.text)).toEqual([
      "$25.00 of $100.00 shared in account 222222222222 by tasks: weight 10 of 40",
      "$7.00 tagged CostCenter=initech in account 222222222222"
    ])
  })

  it("splits a bridge's shared cost by each customer's tagged share in that account", () => {
    const lines = [line(BRIDGE, 30, { CostCenter: "acme" }), line(BRIDGE, 10, { CostCenter: "globex" }), line(BRIDGE, 8)]
    expect(totals(lines, estate)).toEqual({ acme: 36, globex: 12 })
  })

  it("splits a shared-platform account across every customer of the estate", () => {
    const p = policy({ defaultKey: { _tag: "even" }, accounts: estate.accounts })
    expect(totals([line(PLATFORM, 0.000004)], p)).toEqual({ acme: 0.000002, globex: 0.000001, initech: 0.000001 })
  })

  it("puts untagged cost of an undeclared account in the unallocated bucket, never drops it", () => {
    const result = run([line(STRAY, 12.5), line(STRAY, 1, { CostCenter: "acme" })], estate)
    expect(result.unallocated).toBe(12_500_000)
    expect(result.billTotal).toBe(13_500_000)
    expect(result.unallocatedExplanation[0]?.text).toBe("$12.50 untagged in account 555555555555, which has no customers")
    expect(result.notes).toContain("account 555555555555 is not declared; its untagged cost is unallocated")
  })

  it("falls back to an even split when the key gives no weight, and says so", () => {
    const p = policy({ accounts: [{ account: POOL, kind: "pool", customers: ["a", "b"], key: { _tag: "tasks", tasks: {} } }] })
    const result = run([line(POOL, 3)], p)
    expect(result.customers.map((c) => c.total)).toEqual([1_500_000, 1_500_000])
    expect(result.notes[0]).toMatch(/zero weight; split evenly/)
  })

  it("allocates a credit like any line: shares of a negative pool are non-positive", () => {
    const p = policy({ accounts: [{ account: POOL, kind: "pool", customers: ["a", "b", "c"], key: { _tag: "weights", weights: { a: 1, b: 1, c: 1 } } }] })
    expect(totals([line(POOL, -0.000010)], p)).toEqual({ a: -0.000004, b: -0.000003, c: -0.000003 })
  })

  it("trims the customer tag's value, and treats a blank one as untagged", () => {
    // " globex " is globex's own line; "  " is pooled and split 30:10 by tasks.
    expect(totals([line(POOL, 4, { CostCenter: " globex " }), line(POOL, 8, { CostCenter: "  " })], estate)).toEqual({ globex: 10, initech: 2 })
  })

  it("uses the configured customer tag and the amortized measure", () => {
    const p = policy({ customerTag: "business_unit", measure: "amortized", accounts: [] })
    const l = new CostLine({ ...line(STRAY, 0), tags: { business_unit: "TempeAI" }, unblended: MicroUsd.make(5), amortized: MicroUsd.make(3) })
    expect(run([l], p).customers[0]).toMatchObject({ customer: "TempeAI", total: 3 })
  })

  it.each([
    { accounts: [{ account: SILO, kind: "silo", customers: [] }], detail: /exactly one customer/ },
    { accounts: [{ account: POOL, kind: "pool", customers: ["a"] }, { account: POOL, kind: "pool", customers: ["b"] }], detail: /declared twice/ },
    { accounts: [{ account: POOL, kind: "pool", customers: ["a", "a"] }], detail: /listed twice/ }
  ])("rejects an invalid policy ($detail)", ({ accounts, detail }) => {
    const result = allocate([], policy({ accounts }))
    expect(Either.isLeft(result)).toBe(true)
    if (Either.isLeft(result)) {
      expect(result.left).toBeInstanceOf(AllocationError)
      expect(result.left.message).toMatch(detail)
    }
  })

  it("lists a weighted customer whose share rounds to zero, and leaves out a customer with zero usage", () => {
    // 1 micro-dollar split evenly over a, b, c: the one left-over micro goes to the smallest id; b and c keep a $0 line with their weight.
    const even = policy({ accounts: [{ account: POOL, kind: "pool", customers: ["a", "b", "c"], key: { _tag: "even" } }] })
    const tiny = run([line(POOL, 0.000001)], even)
    expect(tiny.customers.map((c) => [c.customer, c.total])).toEqual([["a", 1], ["b", 0], ["c", 0]])
    expect(tiny.customers[1]?.explanation.map((e) => [e.weight, e.ofWeight])).toEqual([["1", "3"]])
    // initech ran no tasks: globex's 4 tasks take the whole $10, initech gets no line, and no even fallback happens.
    const tasks = policy({ accounts: [{ account: POOL, kind: "pool", customers: ["globex", "initech"], key: { _tag: "tasks", tasks: { globex: 4, initech: 0 } } }] })
    const result = run([line(POOL, 10)], tasks)
    expect(result.customers.map((c) => [c.customer, c.total])).toEqual([["globex", 10_000_000]])
    expect(result.notes).toEqual([])
  })

  it("gives a customer whose tagged lines net to a credit no tagged-share weight", () => {
    // Bridge: acme tagged $30, globex tagged -$10 (a refund): weights 30 and 0, so acme takes the untagged $8 whole.
    const lines = [line(BRIDGE, 30, { CostCenter: "acme" }), line(BRIDGE, -10, { CostCenter: "globex" }), line(BRIDGE, 8)]
    expect(totals(lines, estate)).toEqual({ acme: 38, globex: -10 })
  })

  it("splits a shared-platform account by each customer's direct cost across the estate, ignoring its own customer list", () => {
    // acme's silo $30 and globex's tagged $10 weigh 30:10 on the platform's untagged $8 -> $6 and $2; initech has no cost, so no share.
    const byShare = policy({ accounts: estate.accounts.map((a) => (a.kind === "shared-platform" ? { ...a, key: { _tag: "tagged-share" } } : a)) })
    expect(totals([line(SILO, 30), line(POOL, 10, { CostCenter: "globex" }), line(PLATFORM, 8)], byShare)).toEqual({ acme: 36, globex: 12 })
    // A customer listed on the shared-platform account itself is not part of the estate: acme (silo) takes the whole $2.
    const listed = policy({ accounts: [{ account: SILO, kind: "silo", customers: ["acme"] }, { account: PLATFORM, kind: "shared-platform", customers: ["ghost"] }] })
    expect(totals([line(SILO, 1), line(PLATFORM, 2)], listed)).toEqual({ acme: 3 })
  })

  it("counts a customer tagged only in an undeclared account as part of the estate", () => {
    // hooli is tagged $1 in a stray account; the platform's untagged $4 is split across the estate, which is hooli alone.
    const p = policy({ accounts: [{ account: PLATFORM, kind: "shared-platform", customers: [] }] })
    const result = run([line(STRAY, 1, { CostCenter: "hooli" }), line(PLATFORM, 4)], p)
    expect(result.customers.map((c) => [c.customer, c.total])).toEqual([["hooli", 5_000_000]])
    expect(result.unallocated).toBe(0)
  })

  it("sends a declared pool without customers to unallocated without calling it undeclared, and ignores a blank tag in a silo", () => {
    const p = policy({ accounts: [{ account: POOL, kind: "pool", customers: [] }, { account: SILO, kind: "silo", customers: ["acme"] }] })
    const result = run([line(POOL, 5), line(SILO, 1, { CostCenter: "  " })], p)
    expect(result.unallocated).toBe(5_000_000)
    // The blank tag is no conflict with the silo's customer, and the pool is declared: no notes at all.
    expect(result.notes).toEqual([])
  })

  it("leaves no trace of untagged cost that nets to zero", () => {
    // $5 and a $5 refund, untagged, in a pool and in an undeclared account: nothing to share, nothing unallocated, no note.
    const result = run([line(POOL, 5), line(POOL, -5), line(STRAY, 5), line(STRAY, -5)], estate)
    expect(result.customers).toEqual([])
    expect(result.unallocatedExplanation).toEqual([])
    expect(result.notes).toEqual([])
  })

  const customerNames = ["acme", "globex", "initech", "umbrella", "hooli"]
  const accountIds = [SILO, POOL, BRIDGE, PLATFORM, STRAY]
  const key = fc.oneof(
    fc.constant({ _tag: "even" }),
    fc.constant({ _tag: "tagged-share" }),
    fc.dictionary(fc.constantFrom(...customerNames), fc.nat(1000)).map((tasks) => ({ _tag: "tasks", tasks })),
    fc.dictionary(fc.constantFrom(...customerNames), fc.nat(1000)).map((weights) => ({ _tag: "weights", weights }))
  )
  const roles = fc.tuple(
    fc.constantFrom(...customerNames),
    fc.uniqueArray(fc.constantFrom(...customerNames)),
    fc.uniqueArray(fc.constantFrom(...customerNames)),
    key,
    key,
    key
  ).map(([silo, pool, bridge, poolKey, bridgeKey, platformKey]) =>
    policy({
      accounts: [
        { account: SILO, kind: "silo", customers: [silo] },
        { account: POOL, kind: "pool", customers: pool, key: poolKey },
        { account: BRIDGE, kind: "bridge", customers: bridge, key: bridgeKey },
        { account: PLATFORM, kind: "shared-platform", customers: [], key: platformKey }
      ]
    }))
  const bill = (min: number) =>
    fc.array(
      fc.record({
        account: fc.constantFrom(...accountIds),
        micros: fc.integer({ min, max: 50_000_000_000 }),
        customer: fc.option(fc.constantFrom(...customerNames), { nil: undefined })
      }),
      { maxLength: 60 }
    ).map((rows) =>
      rows.map(({ account, micros, customer }) =>
        new CostLine({
          date: "2026-10-01",
          account,
          service: "AmazonEC2",
          tags: customer === undefined ? {} : { CostCenter: customer },
          unblended: MicroUsd.make(micros),
          amortized: MicroUsd.make(micros)
        })
      ))

  it("property: customers + unallocated equal the bill exactly; no one is negative on a non-negative bill", () => {
    fc.assert(
      fc.property(bill(0), roles, (lines, p) => {
        const result = run(lines, p)
        const sum = result.customers.reduce((s, c) => s + c.total, 0) + result.unallocated
        expect(sum).toBe(lines.reduce((s, l) => s + l.unblended, 0))
        expect(result.billTotal).toBe(sum)
        for (const c of result.customers) {
          expect(c.total).toBeGreaterThanOrEqual(0)
          expect(c.shared).toBeGreaterThanOrEqual(0)
          expect(c.total).toBe(c.direct + c.shared)
          expect(c.explanation.reduce((s, e) => s + e.amount, 0)).toBe(c.total)
        }
        expect(result.unallocated).toBeGreaterThanOrEqual(0)
      }),
      { numRuns: 300 }
    )
  })

  it("property: with credits the sum is still exact and each share has the sign of its pool", () => {
    fc.assert(
      fc.property(bill(-50_000_000_000), roles, (lines, p) => {
        const result = run(lines, p)
        expect(result.customers.reduce((s, c) => s + c.total, 0) + result.unallocated).toBe(lines.reduce((s, l) => s + l.unblended, 0))
        for (const c of result.customers) {
          for (const e of c.explanation.filter((x) => x.kind === "shared")) {
            expect(e.amount === 0 || Math.sign(e.amount) === Math.sign(e.pool ?? 0)).toBe(true)
          }
        }
      }),
      { numRuns: 200 }
    )
  })
})
