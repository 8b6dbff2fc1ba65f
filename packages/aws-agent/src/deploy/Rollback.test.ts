/**
 * rollbackChanges without AWS: refusals and no-ops (a LiveResources that
 * dies when called). The sandbox test is in Deployer.test.ts, beside the
 * deployments it undoes.
 */
import { describe, expect, it } from "@effect/vitest"
import { ChangeExecution, ChangeId, DeploymentId, DeploymentRecord } from "@miyabi/types"
import { Effect, Layer } from "effect"
import { CYCLE, plan } from "./Deployer.testkit.js"
import * as DeploymentStore from "./DeploymentStore.js"
import * as LiveResources from "./LiveResources.js"
import { rollbackChanges } from "./Rollback.js"
import { instance, resize } from "../monitor/Monitor.testkit.js"

const untouchable = Layer.succeed(LiveResources.LiveResources, {
  observe: () => Effect.dieMessage("observe must not be called"),
  inverse: () => Effect.dieMessage("inverse must not be called"),
  apply: () => Effect.dieMessage("apply must not be called")
})

describe("rollbackChanges without AWS", () => {
  const c = resize("c-1")
  const record = (status: DeploymentRecord["status"], executionStatus: ChangeExecution["status"]) =>
    DeploymentRecord.make({
      id: DeploymentId.make("d-1"),
      cycleId: CYCLE,
      mode: "apply",
      status,
      startedAt: new Date("2026-11-20T00:00:00Z"),
      executions: [
        ChangeExecution.make({
          changeId: c.id,
          resource: c.resource,
          action: c.action,
          status: executionStatus,
          before: instance(),
          inverse: { _tag: "ResizeInstance", fromType: "m5.xlarge", toType: "m5.2xlarge" },
          startedAt: new Date("2026-11-20T00:00:01Z")
        })
      ]
    })
  const withStored = (r: DeploymentRecord) =>
    Effect.flatMap(DeploymentStore.DeploymentStore, (store) => store.save(DeploymentStore.StoredDeployment.make({ record: r, plan: plan([c]) })))
  const layer = Layer.merge(untouchable, DeploymentStore.layerMemory)

  it.effect("an unknown deployment or change is NotFound, a running deployment InProgress", () =>
    Effect.gen(function* () {
      expect((yield* Effect.flip(rollbackChanges(DeploymentId.make("d-none"), [c.id], "x"))).reason).toBe("NotFound")
      yield* withStored(record("succeeded", "applied"))
      const unknown = yield* Effect.flip(rollbackChanges(DeploymentId.make("d-1"), [ChangeId.make("change-99")], "x"))
      expect([unknown.reason, unknown.message]).toEqual(["NotFound", "deployment d-1 has no change change-99"])
      yield* withStored(record("running", "running"))
      expect((yield* Effect.flip(rollbackChanges(DeploymentId.make("d-1"), [c.id], "x"))).reason).toBe("InProgress")
    }).pipe(Effect.provide(layer)))

  it.effect("a change that is not applied is left as it is and nothing is called", () =>
    Effect.gen(function* () {
      for (const status of ["skipped", "rolled-back", "failed"] as const) {
        const r = record("succeeded", status)
        yield* withStored(r)
        expect(yield* rollbackChanges(DeploymentId.make("d-1"), [c.id], "x")).toEqual(r)
      }
    }).pipe(Effect.provide(layer)))
})
