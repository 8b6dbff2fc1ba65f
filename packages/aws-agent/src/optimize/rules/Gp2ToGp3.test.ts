import { describe, expect, it } from "@effect/vitest"
import { changesOf, proposals, volume } from "../World.testkit.js"
import { gp2ToGp3 } from "./Gp2ToGp3.js"

describe("Gp2ToGp3", () => {
  it("moves a small gp2 volume to gp3 at the baseline, saving the per-GiB difference", () => {
    const [c] = changesOf(proposals(gp2ToGp3, [volume("vol-1", "gp2", 100)]))
    expect(c?.action).toEqual({ _tag: "ModifyVolume", fromType: "gp2", toType: "gp3", iops: 3000, throughputMiBps: 125 })
    expect(c?.rollback).toEqual({ _tag: "ModifyVolume", fromType: "gp3", toType: "gp2" })
    // $0.10 - $0.08 per GiB-month.
    expect(c?.expectedMonthlySavings).toBe(100 * 20_000)
  })

  it("provisions a large volume's gp2 IOPS and throughput on gp3 and prices them in", () => {
    const ps = proposals(gp2ToGp3, [volume("vol-2", "gp2", 2000)])
    const [c] = changesOf(ps)
    expect(c?.action).toMatchObject({ iops: 6000, throughputMiBps: 250 })
    // 2000 GiB x $0.02 - 3000 extra IOPS x $0.005 - 125 MiB/s x $0.04
    expect(c?.expectedMonthlySavings).toBe(2000 * 20_000 - 3000 * 5_000 - 125 * 40_000)
    expect(ps[0]?._tag === "Change" ? String(ps[0].evidence["caveat"]) : "").toContain("3000 IOPS")
  })

  it("gives gp2 250 MiB/s only above 170 GiB, where gp3's extra throughput outweighs the per-GiB saving", () => {
    const [at170] = changesOf(proposals(gp2ToGp3, [volume("vol-170", "gp2", 170)]))
    expect(at170?.action).toMatchObject({ iops: 3000, throughputMiBps: 125 })
    // 171 GiB x $0.02 = $3.42 saved, 125 MiB/s x $0.04 = $5.00 added: no change.
    expect(proposals(gp2ToGp3, [volume("vol-171", "gp2", 171)])).toEqual([])
  })

  it("reads gp2's IOPS as 3 per GiB, at least 100 and at most 16,000", () => {
    const evidence = (sizeGiB: number) => {
      const [p] = proposals(gp2ToGp3, [volume(`vol-${sizeGiB}`, "gp2", sizeGiB)])
      return p?._tag === "Change" ? [p.evidence["gp2BaselineIops"], p.evidence["gp3Iops"]] : []
    }
    expect(evidence(20)).toEqual([100, 3000])
    expect(evidence(2000)).toEqual([6000, 6000])
    // 6,000 GiB would be 18,000 IOPS at 3 per GiB; gp2 stops at 16,000, and so does the gp3 target.
    expect(evidence(6000)).toEqual([16_000, 16_000])
  })

  it("ignores other volume types", () => {
    expect(proposals(gp2ToGp3, [volume("vol-3", "gp3", 100)])).toEqual([])
  })
  it("proposes nothing when the saving is exactly zero", () => {
    // 250 GiB: 250 x $0.02 = $5.00 saved per GiB, 125 MiB/s extra x $0.04 = $5.00 added (IOPS 750 < 3,000 baseline).
    expect(proposals(gp2ToGp3, [volume("vol-250", "gp2", 250)])).toEqual([])
    // 251 GiB saves $0.02 net.
    expect(changesOf(proposals(gp2ToGp3, [volume("vol-251", "gp2", 251)]))[0]?.expectedMonthlySavings).toBe(20_000)
  })
})
