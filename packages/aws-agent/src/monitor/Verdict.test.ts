import { describe, expect, it } from "@effect/vitest"
import { AlarmObservation } from "@miyabi/types"
import { baselineFrom } from "./Baseline.js"
import { compare, defaultCpuThresholds, type Subject } from "./Compare.js"
import { resize, series } from "./Monitor.testkit.js"
import { verdict } from "./Verdict.js"

const subject = (id: string): Subject => {
  const c = resize(id)
  return { changeId: c.id, resource: c.resource, namespace: "AWS/EC2", metric: "CPUUtilization" }
}
const baseline = baselineFrom(series([20, 20, 20, 20]))
const ok = (id: string) => compare(subject(id), baseline, series([22, 21, 23]), defaultCpuThresholds)
const hot = (id: string) => compare(subject(id), baseline, series([85, 90, 95]), defaultCpuThresholds)
const short = (id: string) => compare(subject(id), baseline, series([22]), defaultCpuThresholds)
const alarm = (state: AlarmObservation["state"], id?: string) =>
  AlarmObservation.make({ name: `miyabi/cycle-1/${id ?? "x"}/cpu`, condition: "CPUUtilization > 80 for 3 x 5 min", state, ...(id === undefined ? {} : { changeId: subject(id).changeId }) })

describe("verdict", () => {
  it("healthy when every metric is ok; new alarms in INSUFFICIENT_DATA do not matter", () => {
    expect(verdict([ok("a"), ok("b")], [alarm("INSUFFICIENT_DATA", "a"), alarm("OK", "b")])).toEqual({ verdict: "healthy", rollback: [], reasons: [] })
  })
  it("regressed metrics name their changes, once each, in order", () => {
    const r = verdict([ok("a"), hot("b"), hot("b"), short("c")], [])
    expect(r.verdict).toBe("regressed")
    expect(r.rollback).toEqual(["b"])
  })
  it("an alarm in ALARM is a regression of its change", () => {
    const r = verdict([ok("a"), ok("b")], [alarm("ALARM", "a")])
    expect(r).toMatchObject({ verdict: "regressed", rollback: ["a"] })
    expect(r.reasons[0]).toContain("in ALARM")
  })
  it("insufficient data when nothing was assessed or a metric was short", () => {
    expect(verdict([], [alarm("OK", "a")]).verdict).toBe("insufficient-data")
    expect(verdict([ok("a"), short("c")], []).verdict).toBe("insufficient-data")
  })
})
