import { describe, expect, it } from "@effect/vitest"
import { adviceOf, changesOf, ec2, proposals } from "../World.testkit.js"
import { ec2RightSizing } from "./Ec2RightSizing.js"

describe("Ec2RightSizing", () => {
  it("says insufficient data under 30 hours of metrics, and with no metrics at all", () => {
    for (const r of [ec2("i-new", "m5.2xlarge", { avg: 2, peak: 5, hours: 29 }), ec2("i-none", "m5.2xlarge")]) {
      const ps = proposals(ec2RightSizing, [r])
      expect(changesOf(ps)).toEqual([])
      expect(adviceOf(ps).map((a) => a.reason)).toEqual(["insufficient-data"])
      expect(adviceOf(ps)[0]?.summary).toContain("insufficient data")
    }
  })

  it.each([
    // [case, type, avg, peak, p95 stat, memory %, expected vCPUs after (undefined: no change)]
    ["halves an over-provisioned instance, keeping half the memory without memory metrics", "m5.2xlarge", 5, 15, 10, undefined, 4],
    ["goes further when memory is measured and low", "m5.2xlarge", 5, 15, 10, 20, 2],
    ["peak protection: a 50 % peak keeps 8 vCPUs (only t3.2xlarge, whose 40 % baseline carries p95 30 %)", "m5.2xlarge", 20, 50, 30, 20, 8],
    ["p95 target: p95 32 % would be 64 % on half the vCPUs (target 60): 8 vCPUs kept", "m5.2xlarge", 20, 35, 32, 20, 8],
    ["nothing: p95 45 % is over t3's baseline and no smaller size fits", "m5.2xlarge", 30, 50, 45, 20, undefined],
    ["exactly at the peak limit: 40 % peak -> 80 % on half is allowed", "m5.2xlarge", 10, 40, 20, 20, 4]
  ] as const)("%s", (_, type, avg, peak, p95, memory, vcpus) => {
    const ps = proposals(ec2RightSizing, [ec2("i-1", type, { avg, peak, ...(memory === undefined ? {} : { memory }) })], {}, p95)
    const changes = changesOf(ps)
    if (vcpus === undefined) {
      expect(changes).toEqual([])
      return
    }
    expect(changes).toHaveLength(1)
    const c = changes[0]!
    expect(c.action._tag).toBe("ResizeInstance")
    const evidence = ps[0]?._tag === "Change" ? ps[0].evidence : {}
    expect(evidence["toVcpus"]).toBe(vcpus)
    expect(Number(evidence["projectedPeak"])).toBeLessThanOrEqual(80)
    expect(c.rollback).toEqual({ _tag: "ResizeInstance", fromType: c.action._tag === "ResizeInstance" ? c.action.toType : "", toType: type })
    expect(c.expectedMonthlySavings).toBeGreaterThan(0)
    expect(c.rule).toBe("cost.rightsize-instance")
    expect(evidence["memoryCaveat"] === null).toBe(memory !== undefined)
  })

  it("upgrades a previous generation at the same size when the load does not allow a smaller one", () => {
    const ps = proposals(ec2RightSizing, [ec2("i-old", "m4.large", { avg: 40, peak: 70 })])
    const [c] = changesOf(ps)
    expect(c?.action).toEqual({ _tag: "ResizeInstance", fromType: "m4.large", toType: "m6i.large" })
    // m4.large $0.100/h vs m6i.large $0.096/h, 730 hours.
    expect(c?.expectedMonthlySavings).toBe((100_000 - 96_000) * 730)
    expect(c?.findings.map(String)).toEqual(["cost.previous-generation:arn:aws:ec2:us-east-1:123456789012:instance/i-old"])
  })

  it.each([
    ["a busy t3.large stays: t3.medium's 20 % baseline cannot carry a 51 % p95", 45, 54, 51, undefined],
    ["a quiet t3.large moves to t3.medium (p95 8 % under the 20 % baseline)", 5, 12, 8, "t3.medium"]
  ] as const)("burstable: %s", (_, avg, peak, p95, expected) => {
    const changes = changesOf(proposals(ec2RightSizing, [ec2("i-t3", "t3.large", { avg, peak })], {}, p95))
    expect(changes.map((c) => (c.action._tag === "ResizeInstance" ? c.action.toType : ""))).toEqual(expected === undefined ? [] : [expected])
  })

  it("states the memory caveat in the summary and raises the risk when memory is not measured", () => {
    const [c] = changesOf(proposals(ec2RightSizing, [ec2("i-1", "m5.2xlarge", { avg: 5, peak: 15 })]))
    expect(c?.summary).toContain("memory not measured")
    expect(c?.risk).toBe("medium")
    expect(c?.preconditions.map((p) => p._tag)).toEqual(["UnchangedSince", "TagAbsent", "StateIs", "UtilizationBelow"])
  })

  it("leaves stopped instances and Auto Scaling members alone", () => {
    expect(proposals(ec2RightSizing, [ec2("i-s", "m5.2xlarge", { avg: 5, peak: 15 }, { state: "stopped" })])).toEqual([])
    expect(proposals(ec2RightSizing, [ec2("i-a", "m5.2xlarge", { avg: 5, peak: 15 }, { tags: { "aws:autoscaling:groupName": "web" } })])).toEqual([])
  })
})
