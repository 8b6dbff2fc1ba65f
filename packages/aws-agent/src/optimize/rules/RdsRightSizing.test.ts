import { describe, expect, it } from "@effect/vitest"
import { Resource } from "@miyabi/types"
import { adviceOf, changesOf, database, proposals } from "../World.testkit.js"
import { rdsRightSizing } from "./RdsRightSizing.js"

describe("RdsRightSizing", () => {
  it("says insufficient data without enough history", () => {
    const ps = proposals(rdsRightSizing, [database("db-1", "db.m5.2xlarge", { avg: 3, peak: 8, hours: 10 })])
    expect(adviceOf(ps).map((a) => a.reason)).toEqual(["insufficient-data"])
  })

  it.each([
    ["db.m5.2xlarge at 15 % peak -> a 4-vCPU class", "db.m5.2xlarge", 15, ["db.m5.xlarge"]],
    ["db.m4.large at 60 % peak -> its current-generation equivalent", "db.m4.large", 60, ["db.m5.large", "db.m6i.large"]],
    ["db.r5.large at 60 % peak -> nothing cheaper fits", "db.r5.large", 60, []]
  ] as const)("%s", (_, cls, peak, expected) => {
    const changes = changesOf(proposals(rdsRightSizing, [database("db-1", cls, { avg: peak / 2, peak })]))
    expect(changes.map((c) => (c.action._tag === "ResizeDbInstance" ? c.action.toClass : ""))).toEqual(expected.length === 0 ? [] : [expect.toBeOneOf([...expected])])
    for (const c of changes) {
      expect(c.rollback).toEqual({ _tag: "ResizeDbInstance", fromClass: c.action._tag === "ResizeDbInstance" ? c.action.toClass : "", toClass: cls })
      // Single-AZ: the resize is an outage, so a person approves it.
      expect(c.preconditions.some((p) => p._tag === "ManualApproval")).toBe(true)
    }
  })
  it("rates a Multi-AZ resize with measured memory low risk without approval, leaves a stopped database alone", () => {
    // db.m5.2xlarge (8 vCPUs) at p95 = peak 15 % with 20 % memory: 2 vCPUs reach 60 % (target) and 60 % peak.
    const multiAz = database("db-1", "db.m5.2xlarge", { avg: 8, peak: 15, memory: 20 }, { multiAz: true })
    const [c] = changesOf(proposals(rdsRightSizing, [multiAz]))
    expect(c?.action).toEqual({ _tag: "ResizeDbInstance", fromClass: "db.m5.2xlarge", toClass: "db.m5.large" })
    expect(c?.risk).toBe("low")
    // Current peak must stay under 80 % x 2 / 8 = 20 %; Multi-AZ fails over, so no manual approval.
    expect(c?.preconditions.map((p) => (p._tag === "UtilizationBelow" ? `below ${p.percent}` : p._tag))).toEqual(["UnchangedSince", "TagAbsent", "StateIs", "below 20"])
    const [single] = changesOf(proposals(rdsRightSizing, [database("db-2", "db.m5.2xlarge", { avg: 8, peak: 15, memory: 20 })]))
    expect(single?.risk).toBe("medium")
    const stopped = Resource.make({ ...multiAz, state: "stopped" })
    expect(proposals(rdsRightSizing, [stopped])).toEqual([])
  })
})
