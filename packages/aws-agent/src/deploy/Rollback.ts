/**
 * θ4 per-change rollback, what θ5 calls when a watch window finds a change
 * regressed: the named applied changes of a finished deployment are undone
 * with their recorded inverses (newest first), validated on the live
 * resource, and recorded "rolled-back" (or "rollback-failed") with the
 * reason; the other changes stay applied. The record is persisted after
 * each change, like a deployment's.
 */
import type { ChangeId, DeploymentId, DeploymentRecord } from "@miyabi/types"
import { Effect, Option, Ref } from "effect"
import { DeployError } from "./DeployError.js"
import { DeploymentStore } from "./DeploymentStore.js"
import { DEFAULT_VALIDATION, finish, rollbackEach, type Run, touched } from "./Execution.js"
import type { LiveResources, WaitPolicy } from "./LiveResources.js"

export interface RollbackOptions {
  /** Validation polling after each inverse; default every 5 s for 15 minutes. */
  readonly validation?: WaitPolicy
}

/**
 * Undoes `changeIds` of deployment `id`. Changes that are not applied (skipped,
 * failed, already rolled back) are left as they are, so a second call is a
 * no-op. Fails NotFound for an unknown deployment or change, InProgress for a
 * deployment still running (resume it first). The deployment's status becomes
 * "rolled-back" when no change is left applied, "failed" when an inverse
 * failed, and stays as it was otherwise.
 */
export const rollbackChanges = (
  id: DeploymentId,
  changeIds: ReadonlyArray<ChangeId>,
  reason: string,
  options: RollbackOptions = {}
): Effect.Effect<DeploymentRecord, DeployError, LiveResources | DeploymentStore> =>
  Effect.gen(function* () {
    const store = yield* DeploymentStore
    const stored = yield* store.load(id)
    if (Option.isNone(stored)) return yield* new DeployError({ reason: "NotFound", message: `no deployment ${id}` })
    const { plan, record } = stored.value
    if (record.status === "running") return yield* new DeployError({ reason: "InProgress", message: `deployment ${id} is running or died mid-way: resume it before rolling changes back` })
    const unknown = changeIds.filter((c) => !record.executions.some((e) => e.changeId === c))
    if (unknown.length > 0) return yield* new DeployError({ reason: "NotFound", message: `deployment ${id} has no change ${unknown.join(", ")}` })
    // An applied change was read (the schema refuses one without its before-state): `touched` narrows to that.
    const wanted = record.executions.filter((e) => e.status === "applied").filter(touched).filter((e) => changeIds.includes(e.changeId))
    if (wanted.length === 0) return record
    const run: Run = { plan, record: yield* Ref.make(record), validation: options.validation ?? DEFAULT_VALIDATION }
    const results = yield* rollbackEach(run, wanted, reason)
    const after = yield* Ref.get(run.record)
    if (results.some((e) => e.status === "rollback-failed")) return yield* finish(run, "failed")
    if (!after.executions.some((e) => e.status === "applied")) return yield* finish(run, "rolled-back")
    return yield* finish(run, after.status)
  }).pipe(Effect.withSpan("Deployer.rollbackChanges", { attributes: { deploymentId: id, changes: changeIds.length } }))

