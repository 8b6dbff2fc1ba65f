import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { anExecution, aVolume } from "../test/agentCycleFixtures.js"
import { decodeInput } from "./Decode.js"
import { DeploymentRecord, wasRead } from "./Deployment.js"
import { Resource } from "./Resource.js"

const aDeployment = {
  id: "dep-1",
  cycleId: "cycle-1",
  mode: "apply",
  status: "succeeded",
  approvedBy: "alice",
  startedAt: "2026-11-27T12:10:00.000Z",
  finishedAt: "2026-11-27T12:11:00.000Z",
  executions: [
    anExecution,
    { ...anExecution, changeId: "chg-2", status: "skipped", reason: "protected tag miyabi:protected", after: undefined }
  ]
}

describe("DeploymentRecord", () => {
  it("round-trips with before-state and inverse of each change", () => {
    const { after: _after, ...skipped } = aDeployment.executions[1]!
    const input = { ...aDeployment, executions: [anExecution, skipped] }
    const record = Schema.decodeUnknownSync(DeploymentRecord)(input)
    expect(record.executions[0]?.before).toBeInstanceOf(Resource)
    expect(record.executions[0]?.inverse).toEqual({ _tag: "ModifyVolume", fromType: "gp3", toType: "gp2" })
    expect(Schema.encodeSync(DeploymentRecord)(record)).toEqual(input)
  })

  it("keeps a change recorded in flight as running, without finishedAt", () => {
    const { after: _after, ...inFlight } = { ...anExecution, status: "running" }
    const input = { ...aDeployment, status: "running", finishedAt: undefined, executions: [inFlight] }
    const { finishedAt: _f, ...encoded } = input
    const record = Schema.decodeUnknownSync(DeploymentRecord)(encoded)
    expect(record.executions[0]?.status).toBe("running")
    expect(Schema.encodeSync(DeploymentRecord)(record)).toEqual(encoded)
  })

  it.effect("names a bad execution status", () =>
    Effect.gen(function* () {
      const bad = { ...aDeployment, executions: [{ ...anExecution, status: "done" }] }
      const error = yield* Effect.flip(decodeInput(DeploymentRecord, "deployment.json")(bad))
      expect(error.path).toBe("executions[0].status")
    }))

  it.effect("names a bad before-state", () =>
    Effect.gen(function* () {
      const bad = { ...aDeployment, executions: [{ ...anExecution, before: { ...anExecution.before, region: "mars" } }] }
      const error = yield* Effect.flip(decodeInput(DeploymentRecord, "deployment.json")(bad))
      expect(error.path).toBe("executions[0].before.region")
    }))

  describe("a change whose resource was not read", () => {
    const { before: _before, inverse: _inverse, after: _after, ...bare } = anExecution
    const unread = { ...bare, changeId: "chg-3", status: "skipped", reason: "DeleteLoadBalancer is advice or not executed by the deployer", finishedAt: bare.startedAt }

    it("has no before-state, in the type and in the JSON, and round-trips", () => {
      const input = { ...aDeployment, executions: [anExecution, unread] }
      const record = Schema.decodeUnknownSync(DeploymentRecord)(input)
      expect(record.executions.map(wasRead)).toEqual([true, false])
      expect(record.executions[1]?.before).toBeUndefined()
      const encoded = Schema.encodeSync(DeploymentRecord)(record)
      expect(encoded).toEqual(input)
      expect("before" in encoded.executions[1]!).toBe(false)
    })

    it.effect.each(["applied", "running", "would-apply", "failed", "rolled-back", "rollback-failed"])("is refused when %s: only a skipped change may go unread", (status) =>
      Effect.gen(function* () {
        const bad = { ...aDeployment, executions: [{ ...unread, status }] }
        const error = yield* Effect.flip(decodeInput(DeploymentRecord, "deployment.json")(bad))
        expect(error.path).toBe("executions[0].before")
      }))

    it("an older record's stand-in before-state (state unknown, cost 0, the not-read note) is dropped on decode", () => {
      const standIn = { ...aVolume, state: "unknown", tags: {}, details: { _tag: "ebs-volume", volumeType: "gp2", sizeGiB: 1, encrypted: false, awsState: "unknown" }, monthlyCost: 0 }
      const old = { ...unread, before: standIn, reason: `${unread.reason} (the resource was not read)` }
      const record = Schema.decodeUnknownSync(DeploymentRecord)({ ...aDeployment, executions: [anExecution, old] })
      expect(record.executions[1]?.before).toBeUndefined()
      expect(record.executions[1]?.reason).toBe(unread.reason)
      expect(Schema.encodeSync(DeploymentRecord)(record).executions[1]).toEqual(unread)
      // A read resource in state unknown, or the note without the stand-in's zero cost, is kept as recorded.
      for (const kept of [{ ...old, reason: unread.reason }, { ...old, before: { ...standIn, monthlyCost: 1 } }]) {
        const again = Schema.decodeUnknownSync(DeploymentRecord)({ ...aDeployment, executions: [kept] })
        expect(again.executions[0]?.before?.state).toBe("unknown")
      }
    })
  })
})
