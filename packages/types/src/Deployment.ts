/**
 * θ4 output: what was applied (or would have been, in a dry run), with the
 * state before each change and its inverse, so any change can be undone. A
 * change the deployer skipped without reading its resource has no state
 * before: it is recorded as not read, never with an invented one.
 */
import { Schema } from "effect"
import { CycleId } from "./Ids.js"
import { ChangeAction, ChangeId } from "./Plan.js"
import { Resource, ResourceRef } from "./Resource.js"

export const DeploymentId = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9_.:-]{1,128}$/, { message: () => "a deployment id is 1-128 characters of A-Z, a-z, 0-9, _ . : or -" }),
  Schema.brand("DeploymentId")
)
export type DeploymentId = typeof DeploymentId.Type

export const ChangeExecutionStatus = Schema.Literal(
  /** Dry run: validated and recorded, not applied. */
  "would-apply",
  /** A precondition failed, a protected tag, or the blast radius was reached. */
  "skipped",
  /** Recorded before its action was sent and not yet confirmed: a crash leaves it here for resume. */
  "running",
  "applied",
  "failed",
  "rolled-back",
  "rollback-failed"
)
export type ChangeExecutionStatus = typeof ChangeExecutionStatus.Type

/** Statuses of a change the deployer did not run: its resource may have gone unread. */
const notRun: ReadonlySet<ChangeExecutionStatus> = new Set(["skipped"])

export class ChangeExecution extends Schema.Class<ChangeExecution>("ChangeExecution")(
  Schema.Struct({
    changeId: ChangeId,
    resource: ResourceRef,
    action: ChangeAction,
    status: ChangeExecutionStatus,
    /**
     * The resource as read right before applying; present exactly when the
     * deployer read it. Absent (and absent from the JSON) for a skipped change
     * whose resource was not read: a kind the deployer has no reader for, or a
     * resource gone. Every other status needs it: a change is only run, and
     * only undone, against a before-state that was read. No before-state means
     * no before-cost: nothing may be measured against it (a saving is not 0,
     * it is unknown).
     */
    before: Schema.optional(Resource),
    /** The action that restores `before`, recorded before applying. */
    inverse: Schema.optional(ChangeAction),
    after: Schema.optional(Resource),
    startedAt: Schema.Date,
    finishedAt: Schema.optional(Schema.Date),
    /** Why it was skipped, failed or rolled back. */
    reason: Schema.optional(Schema.String),
    /** The AWS error code when an AWS call failed. */
    errorCode: Schema.optional(Schema.String)
  }).pipe(
    Schema.filter((e) =>
      e.before !== undefined || notRun.has(e.status) ? undefined : { path: ["before"], message: `a ${e.status} change needs the before-state the deployer read` }
    )
  )
) {}

/** An execution whose resource the deployer read: every one it ran. */
export type ReadExecution = ChangeExecution & { readonly before: Resource }

/** Whether the deployer read the resource of this execution (it has a before-state). */
export const wasRead = (e: ChangeExecution): e is ReadExecution => e.before !== undefined

/** `ChangeExecution.make` for an execution built with its before-state, typed as read. */
export const readExecution = (fields: Omit<ConstructorParameters<typeof ChangeExecution>[0], "before"> & { readonly before: Resource }): ReadExecution =>
  // make keeps every field it is given: `before` is there.
  ChangeExecution.make(fields) as ReadExecution

/**
 * Records written before `before` was optional gave an unread resource a
 * stand-in (state "unknown", no tags, cost 0, empty details) and said so in
 * the reason with exactly this note; nothing else wrote it.
 */
const LEGACY_UNREAD_NOTE = " (the resource was not read)"

const isLegacyStandIn = (e: ChangeExecution): boolean =>
  e.status === "skipped" &&
  e.reason?.endsWith(LEGACY_UNREAD_NOTE) === true &&
  e.before?.state === "unknown" &&
  e.before.monthlyCost === 0 &&
  Object.keys(e.before.tags).length === 0

/** A stored execution: an old record's stand-in before-state is dropped on decode (and its note from the reason), so it reads as not read. */
const StoredChangeExecution = Schema.transform(ChangeExecution, Schema.typeSchema(ChangeExecution), {
  strict: true,
  decode: (e) => {
    if (!isLegacyStandIn(e)) return e
    const { before: _standIn, reason, ...rest } = e
    return ChangeExecution.make({ ...rest, ...(reason === undefined ? {} : { reason: reason.slice(0, -LEGACY_UNREAD_NOTE.length) }) })
  },
  encode: (e) => e
})

export const DeploymentMode = Schema.Literal("dry-run", "apply")
export type DeploymentMode = typeof DeploymentMode.Type

export const DeploymentStatus = Schema.Literal("running", "succeeded", "failed", "rolled-back", "dry-run")
export type DeploymentStatus = typeof DeploymentStatus.Type

export class DeploymentRecord extends Schema.Class<DeploymentRecord>("DeploymentRecord")({
  id: DeploymentId,
  cycleId: CycleId,
  mode: DeploymentMode,
  status: DeploymentStatus,
  /** Who approved an apply (a user or "auto" for a policy); absent for dry runs. */
  approvedBy: Schema.optional(Schema.String),
  startedAt: Schema.Date,
  finishedAt: Schema.optional(Schema.Date),
  /** Decoding drops the stand-in before-state older records gave an unread resource. */
  executions: Schema.Array(StoredChangeExecution)
}) {}
