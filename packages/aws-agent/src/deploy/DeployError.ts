/** θ4's one error: why a deployment was refused or could not run. */
import { Schema } from "effect"

export class DeployError extends Schema.TaggedError<DeployError>("DeployError")("DeployError", {
  reason: Schema.Literal(
    /** The plan is over the blast-radius limit (changes, monthly cost affected, risk). */
    "BlastRadiusExceeded",
    /** The approval record is for another cycle. */
    "ApprovalMismatch",
    /** The deployment store could not read or write. */
    "StoreFailed",
    /** No such deployment (to resume or roll back), or no such change in it. */
    "NotFound",
    /** The deployment is still running, or died mid-way: resume it before rolling changes back. */
    "InProgress",
    /** A resource of the plan is gone or could not be read: the plan no longer matches the world. */
    "StalePlan",
    /** A changed resource did not reach the expected state in time. */
    "ValidationFailed",
    /** An action this deployer does not execute. */
    "UnsupportedAction"
  ),
  message: Schema.String
}) {}
