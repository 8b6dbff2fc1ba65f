import { describe, expect, it } from "@effect/vitest"
import { changeFunctionMemory, changeInstanceType, stopInstance } from "./EstateChanges.js"
import { estateCosts, SERVICE_NAMES } from "./EstateCosts.js"
import { generateEstate } from "./GenerateEstate.js"
import { ec2HourlyMicros } from "./PriceTable.js"

const DAY = 86_400_000
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
const total = (lines: Iterable<{ unblendedMicroUsd: number }>): number => [...lines].reduce((a, l) => a + l.unblendedMicroUsd, 0)

describe("estateCosts", () => {
  it("gives daily lines per account, service, region and cost tags in integer micro-dollars", () => {
    const estate = generateEstate({ seed: 4, size: "small" })
    const lines = [...estateCosts(estate).lines(day(estate.asOf - 3 * DAY), day(estate.asOf))]
    expect(new Set(lines.map((l) => l.date))).toEqual(new Set([0, 1, 2].map((n) => day(estate.asOf - (3 - n) * DAY))))
    for (const l of lines) {
      expect(Number.isInteger(l.unblendedMicroUsd)).toBe(true)
      expect(l.amortizedMicroUsd).toBe(l.unblendedMicroUsd)
      expect(Object.keys(l.tags).every((k) => ["CostCenter", "Environment", "Application", "Owner"].includes(k))).toBe(true)
    }
    const services = new Set(lines.map((l) => l.service))
    expect(services).toContain(SERVICE_NAMES.ec2)
    expect(services).toContain(SERVICE_NAMES.ec2Other)
    expect(services).toContain(SERVICE_NAMES.s3)
    expect(lines.some((l) => l.tags["CostCenter"]?.startsWith("cust-") === true)).toBe(true)
    expect(lines.some((l) => l.tags["CostCenter"] === undefined)).toBe(true)
  })

  it("prices a running instance's day at 24 hours of its hourly price", () => {
    const estate = generateEstate({ seed: 4, size: "tiny" })
    const instance = estate.instances.find((i) => i.state === "running" && i.history.length === 1)
    if (instance === undefined) throw new Error("no running instance")
    const d = day(estate.asOf - DAY)
    const all = [...estateCosts(estate).lines(d, day(estate.asOf))]
    const ec2Total = total(all.filter((l) => l.service === SERVICE_NAMES.ec2))
    const expected = estate.instances
      .filter((i) => i.history.every((e) => e.running) || (i.history.at(-1)?.at ?? 0) > estate.asOf)
      .reduce((a, i) => a + ec2HourlyMicros(i.instanceType, i.region) * 24, 0)
    expect(Math.abs(ec2Total - expected)).toBeLessThanOrEqual(all.length)
  })

  it("follows changes: a stopped instance stops costing, a smaller one costs less", () => {
    const estate = generateEstate({ seed: 8, size: "small" })
    const costs = estateCosts(estate)
    const next = day(estate.asOf)
    const after = day(estate.asOf + DAY)
    const running = estate.instances.filter((i) => i.state === "running")
    const [a, b] = running.filter((i) => i.instanceType.endsWith(".xlarge"))
    if (a === undefined || b === undefined) throw new Error("need two xlarge instances")
    const before = total(costs.lines(next, after))
    stopInstance(a, estate.asOf)
    const stopped = total(costs.lines(next, after))
    expect(before - stopped).toBeGreaterThanOrEqual(ec2HourlyMicros(a.instanceType, a.region) * 24 - 50)
    expect(before - stopped).toBeLessThanOrEqual(ec2HourlyMicros(a.instanceType, a.region) * 24 + 50)
    const smaller = b.instanceType.replace(".xlarge", ".large")
    changeInstanceType(b, smaller, estate.asOf)
    const resized = total(costs.lines(next, after))
    const saved = (ec2HourlyMicros(b.instanceType === smaller ? b.baselineInstanceType : b.instanceType, b.region) - ec2HourlyMicros(smaller, b.region)) * 24
    expect(Math.abs(stopped - resized - saved)).toBeLessThanOrEqual(50)
    // The day before the changes is untouched.
    const earlier = day(estate.asOf - DAY)
    expect(total(costs.lines(earlier, next))).toBe(total(estateCosts(generateEstate({ seed: 8, size: "small" })).lines(earlier, next)))
  })

  it("halves an over-provisioned function's Lambda cost when its memory is halved, from the change on", () => {
    const estate = generateEstate({ seed: 8, size: "small" })
    const fn = estate.functions.find((f) => f.profile === "overProvisioned" && f.invocationsPerHour >= 120)
    if (fn === undefined) throw new Error("no busy over-provisioned function")
    const costs = estateCosts(estate)
    const lambdaOf = (start: string, end: string) =>
      total([...costs.lines(start, end)].filter((l) => l.service === SERVICE_NAMES.lambda && l.accountId === fn.accountId && l.region === fn.region && l.tags["Application"] === fn.tags["Application"]))
    const others = estate.functions.filter((f) => f !== fn && f.accountId === fn.accountId && f.region === fn.region && f.tags["Application"] === fn.tags["Application"])
    const next = day(estate.asOf)
    const after = day(estate.asOf + DAY)
    const before = lambdaOf(next, after)
    changeFunctionMemory(fn, fn.memorySize / 2, estate.asOf)
    const halved = lambdaOf(next, after)
    expect(others.every((f) => f.memoryHistory.length === 1)).toBe(true)
    expect(halved).toBeLessThan(before)
    expect(fn.memoryHistory).toHaveLength(2)
    // The day before the change is billed at the old size.
    expect(lambdaOf(day(estate.asOf - DAY), next)).toBe(before)
  })
})
