/**
 * θ2 and θ3 outputs: a plan of recommendations (with infrastructure code for
 * the affected resources), then an execution plan of concrete changes, each
 * with priority, expected savings, risk, preconditions and a rollback step.
 */
import { Schema } from "effect"
import { CycleId } from "./Ids.js"
import { MicroUsd } from "./Money.js"
import { FindingCategory, FindingId, RuleId } from "./Finding.js"
import { EbsVolumeType, IngressRule, Percent, PublicAccessBlock, ResourceRef, ResourceState } from "./Resource.js"

export const ChangeId = Schema.String.pipe(
  Schema.pattern(/^[A-Za-z0-9_.:-]{1,128}$/, { message: () => "a change id is 1-128 characters of A-Z, a-z, 0-9, _ . : or -" }),
  Schema.brand("ChangeId")
)
export type ChangeId = typeof ChangeId.Type

/** P0 first: do now (security exposure, money burning); P3: whenever. */
export const ChangePriority = Schema.Literal("P0", "P1", "P2", "P3")
export type ChangePriority = typeof ChangePriority.Type

export const Risk = Schema.Literal("low", "medium", "high")
export type Risk = typeof Risk.Type

const NonNegativeMicroUsd = MicroUsd.pipe(Schema.filter((n) => n >= 0 || "savings are not negative"))

/**
 * What a change does to one resource. Each action has an inverse (another
 * action) recorded before it is applied, except purchases, which are
 * recommendations only and never executed.
 */
export const ChangeAction = Schema.Union(
  Schema.TaggedStruct("ResizeInstance", { fromType: Schema.String, toType: Schema.String }),
  Schema.TaggedStruct("StopInstance", {}),
  Schema.TaggedStruct("StartInstance", {}),
  Schema.TaggedStruct("ModifyVolume", {
    fromType: EbsVolumeType,
    toType: EbsVolumeType,
    iops: Schema.optional(Schema.Int),
    throughputMiBps: Schema.optional(Schema.Int)
  }),
  /** Deleting a volume always snapshots it first; the inverse restores from the snapshot. */
  Schema.TaggedStruct("SnapshotAndDeleteVolume", { snapshotDescription: Schema.String }),
  Schema.TaggedStruct("RestoreVolumeFromSnapshot", { snapshotId: Schema.String, volumeType: EbsVolumeType }),
  Schema.TaggedStruct("ReleaseAddress", { publicIp: Schema.String }),
  /** Best effort: AWS can give back a released address only while nobody else took it. */
  Schema.TaggedStruct("AllocateAddress", { publicIp: Schema.String }),
  Schema.TaggedStruct("SetLambdaMemory", { fromMiB: Schema.Int, toMiB: Schema.Int }),
  Schema.TaggedStruct("ResizeEcsTask", {
    fromCpuUnits: Schema.Int,
    toCpuUnits: Schema.Int,
    fromMemoryMiB: Schema.Int,
    toMemoryMiB: Schema.Int
  }),
  Schema.TaggedStruct("ResizeDbInstance", { fromClass: Schema.String, toClass: Schema.String }),
  Schema.TaggedStruct("SetDbPubliclyAccessible", { publiclyAccessible: Schema.Boolean }),
  /** Lifecycle rules as the S3 API takes them (JSON), so the inverse can restore them verbatim. */
  Schema.TaggedStruct("PutBucketLifecycle", { rules: Schema.Array(Schema.Unknown) }),
  Schema.TaggedStruct("DeleteBucketLifecycle", {}),
  Schema.TaggedStruct("PutPublicAccessBlock", { configuration: PublicAccessBlock }),
  Schema.TaggedStruct("DeletePublicAccessBlock", {}),
  Schema.TaggedStruct("SetBucketEncryption", { algorithm: Schema.Literal("AES256", "aws:kms", "none") }),
  Schema.TaggedStruct("RevokeIngress", { rule: IngressRule }),
  Schema.TaggedStruct("AuthorizeIngress", { rule: IngressRule }),
  Schema.TaggedStruct("PurchaseCommitment", {
    commitment: Schema.Literal("reserved-instance", "compute-savings-plan", "ec2-savings-plan"),
    termYears: Schema.Literal(1, 3),
    hourlyCommitment: MicroUsd
  })
)
export type ChangeAction = typeof ChangeAction.Type

/** Checked just before applying; a change whose precondition fails is skipped. */
export const Precondition = Schema.Union(
  Schema.TaggedStruct("StateIs", { state: ResourceState }),
  Schema.TaggedStruct("TagAbsent", { key: Schema.String }),
  Schema.TaggedStruct("UtilizationBelow", { percent: Percent }),
  /** The resource is as it was when discovered (no one changed it since). */
  Schema.TaggedStruct("UnchangedSince", { at: Schema.Date }),
  Schema.TaggedStruct("ManualApproval", { reason: Schema.String })
)
export type Precondition = typeof Precondition.Type

/** θ2: one thing worth doing, before it is made concrete and ranked. */
export class Recommendation extends Schema.Class<Recommendation>("Recommendation")({
  category: FindingCategory,
  rule: RuleId,
  resource: ResourceRef,
  findings: Schema.Array(FindingId),
  summary: Schema.String,
  expectedMonthlySavings: NonNegativeMicroUsd,
  action: Schema.optional(ChangeAction)
}) {}

/** Infrastructure code θ2 writes for the affected resources. */
export class IacArtifact extends Schema.Class<IacArtifact>("IacArtifact")({
  format: Schema.Literal("cloudformation", "terraform"),
  /** Relative path, e.g. "cloudformation/123456789012-us-east-1.json" or "terraform/main.tf.json". */
  path: Schema.String,
  content: Schema.String
}) {}

export class Plan extends Schema.Class<Plan>("Plan")({
  cycleId: CycleId,
  createdAt: Schema.Date,
  /** The timestamp of the world state the plan was made from. */
  worldTimestamp: Schema.Date,
  costPlan: Schema.Array(Recommendation),
  securityPlan: Schema.Array(Recommendation),
  iac: Schema.Array(IacArtifact)
}) {}

export class Change extends Schema.Class<Change>("Change")({
  id: ChangeId,
  rule: RuleId,
  resource: ResourceRef,
  findings: Schema.Array(FindingId),
  summary: Schema.String,
  priority: ChangePriority,
  action: ChangeAction,
  /** The step that undoes `action`; absent only for actions that cannot be executed (purchases). */
  rollback: Schema.optional(ChangeAction),
  preconditions: Schema.Array(Precondition),
  expectedMonthlySavings: NonNegativeMicroUsd,
  risk: Risk,
  /** The confidence of the rule (from θ6) when the change was planned, 0..1. */
  confidence: Schema.Number.pipe(Schema.between(0, 1))
}) {}

/** Limits θ4 enforces while applying. */
export class BlastRadius extends Schema.Class<BlastRadius>("BlastRadius")({
  maxChanges: Schema.Int.pipe(Schema.positive()),
  maxChangesPerAccount: Schema.Int.pipe(Schema.positive()),
  maxRisk: Risk
}) {}

export class ExecutionPlan extends Schema.Class<ExecutionPlan>("ExecutionPlan")({
  cycleId: CycleId,
  createdAt: Schema.Date,
  /** Ordered: by priority, then by expected savings. */
  changes: Schema.Array(Change),
  expectedMonthlySavings: NonNegativeMicroUsd,
  blastRadius: BlastRadius,
  /** Resources carrying any of these tag keys are never touched. */
  protectedTagKeys: Schema.Array(Schema.String)
}) {}
