import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { aChange, aFinding } from "../test/agentCycleFixtures.js"
import { decodeInput } from "./Decode.js"
import { Change, ExecutionPlan, Plan } from "./Plan.js"

const aPlan = {
  cycleId: "cycle-1",
  createdAt: "2026-11-27T12:05:00.000Z",
  worldTimestamp: "2026-11-27T12:00:00.000Z",
  costPlan: [
    {
      category: "cost",
      rule: aFinding.rule,
      resource: aFinding.resource,
      findings: [aFinding.id],
      summary: "snapshot and delete vol-0a",
      expectedMonthlySavings: 10_000_000,
      action: { _tag: "SnapshotAndDeleteVolume", snapshotDescription: "miyabi cycle-1" }
    }
  ],
  securityPlan: [],
  iac: [{ format: "terraform", path: "terraform/main.tf.json", content: "{}" }]
}

const anExecutionPlan = {
  cycleId: "cycle-1",
  createdAt: "2026-11-27T12:06:00.000Z",
  changes: [aChange],
  expectedMonthlySavings: 2_000_000,
  blastRadius: { maxChanges: 10, maxChangesPerAccount: 5, maxRisk: "medium" },
  protectedTagKeys: ["miyabi:protected"]
}

describe("Plan and ExecutionPlan", () => {
  it("round-trip through their JSON encoding", () => {
    expect(Schema.encodeSync(Plan)(Schema.decodeUnknownSync(Plan)(aPlan))).toEqual(aPlan)
    const plan = Schema.decodeUnknownSync(ExecutionPlan)(anExecutionPlan)
    expect(plan.changes[0]).toBeInstanceOf(Change)
    const precondition = plan.changes[0]?.preconditions[1]
    expect(precondition?._tag === "UnchangedSince" && precondition.at).toBeInstanceOf(Date)
    expect(Schema.encodeSync(ExecutionPlan)(plan)).toEqual(anExecutionPlan)
  })

  it.effect("names a bad priority", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decodeInput(Change, "plan.json")({ ...aChange, priority: "P4" }))
      expect(error.path).toBe("priority")
    }))

  it.effect("names a bad field inside an action", () =>
    Effect.gen(function* () {
      const bad = { ...aChange, action: { _tag: "ModifyVolume", fromType: "gp2", toType: "gp5" } }
      const error = yield* Effect.flip(decodeInput(Change, "plan.json")(bad))
      expect(error.path).toBe("action.toType")
    }))

  it.effect("rejects negative savings and an unknown action", () =>
    Effect.gen(function* () {
      const savings = yield* Effect.flip(decodeInput(Change, "plan.json")({ ...aChange, expectedMonthlySavings: -5 }))
      expect(savings.path).toBe("expectedMonthlySavings")
      const action = yield* Effect.flip(decodeInput(Change, "plan.json")({ ...aChange, action: { _tag: "Explode" } }))
      expect(action.path).toBe("action._tag")
    }))

  it.effect("rejects a change in an execution plan with a confidence above 1", () =>
    Effect.gen(function* () {
      const bad = { ...anExecutionPlan, changes: [{ ...aChange, confidence: 1.5 }] }
      const error = yield* Effect.flip(decodeInput(ExecutionPlan, "plan.json")(bad))
      expect(error.path).toBe("changes[0].confidence")
    }))
})
