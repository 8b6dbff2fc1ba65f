import { describe, expect, it } from "@effect/vitest"
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
})
