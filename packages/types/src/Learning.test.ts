import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { decodeInput } from "./Decode.js"
import { LearningRecord } from "./Learning.js"

const aRecord = {
  cycleId: "cycle-1",
  recordedAt: "2026-12-04T12:00:00.000Z",
  outcomes: [
    {
      changeId: "chg-1",
      rule: "cost.gp2-volume",
      predictedMonthlySavings: 2_000_000,
      realizedMonthlySavings: 1_900_000,
      rolledBack: false
    },
    {
      changeId: "chg-3",
      rule: "cost.idle-instance",
      predictedMonthlySavings: 30_000_000,
      realizedMonthlySavings: -1_000_000,
      predictedUtilization: 40,
      realizedUtilization: 92,
      rolledBack: true
    }
  ],
  rules: [
    { rule: "cost.gp2-volume", applied: 4, rolledBack: 0, predictedMonthlySavings: 8_000_000, realizedMonthlySavings: 7_600_000, confidence: 0.95 },
    { rule: "cost.idle-instance", applied: 1, rolledBack: 1, predictedMonthlySavings: 30_000_000, realizedMonthlySavings: -1_000_000, confidence: 0.4 }
  ],
  predictedMonthlySavings: 32_000_000,
  realizedMonthlySavings: 900_000
}

describe("LearningRecord", () => {
  it("round-trips through its JSON encoding", () => {
    const record = Schema.decodeUnknownSync(LearningRecord)(aRecord)
    expect(record.rules[1]?.confidence).toBe(0.4)
    expect(Schema.encodeSync(LearningRecord)(record)).toEqual(aRecord)
  })

  it.effect("rejects more rollbacks than applied changes, naming the field", () =>
    Effect.gen(function* () {
      const bad = { ...aRecord, rules: [{ ...aRecord.rules[0], rolledBack: 5 }] }
      const error = yield* Effect.flip(decodeInput(LearningRecord, "learning.json")(bad))
      expect(error.path).toBe("rules[0].rolledBack")
      expect(error.reason).toMatch(/more rollbacks than applied/)
    }))

  it.effect("names a bad rule id", () =>
    Effect.gen(function* () {
      const bad = { ...aRecord, outcomes: [{ ...aRecord.outcomes[0], rule: "idle" }] }
      const error = yield* Effect.flip(decodeInput(LearningRecord, "learning.json")(bad))
      expect(error.path).toBe("outcomes[0].rule")
    }))
})
