import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { aChange } from "../test/agentCycleFixtures.js"
import { decodeInput } from "./Decode.js"
import { Observation } from "./Observation.js"

const anObservation = {
  cycleId: "cycle-1",
  deploymentId: "dep-1",
  observedAt: "2026-11-28T12:00:00.000Z",
  windowStart: "2026-11-27T12:11:00.000Z",
  windowEnd: "2026-11-28T12:00:00.000Z",
  comparisons: [
    {
      changeId: "chg-1",
      resource: aChange.resource,
      namespace: "AWS/EBS",
      metric: "VolumeQueueLength",
      statistic: "Average",
      baseline: 0.4,
      observed: 0.5,
      threshold: 2,
      regressed: false
    }
  ],
  alarms: [{ name: "cpu-high", condition: "CPUUtilization > 80", state: "OK" }],
  baselineMonthlyCost: 10_000_000,
  observedMonthlyCost: 8_000_000,
  verdict: "healthy",
  rolledBack: []
}

describe("Observation", () => {
  it("round-trips through its JSON encoding", () => {
    const observation = Schema.decodeUnknownSync(Observation)(anObservation)
    expect(observation.windowEnd).toBeInstanceOf(Date)
    expect(Schema.encodeSync(Observation)(observation)).toEqual(anObservation)
  })

  it.effect("names a bad alarm state", () =>
    Effect.gen(function* () {
      const bad = { ...anObservation, alarms: [{ ...anObservation.alarms[0], state: "RED" }] }
      const error = yield* Effect.flip(decodeInput(Observation, "observation.json")(bad))
      expect(error.path).toBe("alarms[0].state")
    }))

  it.effect("names a fractional cost", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decodeInput(Observation, "observation.json")({ ...anObservation, observedMonthlyCost: 1.5 }))
      expect(error.path).toBe("observedMonthlyCost")
    }))
})
