import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { anExecution } from "../test/agentCycleFixtures.js"
import { decodeInput } from "./Decode.js"
import { DeploymentRecord } from "./Deployment.js"
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
})
