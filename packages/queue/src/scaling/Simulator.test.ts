import { describe, expect, it } from "@effect/vitest"
import fc from "fast-check"
import { generateArrivals, parseDuration, parseRate, type Arrival } from "./Arrivals.js"
import { hyperScalePolicy, specPolicy, type ScalingPolicy } from "./ScalingPolicy.js"
import { simulate, type ScaleEvent, type SimulationResult } from "./Simulator.js"

const fifteenMinutes = { kind: "fixed", seconds: 900 } as const
const startDelay = { min: 60, max: 90 }
const fixed = (n: number): ScalingPolicy => ({ ...specPolicy, capacity: { min: n, max: n } })

/** Checks the cooldown rules on a run's scale events. */
const assertCooldowns = (policy: ScalingPolicy, events: ReadonlyArray<ScaleEvent>) => {
  const cooldownOf = (direction: "out" | "in") => policy.rules.find((r) => r.direction === direction)!.cooldownSeconds
  // A scale-out cooldown runs from the step that started it; an excess added inside it does not restart it.
  let outCooldownFrom: number | undefined
  let lastIn: ScaleEvent | undefined
  for (const event of events) {
    if (event.adjustment > 0) {
      // Inside the cooldown only the excess of a larger step may be added.
      if (outCooldownFrom !== undefined && event.at - outCooldownFrom < cooldownOf("out")) expect(event.adjustment).toBeLessThanOrEqual(50 - 20)
      else outCooldownFrom = event.at
      lastIn = undefined
    } else {
      if (lastIn !== undefined) expect(event.at - lastIn.at).toBeGreaterThanOrEqual(cooldownOf("in"))
      lastIn = event
    }
  }
}

const minutes = (s: number) => (s / 60).toFixed(1)

describe("Simulator", () => {
  it("one worker at 15 min a task does 96 tasks a day, waiting for nothing", () => {
    const result = simulate({ policy: fixed(1), arrivals: generateArrivals({ kind: "uniform", perDay: 96, days: 1 }, 1), service: fifteenMinutes, startDelaySeconds: startDelay, seed: 1 })
    expect(result.completed).toBe(96)
    expect(result.workerHours).toBeCloseTo(24, 9)
    expect(result.tasksPerWorkerDay).toBeCloseTo(96, 9)
    expect(result.utilization).toBeCloseTo(1, 9)
    expect(result.waitSeconds.p99).toBe(0)
    expect(result.scaleEvents).toEqual([])
  })

  it("100 workers take 9,600 tasks a day at full utilization; 99 fall behind by 96 a day", () => {
    const arrivals = generateArrivals({ kind: "uniform", perDay: 9600, days: 1 }, 1)
    const hundred = simulate({ policy: fixed(100), arrivals, service: fifteenMinutes, startDelaySeconds: startDelay, seed: 1 })
    expect(hundred.completed).toBe(9600)
    expect(hundred.waitSeconds.max).toBe(0)
    // 9,600 tasks x 15 min = 2,400 busy hours = 100 workers x 24 h: 96 tasks per busy worker-day.
    expect(hundred.busyHours).toBeCloseTo(2400, 6)
    expect(hundred.completed / (hundred.busyHours / 24) / 100).toBeCloseTo(0.96, 9)
    const ninetyNine = simulate({ policy: fixed(99), arrivals, service: fifteenMinutes, startDelaySeconds: startDelay, seed: 1 })
    expect(ninetyNine.completed).toBe(9600)
    // 99 x 96 = 9,504 a day: the last of the 96 tasks left over waits 96 / 99 service times.
    expect(ninetyNine.waitSeconds.max).toBeGreaterThan(0.9 * (96 / 99) * 900)
    expect(ninetyNine.waitSeconds.max).toBeLessThanOrEqual((96 / 99) * 900 + 9)
  })

  it("replays 9,600 arrivals a day through the SPEC policy from one worker and prints model vs SPEC", () => {
    const runs: ReadonlyArray<readonly [string, ScalingPolicy, SimulationResult]> = (
      [
        ["uniform, max 100", specPolicy, generateArrivals({ kind: "uniform", perDay: 9600, days: 1 }, 7)],
        ["Poisson, max 100", specPolicy, generateArrivals({ kind: "poisson", perDay: 9600, days: 1 }, 7)],
        ["Poisson diurnal 50 %, max 100", specPolicy, generateArrivals({ kind: "poisson", perDay: 9600, days: 1, diurnalAmplitude: 0.5 }, 7)],
        ["uniform, max 500", hyperScalePolicy, generateArrivals({ kind: "uniform", perDay: 9600, days: 1 }, 7)],
        ["uniform, max 100, 2 min lag", specPolicy, generateArrivals({ kind: "uniform", perDay: 9600, days: 1 }, 7), 2]
      ] as const
    ).map(([name, policy, arrivals, lag]) => [
      name,
      policy,
      simulate({ policy, arrivals, service: fifteenMinutes, startDelaySeconds: startDelay, seed: 7, metricLagPeriods: lag ?? 0 })
    ] as const)

    const rows = runs.map(([name, , r]) =>
      `${name.padEnd(30)} ${String(r.completed).padStart(6)} ${String(r.maxWorkers).padStart(5)} ${r.tasksPerWorkerDay.toFixed(1).padStart(7)} ${minutes(r.waitSeconds.p50).padStart(7)} ${minutes(r.waitSeconds.p99).padStart(7)} ${r.workerHours.toFixed(0).padStart(7)} ${String(r.scaleEvents.length).padStart(6)}`
    )
    console.log(
      [
        `${"9,600 arrivals/day, 15 min".padEnd(30)} ${"done".padStart(6)} ${"max".padStart(5)} ${"/wkr-d".padStart(7)} ${"p50 min".padStart(7)} ${"p99 min".padStart(7)} ${"wkr-h".padStart(7)} ${"scales".padStart(6)}`,
        `${"SPEC".padEnd(30)} ${"9600".padStart(6)} ${"100".padStart(5)} ${"96.0".padStart(7)} ${"-".padStart(7)} ${"<30".padStart(7)} ${"2400".padStart(7)}`,
        ...rows
      ].join("\n")
    )

    for (const [, policy, r] of runs) {
      expect(r.unfinished).toBe(0)
      expect(r.completed).toBe(r.arrived)
      expect(r.maxWorkers).toBeLessThanOrEqual(policy.capacity.max)
      expect(r.tasksPerWorkerDay).toBeLessThanOrEqual(96 + 1e-9)
      assertCooldowns(policy, r.scaleEvents)
    }
    const [uniform] = runs[0]!.slice(2) as [SimulationResult]
    // The policy reaches the SPEC's 100 workers within the first half hour...
    expect(uniform.maxWorkers).toBe(100)
    expect(uniform.scaleEvents.filter((e) => e.adjustment > 0).at(-1)!.at).toBeLessThan(1800)
    // ...first step at depth > 100 once the oldest task is past 5 minutes, +20 at a time below depth 500.
    const first = uniform.scaleEvents[0]!
    expect(first.signals.queueDepth).toBeGreaterThan(100)
    expect(first.signals.oldestAgeSeconds).toBeGreaterThan(300)
    expect(first.adjustment).toBe(20)
    // At exactly 96 x 100 = 9,600 a day the backlog built while scaling never drains: waits stay about one service time.
    expect(uniform.waitSeconds.p50).toBeGreaterThan(600)
    expect(uniform.tasksPerWorkerDay).toBeGreaterThan(95)
    // With headroom (max 500) the backlog drains and the median task starts at once.
    const [hyper] = runs[3]!.slice(2) as [SimulationResult]
    expect(hyper.maxWorkers).toBeGreaterThan(100)
    expect(hyper.waitSeconds.p50).toBe(0)
  })

  it("inside the 60 s scale-out cooldown a larger step adds only its excess, and the same step adds nothing", () => {
    // Alarms every 10 s so they fire inside the cooldown: 200 tasks at 0 s pass depth 100 and age 300 s at 310 s;
    // 400 more at 315 s pass depth 500 at 320 s, inside the cooldown of the +20 step taken at 310 s.
    const policy: ScalingPolicy = { ...specPolicy, evaluation: { ...specPolicy.evaluation, periodSeconds: 10 } }
    const arrivals: ReadonlyArray<Arrival> = [...Array.from({ length: 200 }, () => ({ at: 0 })), ...Array.from({ length: 400 }, () => ({ at: 315 }))]
    const result = simulate({ policy, arrivals, service: fifteenMinutes, startDelaySeconds: startDelay, seed: 5, horizonSeconds: 400 })
    const outs = result.scaleEvents.filter((e) => e.adjustment > 0).map((e) => [e.at, e.adjustment, e.to])
    // +20 at 310 s; +50 is due at 320 s but only its excess of 30 is added; nothing more until the cooldown
    // ends at 370 s, when +50 is added again, capped at the maximum of 100.
    expect(outs).toEqual([[310, 20, 21], [320, 30, 51], [370, 49, 100]])
    assertCooldowns(policy, result.scaleEvents)
  })

  it("scales back in by 10 at most every 300 s to the minimum once the queue is empty", () => {
    const burst: ReadonlyArray<Arrival> = Array.from({ length: 1200 }, (_, i) => ({ at: i }))
    const policy = specPolicy
    const result = simulate({ policy, arrivals: burst, service: fifteenMinutes, startDelaySeconds: startDelay, seed: 3, horizonSeconds: 8 * 3600 })
    expect(result.completed).toBe(1200)
    const ins = result.scaleEvents.filter((e) => e.adjustment < 0)
    expect(ins.length).toBeGreaterThan(0)
    for (const e of ins) {
      expect(e.adjustment).toBeGreaterThanOrEqual(-10)
      expect(e.signals.queueDepth).toBeLessThan(10)
      expect(e.signals.utilizationPercent).toBeLessThan(30)
    }
    assertCooldowns(policy, result.scaleEvents)
  })

  it("property: never above max nor below min, loses no task, and is deterministic", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 6000 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 3, max: 40 }),
        fc.integer({ min: 0, max: 1000 }),
        (perDay, min, max, seed) => {
          const policy: ScalingPolicy = { ...specPolicy, capacity: { min, max } }
          const options = {
            policy,
            arrivals: generateArrivals({ kind: "poisson", perDay, days: 0.25, diurnalAmplitude: 0.3 }, seed),
            service: { kind: "uniform", minSeconds: 14 * 60, maxSeconds: 25 * 60 } as const,
            startDelaySeconds: startDelay,
            seed,
            horizonSeconds: 86_400
          }
          const r = simulate(options)
          expect(r.maxWorkers).toBeLessThanOrEqual(max)
          expect(r.maxDesired).toBeLessThanOrEqual(max)
          for (const e of r.scaleEvents) expect(e.to).toBeGreaterThanOrEqual(min)
          expect(r.completed + r.unfinished).toBe(options.arrivals.length)
          assertCooldowns(policy, r.scaleEvents)
          expect(simulate(options)).toEqual(r)
        }
      ),
      { numRuns: 12, seed: 42 }
    )
  })

  it("completes every arrival when capacity suffices, and high-priority tasks wait no longer than standard ones", () => {
    const arrivals = generateArrivals({ kind: "poisson", perDay: 4800, days: 1, diurnalAmplitude: 0.5 }, 11).map((a, i) => ({
      ...a,
      priority: i % 5 === 0 ? ("high" as const) : ("standard" as const)
    }))
    const r = simulate({ policy: specPolicy, arrivals, service: fifteenMinutes, startDelaySeconds: startDelay, seed: 11 })
    expect(r.waitSecondsByPriority.standard.p99).toBeGreaterThan(0)
    expect(r.waitSecondsByPriority.high.p99).toBeLessThan(r.waitSecondsByPriority.standard.p99)
    expect(r.waitSecondsByPriority.high.mean).toBeLessThan(r.waitSecondsByPriority.standard.mean)
    expect(r.unfinished).toBe(0)
    expect(r.completed).toBe(arrivals.length)
    expect(r.maxWorkers).toBeLessThanOrEqual(100)
  })

  it("late metrics (CloudWatch lag) make the same policy react exactly that many periods later", () => {
    const arrivals = generateArrivals({ kind: "uniform", perDay: 9600, days: 1 }, 5)
    const run = (metricLagPeriods: number) =>
      simulate({ policy: specPolicy, arrivals, service: fifteenMinutes, startDelaySeconds: startDelay, seed: 5, metricLagPeriods })
    const prompt = run(0)
    const late = run(3)
    // Until the first scaling both runs are the same system; the alarm just sees it 3 minutes late.
    expect(late.scaleEvents[0]!.at).toBe(prompt.scaleEvents[0]!.at + 3 * 60)
    expect(late.scaleEvents[0]!.signals).toEqual(prompt.scaleEvents[0]!.signals)
    expect(late.completed).toBe(9600)
  })

  it("parses rates and durations for the command line", () => {
    expect(parseRate("9600/day")).toBe(9600)
    expect(parseRate("9,600/day")).toBe(9600)
    expect(parseRate("400/hour")).toBe(9600)
    expect(parseRate("lots")).toBeUndefined()
    expect(parseDuration("15m")).toBe(900)
    expect(parseDuration("90s")).toBe(90)
    expect(parseDuration("1h")).toBe(3600)
    expect(parseDuration("15 minutes")).toBeUndefined()
  })
})
