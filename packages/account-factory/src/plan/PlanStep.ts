/**
 * One step of an organization plan. Steps name things as the spec does (OU
 * paths, account and policy names) and carry the live ids when they exist,
 * so a plan can be shown, saved as JSON, journaled and resumed.
 */
import { AccountId, OrgNodeId, PolicyId, PrincipalType } from "@miyabi/types"
import { Schema } from "effect"

const Tags = Schema.Record({ key: Schema.String, value: Schema.String })

/** "Root", "ou:<path>" or "account:<name>" (see `targetKey`). */
const Target = Schema.String

export const CreateOrganizationalUnit = Schema.TaggedStruct("CreateOrganizationalUnit", {
  path: Schema.String,
  name: Schema.String,
  /** undefined: directly under the root. */
  parentPath: Schema.optional(Schema.String),
  tags: Tags
})
export const CreatePolicy = Schema.TaggedStruct("CreatePolicy", {
  name: Schema.String,
  description: Schema.String,
  /** Minified, as it will be stored (the size limit counts this). */
  content: Schema.String
})
export const UpdatePolicy = Schema.TaggedStruct("UpdatePolicy", {
  name: Schema.String,
  policyId: PolicyId,
  description: Schema.String,
  content: Schema.String,
  changes: Schema.Array(Schema.Literal("content", "description"))
})
export const CreateAccount = Schema.TaggedStruct("CreateAccount", {
  name: Schema.String,
  email: Schema.String,
  ouPath: Schema.String,
  tags: Tags
})
export const MoveAccount = Schema.TaggedStruct("MoveAccount", {
  name: Schema.String,
  accountId: AccountId,
  fromPath: Schema.String,
  toPath: Schema.String
})
export const SetTags = Schema.TaggedStruct("SetTags", {
  target: Target,
  resourceId: Schema.Union(AccountId, OrgNodeId),
  tags: Tags,
  /** The values before, for display. */
  previous: Tags
})
export const AttachPolicy = Schema.TaggedStruct("AttachPolicy", {
  policy: Schema.String,
  target: Target
})
export const CreatePermissionSet = Schema.TaggedStruct("CreatePermissionSet", {
  name: Schema.String,
  sessionDuration: Schema.String,
  managedPolicies: Schema.Array(Schema.String),
  inlinePolicy: Schema.optional(Schema.String)
})
export const UpdatePermissionSet = Schema.TaggedStruct("UpdatePermissionSet", {
  name: Schema.String,
  sessionDuration: Schema.String,
  managedPolicies: Schema.Array(Schema.String),
  inlinePolicy: Schema.optional(Schema.String),
  changes: Schema.Array(Schema.Literal("sessionDuration", "managedPolicies", "inlinePolicy"))
})
export const CreateAccountAssignment = Schema.TaggedStruct("CreateAccountAssignment", {
  permissionSet: Schema.String,
  principalType: PrincipalType,
  principal: Schema.String,
  accountName: Schema.String
})

// Deletions: only planned when the spec says prune: true.
export const DetachPolicy = Schema.TaggedStruct("DetachPolicy", {
  policy: Schema.String,
  policyId: PolicyId,
  target: Target,
  targetId: Schema.Union(AccountId, OrgNodeId)
})
export const UntagResource = Schema.TaggedStruct("UntagResource", {
  target: Target,
  resourceId: Schema.Union(AccountId, OrgNodeId),
  keys: Schema.Array(Schema.String)
})
export const DeletePolicy = Schema.TaggedStruct("DeletePolicy", {
  name: Schema.String,
  policyId: PolicyId
})
export const DeleteOrganizationalUnit = Schema.TaggedStruct("DeleteOrganizationalUnit", {
  path: Schema.String,
  ouId: OrgNodeId
})

export const PlanStep = Schema.Union(
  CreateOrganizationalUnit,
  CreatePolicy,
  UpdatePolicy,
  CreateAccount,
  MoveAccount,
  SetTags,
  AttachPolicy,
  CreatePermissionSet,
  UpdatePermissionSet,
  CreateAccountAssignment,
  DetachPolicy,
  UntagResource,
  DeletePolicy,
  DeleteOrganizationalUnit
)
export type PlanStep = typeof PlanStep.Type

export const OrgPlan = Schema.Struct({
  spec: Schema.String,
  organizationId: Schema.String,
  prune: Schema.Boolean,
  steps: Schema.Array(PlanStep),
  /** Things the plan saw but leaves alone (unmanaged accounts, OUs, policies when prune is off). */
  notes: Schema.Array(Schema.String)
})
export type OrgPlan = typeof OrgPlan.Type

/** How a step changes the organization, for summaries: add, change or destroy. */
export const stepAction = (step: PlanStep): "add" | "change" | "destroy" => {
  switch (step._tag) {
    case "CreateOrganizationalUnit":
    case "CreatePolicy":
    case "CreateAccount":
    case "AttachPolicy":
    case "CreatePermissionSet":
    case "CreateAccountAssignment":
      return "add"
    case "UpdatePolicy":
    case "MoveAccount":
    case "SetTags":
    case "UpdatePermissionSet":
      return "change"
    case "DetachPolicy":
    case "UntagResource":
    case "DeletePolicy":
    case "DeleteOrganizationalUnit":
      return "destroy"
  }
}
