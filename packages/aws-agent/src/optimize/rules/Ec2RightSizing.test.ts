import { describe, expect, it } from "@effect/vitest"
import { adviceOf, changesOf, ec2, proposals } from "../World.testkit.js"
import { defaultConfig } from "../Config.js"
import { maxSafeCurrentPeak } from "../Sizing.js"
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
    ["exactly at the peak limit: 40 % peak -> 80 % on half is allowed", "m5.2xlarge", 10, 40, 20, 20, 4],
    // p95 15 % of 8 vCPUs is exactly the 60 % target on 2 (peak 20 % -> exactly 80 %): allowed, like the peak limit.
    ["exactly at the p95 target: 15 % -> 60 % on a quarter is allowed", "m5.2xlarge", 10, 20, 15, 20, 2],
    // Memory keeps the headroom too: 22 % of 32 GiB is 7.04 GiB, which must stay under 80 % use -> 8.8 GiB, more than a 2-vCPU size's 8.
    ["memory at 22 % needs 8.8 GiB with headroom: 4 vCPUs, not 2", "m5.2xlarge", 5, 15, 10, 22, 4],
    // A p95 statistic above the peak series (two different series) is capped at the peak: 15 % on 2 vCPUs is 60 %, allowed.
    ["a p95 statistic above the peak counts as the peak", "m5.2xlarge", 5, 15, 30, 20, 2]
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
  it("moves a burstable whose p95 sits exactly at the smaller size's baseline", () => {
    // t3.large -> t3.medium keeps 2 vCPUs, so p95 20 % stays 20 %: exactly t3.medium's 20 % baseline, which it sustains without credits.
    const changes = changesOf(proposals(ec2RightSizing, [ec2("i-t3", "t3.large", { avg: 10, peak: 30 })], {}, 20))
    expect(changes.map((c) => (c.action._tag === "ResizeInstance" ? c.action.toType : ""))).toEqual(["t3.medium"])
  })

  it("upgrades a previous generation at the same size even with a peak above the headroom limit", () => {
    // Same vCPUs: a 90 % peak stays 90 %, no worse than now, so the cheaper current generation is still proposed.
    const [c] = changesOf(proposals(ec2RightSizing, [ec2("i-old", "m4.large", { avg: 50, peak: 90 })], {}, 60))
    expect(c?.action).toEqual({ _tag: "ResizeInstance", fromType: "m4.large", toType: "m6i.large" })
  })

  it("rates an exact halving with memory measured as low risk, and unmeasured memory as medium", () => {
    // p95 25 % of 8 vCPUs is 50 % on 4: over t3.xlarge's 40 % baseline, so m5.xlarge. Halving is not "more than half"; memory is known.
    const measured = changesOf(proposals(ec2RightSizing, [ec2("i-1", "m5.2xlarge", { avg: 10, peak: 35, memory: 20 })], {}, 25))
    expect(measured.map((c) => [c.action._tag === "ResizeInstance" ? c.action.toType : "", c.risk])).toEqual([["m5.xlarge", "low"]])
    // The precondition: the current peak must stay under 80 % x 4 / 8 = 40 % when the change runs.
    expect(measured[0]?.preconditions.find((p) => p._tag === "UtilizationBelow")).toEqual({ _tag: "UtilizationBelow", percent: 40 })
    const unmeasured = changesOf(proposals(ec2RightSizing, [ec2("i-1", "m5.2xlarge", { avg: 10, peak: 35 })], {}, 25))
    expect(unmeasured.map((c) => [c.action._tag === "ResizeInstance" ? c.action.toType : "", c.risk])).toEqual([["m5.xlarge", "medium"]])
  })

  it("rounds the precondition's peak limit down to a tenth", () => {
    // m5.12xlarge (48 vCPUs) -> t3.2xlarge (8): the current peak must stay under 80 % x 8 / 48 = 13.33 %, written 13.3 (not 13.4 or 13).
    const [c] = changesOf(proposals(ec2RightSizing, [ec2("i-big", "m5.12xlarge", { avg: 1, peak: 3, memory: 10 })], {}, 2))
    expect(c?.action).toEqual({ _tag: "ResizeInstance", fromType: "m5.12xlarge", toType: "t3.2xlarge" })
    expect(c?.preconditions.find((p) => p._tag === "UtilizationBelow")).toEqual({ _tag: "UtilizationBelow", percent: 13.3 })
  })

  it("caps the safe current peak at 100 % when the target is larger", () => {
    // 80 % x 4 / 2 = 160 %: any current peak is safe, written as 100.
    expect(maxSafeCurrentPeak(2, 4, defaultConfig)).toBe(100)
    expect(maxSafeCurrentPeak(8, 4, defaultConfig)).toBe(40)
  })
})
