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

  it("ignores other volume types", () => {
    expect(proposals(gp2ToGp3, [volume("vol-3", "gp3", 100)])).toEqual([])
  })
})
