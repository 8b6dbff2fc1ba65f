import { describe, expect, it } from "@effect/vitest"
import { MicroUsd } from "@miyabi/types"
import { Duration } from "effect"
import type { WorldSnapshot } from "./CycleRunner.js"
import { type CycleMark, defaultCriteria, worldInfinity } from "./WorldInfinity.js"

const DAY = 86_400_000
const t0 = new Date("2026-01-01T00:00:00Z")
const day = (n: number) => new Date(t0.getTime() + n * DAY)
const usd = (dollars: number) => MicroUsd.make(dollars * 1_000_000)
const snapshot = (cost: number, score: number, utilization: number): WorldSnapshot => ({ monthlyCost: usd(cost), score, utilizationPct: utilization })

// SPEC's reference trajectory: World0 $280/72/60 % -> World1 $250/85/70 % -> World∞ $180/95/80 %.
const world0 = { at: t0, world: snapshot(280, 72, 60) }
const mark = (n: number, world: WorldSnapshot, changesLeft: number, worldChanged: boolean): CycleMark => ({
  cycleId: `c${n}`,
  from: day(n - 1),
  at: day(n),
  world,
  changesLeft,
  worldChanged
})

const met = (verdict: ReturnType<typeof worldInfinity>) => Object.fromEntries(verdict.criteria.map((c) => [c.name, c.met]))

describe("worldInfinity", () => {
  it("World1 of the reference trajectory is not World∞, and says why", () => {
    const v = worldInfinity(world0, [mark(1, snapshot(250, 85, 70), 4, true)])
    expect(v.reached).toBe(false)
    expect(met(v)).toEqual({ cost: false, score: false, optimizations: false, stable: false })
    expect(v.criteria.find((c) => c.name === "cost")?.detail).toContain("10.7 %")
  })

  it("reaches World∞ at $180/95 once nothing is left and the world has not moved for 7 days", () => {
    const marks = [
      mark(1, snapshot(250, 85, 70), 4, true),
      mark(2, snapshot(180, 95, 80), 0, true),
      mark(5, snapshot(180, 95, 80), 0, false),
      mark(9, snapshot(180, 95, 80), 0, false)
    ]
    const v = worldInfinity(world0, marks)
    expect(met(v)).toEqual({ cost: true, score: true, optimizations: true, stable: true })
    expect(v.reached).toBe(true)
    expect(v.stableSince).toEqual(day(2))
  })

  it("is not reached while the stable period is short of the configured one", () => {
    const marks = [mark(2, snapshot(180, 95, 80), 0, true), mark(8, snapshot(180, 95, 80), 0, false)]
    expect(worldInfinity(world0, marks).reached).toBe(false)
    expect(worldInfinity(world0, marks, { ...defaultCriteria, stableFor: Duration.days(6) }).reached).toBe(true)
  })

  it("a world that moves again restarts the stable period", () => {
    const marks = [mark(2, snapshot(180, 95, 80), 0, true), mark(9, snapshot(180, 95, 80), 0, false), mark(10, snapshot(179, 95, 80), 0, true)]
    const v = worldInfinity(world0, marks)
    expect(v.stableSince).toEqual(day(10))
    expect(met(v)["stable"]).toBe(false)
  })

  it("the thresholds are strict: exactly 30 % and exactly 90 do not count", () => {
    const marks = [mark(1, snapshot(196, 90, 80), 0, false), mark(8, snapshot(196, 90, 80), 0, false)]
    const v = worldInfinity(world0, marks)
    expect(met(v)).toEqual({ cost: false, score: false, optimizations: true, stable: true })
  })

  it("with no completed cycle nothing is met", () => {
    const v = worldInfinity(world0, [])
    expect(v.reached).toBe(false)
    expect(v.criteria.every((c) => !c.met)).toBe(true)
  })
})
