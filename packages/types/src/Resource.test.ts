import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { decodeInput } from "./Decode.js"
import { anInstance, aVolume } from "../test/agentCycleFixtures.js"
import { AgentOfKind, AgentRoster, owningAgent, Resource, ResourceKind } from "./Resource.js"

describe("Resource", () => {
  it("round-trips an instance and a volume through their JSON encoding", () => {
    for (const input of [anInstance, aVolume]) {
      const resource = Schema.decodeUnknownSync(Resource)(input)
      expect(Schema.encodeSync(Resource)(resource)).toEqual(input)
    }
    const instance = Schema.decodeUnknownSync(Resource)(anInstance)
    expect(instance.details._tag === "ec2-instance" && instance.details.launchTime).toBeInstanceOf(Date)
    expect(instance.ref.arn).toBe(anInstance.arn)
  })

  it("gives every kind an owner from the roster", () => {
    const names = new Set(AgentRoster.map((role) => role.name))
    for (const kind of ResourceKind.literals) expect(names.has(AgentOfKind[kind])).toBe(true)
    expect(owningAgent("rds-instance")).toBe("Noguchi")
    expect(owningAgent("s3-bucket")).toBe("Jobs")
    expect(owningAgent("auto-scaling-group")).toBe("Napoleon")
    expect(owningAgent("lambda-function")).toBe("Gates")
  })

  it.effect("names the field of a bad account id", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decodeInput(Resource, "world.json")({ ...anInstance, account: "12345" }))
      expect(error.path).toBe("account")
      expect(error.message).toMatch(/12 digits/)
    }))

  it.effect("names the field of a bad volume type inside the details", () =>
    Effect.gen(function* () {
      const bad = { ...aVolume, details: { ...aVolume.details, volumeType: "gp9" } }
      const error = yield* Effect.flip(decodeInput(Resource, "world.json")(bad))
      expect(error.path).toBe("details.volumeType")
    }))

  it.effect("rejects details of another kind", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decodeInput(Resource, "world.json")({ ...aVolume, details: anInstance.details }))
      expect(error.path).toBe("details._tag")
      expect(error.reason).toMatch(/details are for ec2-instance, the resource is a ebs-volume/)
    }))

  it.effect("rejects utilization above 100 %", () =>
    Effect.gen(function* () {
      const bad = { ...anInstance, utilization: { ...anInstance.utilization, averagePercent: 140 } }
      const error = yield* Effect.flip(decodeInput(Resource, "world.json")(bad))
      expect(error.path).toBe("utilization.averagePercent")
    }))

  it("decodes utilization without percentiles (world files from before) and round-trips it with them", () => {
    const old = anInstance.utilization
    expect(Object.keys(old)).not.toContain("p95Percent")
    const before = Schema.decodeUnknownSync(Resource)({ ...anInstance, utilization: old })
    expect(before.utilization?.p95Percent).toBeUndefined()
    expect(before.utilization?.historyHours).toBeUndefined()
    const withPercentiles = { ...anInstance, utilization: { ...old, p50Percent: 11.5, p95Percent: 61.25, periodSeconds: 3600, historyHours: 336 } }
    const decoded = Schema.decodeUnknownSync(Resource)(withPercentiles)
    expect(decoded.utilization).toMatchObject({ p50Percent: 11.5, p95Percent: 61.25, periodSeconds: 3600, historyHours: 336 })
    expect(Schema.encodeSync(Resource)(decoded)).toEqual(withPercentiles)
  })

  it.effect("rejects a p95 above 100 % and a negative history", () =>
    Effect.gen(function* () {
      const high = yield* Effect.flip(decodeInput(Resource, "world.json")({ ...anInstance, utilization: { ...anInstance.utilization, p95Percent: 101 } }))
      expect(high.path).toBe("utilization.p95Percent")
      const negative = yield* Effect.flip(decodeInput(Resource, "world.json")({ ...anInstance, utilization: { ...anInstance.utilization, historyHours: -1 } }))
      expect(negative.path).toBe("utilization.historyHours")
    }))
})
