import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { decodeInput } from "./Decode.js"
import { findingId, RuleId } from "./Finding.js"
import { Resource } from "./Resource.js"
import { aFinding, anInstance, aVolume, aWorld } from "../test/agentCycleFixtures.js"
import { WorldDiff, WorldState, WorldStateJson } from "./World.js"

describe("WorldState", () => {
  it("round-trips through its versioned JSON", () => {
    const world = Schema.decodeUnknownSync(WorldState)(aWorld)
    expect(world.resources[0]).toBeInstanceOf(Resource)
    const json = Schema.encodeSync(WorldStateJson)(world)
    expect(JSON.parse(json)).toEqual(aWorld)
    expect(Schema.decodeSync(WorldStateJson)(json)).toEqual(world)
  })

  it("defaults `reused` of a coverage entry", () => {
    const { reused: _reused, ...entry } = aWorld.coverage[0]!
    const world = Schema.decodeUnknownSync(WorldState)({ ...aWorld, coverage: [entry] })
    expect(world.coverage[0]?.reused).toBe(false)
  })

  it("makes the conventional finding id from rule and resource", () => {
    const world = Schema.decodeUnknownSync(WorldState)(aWorld)
    const volume = world.resources[1]!
    expect(findingId(RuleId.make("cost.unattached-volume"), volume.ref)).toBe(aFinding.id)
  })

  it.effect("rejects another schema version, naming the field", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decodeInput(WorldState, "world.json")({ ...aWorld, schemaVersion: 2 }))
      expect(error.path).toBe("schemaVersion")
    }))

  it.effect("names a bad field deep inside a finding", () =>
    Effect.gen(function* () {
      const bad = { ...aWorld, findings: [{ ...aFinding, rule: "Cost/Volume" }] }
      const error = yield* Effect.flip(decodeInput(WorldState, "world.json")(bad))
      expect(error.path).toBe("findings[0].rule")
      expect(error.reason).toMatch(/cost\.unattached-volume/)
    }))

  it.effect("rejects a security score above 100 and a negative impact", () =>
    Effect.gen(function* () {
      const score = yield* Effect.flip(decodeInput(WorldState, "world.json")({ ...aWorld, securityScore: 101 }))
      expect(score.path).toBe("securityScore")
      const impact = { ...aWorld, findings: [{ ...aFinding, estimatedMonthlyImpact: -1 }] }
      const error = yield* Effect.flip(decodeInput(WorldState, "world.json")(impact))
      expect(error.path).toBe("findings[0].estimatedMonthlyImpact")
    }))

  it.effect("rejects an unknown coverage status", () =>
    Effect.gen(function* () {
      const bad = { ...aWorld, coverage: [{ ...aWorld.coverage[0], status: "maybe" }] }
      const error = yield* Effect.flip(decodeInput(WorldState, "world.json")(bad))
      expect(error.path).toBe("coverage[0].status")
    }))
})

const resized = { ...anInstance, details: { ...anInstance.details, instanceType: "t3.large" }, monthlyCost: 35_040_000 }
const aDiff = {
  from: "2026-11-27T12:00:00.000Z",
  to: "2026-12-04T12:00:00.000Z",
  added: [],
  removed: [aVolume],
  changed: [
    {
      resource: { id: anInstance.id, arn: anInstance.arn, kind: "ec2-instance", account: "123456789012", region: "us-east-1" },
      fields: ["details.instanceType", "monthlyCost"],
      before: anInstance,
      after: resized
    }
  ],
  monthlyCostDelta: -45_040_000,
  securityScoreDelta: 13,
  averageUtilizationDelta: 10,
  findingsAdded: [],
  findingsResolved: [aFinding.id]
}

describe("WorldDiff", () => {
  it("round-trips with a negative cost delta", () => {
    const diff = Schema.decodeUnknownSync(WorldDiff)(aDiff)
    expect(diff.changed[0]?.after.monthlyCost).toBe(35_040_000)
    expect(Schema.encodeSync(WorldDiff)(diff)).toEqual(aDiff)
  })

  it.effect("rejects a change that names no field", () =>
    Effect.gen(function* () {
      const bad = { ...aDiff, changed: [{ ...aDiff.changed[0], fields: [] }] }
      const error = yield* Effect.flip(decodeInput(WorldDiff, "diff.json")(bad))
      expect(error.path).toBe("changed[0].fields")
    }))
})
