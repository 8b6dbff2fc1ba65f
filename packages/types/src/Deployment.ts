/**
 * θ4 output: what was applied (or would have been, in a dry run), with the
 * state before each change and its inverse, so any change can be undone.
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

export class ChangeExecution extends Schema.Class<ChangeExecution>("ChangeExecution")({
  changeId: ChangeId,
  resource: ResourceRef,
  action: ChangeAction,
  status: ChangeExecutionStatus,
  /** The resource as read right before applying. */
  before: Resource,
  /** The action that restores `before`, recorded before applying. */
  inverse: Schema.optional(ChangeAction),
  after: Schema.optional(Resource),
  startedAt: Schema.Date,
  finishedAt: Schema.optional(Schema.Date),
  /** Why it was skipped, failed or rolled back. */
  reason: Schema.optional(Schema.String),
  /** The AWS error code when an AWS call failed. */
  errorCode: Schema.optional(Schema.String)
}) {}

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
  executions: Schema.Array(ChangeExecution)
}) {}
