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

/** A policy on queue depth alone: +5 above depth 5, `inChange` at an empty queue; alarms every 60 s. */
const depthPolicy = (capacity: { min: number; max: number }, cooldowns: { out: number; in: number }, inChange = -10): ScalingPolicy => ({
  ...specPolicy,
  capacity,
  rules: [
    { name: "out", direction: "out", when: [{ signal: "queueDepth", op: ">", value: 5 }], stepOn: "queueDepth", steps: [{ at: 5, change: 5 }], cooldownSeconds: cooldowns.out, aggregation: "Maximum" },
    { name: "in", direction: "in", when: [{ signal: "queueDepth", op: "<", value: 1 }], stepOn: "queueDepth", steps: [{ at: 1, change: inChange }], cooldownSeconds: cooldowns.in, aggregation: "Average" }
  ]
})
const moves = (r: SimulationResult) => r.scaleEvents.map((e) => [e.at, e.adjustment, e.to])
const burstAt = (at: number, n: number, serviceSeconds: number): ReadonlyArray<Arrival> => Array.from({ length: n }, () => ({ at, serviceSeconds }))

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
  it("scale-in stops idle workers at once and busy ones only when their task is done", () => {
    const policy = depthPolicy({ min: 1, max: 3 }, { out: 0, in: 0 })
    // Idle: 3 workers, empty queue; at 60 s desired drops to 1 and two idle workers stop: 3 x 60 + 1 x 60 = 240 worker-seconds.
    const idle = simulate({ policy, arrivals: [], service: fifteenMinutes, startDelaySeconds: startDelay, seed: 1, initialWorkers: 3, horizonSeconds: 120 })
    expect(moves(idle)).toEqual([[60, -2, 1]])
    expect(idle.workerHours * 3600).toBeCloseTo(240, 6)
    // Busy: 3 tasks of 100 s on 3 workers; desired is 1 from 60 s, but all three are protected until 100 s, when two stop
    // and one stays: 3 x 100 + 1 x 80 = 380 worker-seconds over 180 s.
    const busy = simulate({ policy, arrivals: burstAt(0, 3, 100), service: fifteenMinutes, startDelaySeconds: startDelay, seed: 1, initialWorkers: 3, horizonSeconds: 180 })
    expect(moves(busy)).toEqual([[60, -2, 1]])
    expect(busy.completed).toBe(3)
    expect(busy.workerHours * 3600).toBeCloseTo(380, 6)
  })

  it("scale-in cancels workers still starting, and their start does not count as idle CPU", () => {
    // 10 one-second tasks at 59.5 s on 1 worker: depth 9 at 60 s -> +5 (starting for 600 s). The queue is empty by 69.5 s,
    // so at 120 s desired drops to 1 and the 5 starting workers are cancelled: 1 x 660 + 5 x 60 = 960 worker-seconds.
    const policy = depthPolicy({ min: 1, max: 10 }, { out: 0, in: 0 })
    const r = simulate({ policy, arrivals: burstAt(59.5, 10, 1), service: fifteenMinutes, startDelaySeconds: { min: 600, max: 600 }, seed: 1, horizonSeconds: 660 })
    expect(moves(r)).toEqual([[60, 5, 6], [120, -5, 1]])
    expect(r.workerHours * 3600).toBeCloseTo(960, 6)
    // CPU over 60-120 s is the running worker's: busy 60-69.5 s, 9.5 of 60 s = 15.83 % (the starting 5 report no CPU).
    expect(r.scaleEvents[1]?.signals.utilizationPercent).toBeCloseTo((100 * 9.5) / 60, 6)
  })

  it("a scale-out ends the scale-in cooldown, and a scale-in cooldown ends exactly on time", () => {
    // Scale-in cooldown 10,000 s: -1 at 60 s; 10 tasks at 119.5 s make depth 9 at 120 s -> +5 (ready at once);
    // the queue is empty again by 180 s and scale-in may act at once, because the scale-out ended its cooldown.
    const interrupted = simulate({
      policy: depthPolicy({ min: 1, max: 10 }, { out: 0, in: 10_000 }),
      arrivals: burstAt(119.5, 10, 1),
      service: fifteenMinutes,
      startDelaySeconds: { min: 0, max: 0 },
      seed: 1,
      initialWorkers: 2,
      horizonSeconds: 200
    })
    expect(moves(interrupted)).toEqual([[60, -1, 1], [120, 5, 6], [180, -5, 1]])
    // Scale-in by 2 with a 120 s cooldown and alarms every 60 s: at 60, 180 and 300 s (the cooldown is over at its last second).
    const policy = depthPolicy({ min: 1, max: 10 }, { out: 0, in: 120 }, -2)
    const stepped = simulate({ policy, arrivals: [], service: fifteenMinutes, startDelaySeconds: startDelay, seed: 1, initialWorkers: 10, horizonSeconds: 400 })
    expect(moves(stepped)).toEqual([[60, -2, 8], [180, -2, 6], [300, -2, 4]])
  })

  it("starts within min and max whatever the initial worker count", () => {
    // min = max = 3: 10 or 0 workers asked for, 3 run from the start and nothing is ever scaled; 3 x 300 s = 0.25 worker-hours.
    for (const initialWorkers of [10, 0]) {
      const r = simulate({ policy: fixed(3), arrivals: [], service: fifteenMinutes, startDelaySeconds: startDelay, seed: 1, initialWorkers, horizonSeconds: 300 })
      expect([r.maxWorkers, r.scaleEvents.length]).toEqual([3, 0])
      expect(r.workerHours).toBeCloseTo(0.25, 9)
    }
  })

  it("reports wait percentiles by nearest rank", () => {
    // One worker, four 10-second tasks at 0 s: waits 0, 10, 20, 30. p50 is the 2nd of 4 (ceil(0.5 x 4)), p99 the 4th.
    const r = simulate({ policy: fixed(1), arrivals: burstAt(0, 4, 10), service: fifteenMinutes, startDelaySeconds: startDelay, seed: 1 })
    expect(r.waitSeconds).toEqual({ p50: 10, p99: 30, max: 30, mean: 15 })
  })
  it("inside a scale-out cooldown, a smaller step does not lower what the cooldown already added", () => {
    // Steps +1 from depth 5 and +3 from depth 10, cooldown 10,000 s; new workers never get ready, so only the first
    // worker drains the queue. Depth at the alarms: 7 (+1), 12 (+3, excess 2), 7 (+1: nothing), 12 (+3: still nothing,
    // the cooldown has already added 3).
    const policy: ScalingPolicy = {
      ...specPolicy,
      capacity: { min: 1, max: 100 },
      rules: [{ name: "out", direction: "out", when: [{ signal: "queueDepth", op: ">", value: 5 }], stepOn: "queueDepth", steps: [{ at: 5, change: 1 }, { at: 10, change: 3 }], cooldownSeconds: 10_000, aggregation: "Maximum" }]
    }
    const arrivals: ReadonlyArray<Arrival> = [
      // The worker holds a 130 s task while 7 and then 5 more wait: depth 7 at 60 s, 12 at 120 s; it drains them by 142 s.
      { at: 0, serviceSeconds: 130 }, ...burstAt(0, 7, 1), ...burstAt(100, 5, 1),
      // Again: a 100 s task from 150 s while 7 and then 5 more wait: depth 7 at 180 s, 12 at 240 s.
      { at: 150, serviceSeconds: 100 }, ...burstAt(150, 7, 1), ...burstAt(200, 5, 1)
    ]
    const r = simulate({ policy, arrivals, service: fifteenMinutes, startDelaySeconds: { min: 100_000, max: 100_000 }, seed: 1, horizonSeconds: 240 })
    expect(moves(r)).toEqual([[60, 1, 2], [120, 2, 4]])
    expect(r.scaleEvents.map((e) => e.signals.queueDepth)).toEqual([7, 12])
  })
})
