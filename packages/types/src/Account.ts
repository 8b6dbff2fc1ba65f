/**
 * AWS Organizations as the domain sees it (SPEC.md section 2): accounts,
 * organizational units, service control policies, the organization tree and
 * Identity Center permission sets with their assignments.
 */
import { Schema } from "effect"
import { AccountId, OrgNodeId, PolicyId } from "./Ids.js"

/** An AWS tag value: 0-256 characters. */
const TagValue = Schema.String.pipe(Schema.maxLength(256))

/**
 * Tags of an account, OU or policy as a key -> value map, checked as AWS
 * checks them (keys 1-128 characters, not "aws:", at most 50 per resource).
 */
export const AwsTags = Schema.Record({ key: Schema.String, value: TagValue }).pipe(
  Schema.filter((tags) => {
    const keys = Object.keys(tags)
    if (keys.length > 50) return "at most 50 tags per resource"
    const bad = keys.find((key) => key.length < 1 || key.length > 128 || key.toLowerCase().startsWith("aws:"))
    return bad === undefined || `tag key "${bad}" is not allowed: 1-128 characters, not starting with aws:`
  })
)
export type AwsTags = typeof AwsTags.Type

/** An account's name: 1-50 printable characters (AWS's limit). */
export const AccountName = Schema.String.pipe(
  Schema.pattern(/^[\x20-\x7E]{1,50}$/, { message: () => "an account name is 1-50 printable ASCII characters" })
)

/** The root e-mail of an account: 6-64 characters, one @, unique across AWS. */
export const AccountEmail = Schema.String.pipe(
  Schema.pattern(/^(?=.{6,64}$)[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: () => "an account e-mail is 6-64 characters like name@example.com" })
)

export const AccountStatus = Schema.Literal("ACTIVE", "SUSPENDED", "PENDING_CLOSURE")
export type AccountStatus = typeof AccountStatus.Type

/** An organizational unit's name: 1-128 characters. */
export const OuName = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(128))

export class Account extends Schema.Class<Account>("Account")({
  id: AccountId,
  name: AccountName,
  email: AccountEmail,
  status: AccountStatus,
  /** The root or OU the account sits in. */
  parentId: OrgNodeId,
  tags: Schema.optionalWith(AwsTags, { default: () => ({}) }),
  joinedAt: Schema.optional(Schema.Date)
}) {}

export class OrganizationalUnit extends Schema.Class<OrganizationalUnit>("OrganizationalUnit")({
  id: OrgNodeId,
  name: OuName,
  parentId: OrgNodeId,
  tags: Schema.optionalWith(AwsTags, { default: () => ({}) })
}) {}

/** Where a policy can be attached: the root, an OU or an account. */
export const PolicyTarget = Schema.Union(OrgNodeId, AccountId)
export type PolicyTarget = typeof PolicyTarget.Type

/** A service control policy: its JSON document as text and where it is attached. */
export class Policy extends Schema.Class<Policy>("Policy")({
  id: PolicyId,
  name: Schema.String.pipe(Schema.pattern(/^[\w+=,.@-]{1,128}$/, { message: () => "a policy name is 1-128 characters of letters, digits and +=,.@_-" })),
  description: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(512)), { default: () => "" }),
  /** The policy document as stored by AWS (JSON text, not parsed here). */
  content: Schema.String.pipe(Schema.minLength(1)),
  /** AWS-managed policies (FullAWSAccess) cannot be changed, only attached. */
  awsManaged: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  targets: Schema.optionalWith(Schema.Array(PolicyTarget), { default: () => [] })
}) {}

/** An organization id (o-xxxxxxxxxx). */
export const OrganizationId = Schema.String.pipe(
  Schema.pattern(/^o-[a-z0-9]{10,32}$/, { message: () => "an organization id looks like o-abcd123456" }),
  Schema.brand("OrganizationId")
)
export type OrganizationId = typeof OrganizationId.Type

/**
 * A snapshot of a live organization, flat: what the Organizations adapter
 * reads and what the org diff compares the spec against.
 */
export class Organization extends Schema.Class<Organization>("Organization")({
  id: OrganizationId,
  managementAccountId: AccountId,
  rootId: OrgNodeId,
  organizationalUnits: Schema.Array(OrganizationalUnit),
  accounts: Schema.Array(Account),
  policies: Schema.Array(Policy)
}) {}

/** One node of the organization as a tree (for display). */
export interface OrgTreeNode {
  readonly id: string
  readonly name: string
  readonly kind: "Root" | "OrganizationalUnit" | "Account"
  readonly policies: ReadonlyArray<string>
  readonly children: ReadonlyArray<OrgTreeNode>
}
export const OrgTreeNode: Schema.Schema<OrgTreeNode> = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  kind: Schema.Literal("Root", "OrganizationalUnit", "Account"),
  policies: Schema.Array(Schema.String),
  children: Schema.Array(Schema.suspend((): Schema.Schema<OrgTreeNode> => OrgTreeNode))
})

/**
 * An Identity Center session duration, ISO-8601 ("PT8H", "PT4H30M"),
 * between 1 and 12 hours as AWS allows.
 */
export const SessionDuration = Schema.String.pipe(
  Schema.pattern(/^PT(?:(\d{1,2})H)?(?:(\d{1,3})M)?$/, { message: () => "a session duration is ISO-8601 like PT8H or PT1H30M" }),
  Schema.filter((value) => {
    const minutes = sessionMinutes(value)
    return (minutes >= 60 && minutes <= 720) || "a session duration is between PT1H and PT12H"
  }),
  Schema.brand("SessionDuration")
)
export type SessionDuration = typeof SessionDuration.Type

/** Minutes of an ISO-8601 "PTnHnM" duration (0 when it is not one). */
export const sessionMinutes = (value: string): number => {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(value)
  if (match === null) return 0
  return Number(match[1] ?? 0) * 60 + Number(match[2] ?? 0)
}

/** An IAM managed policy: AWS's ("arn:aws:iam::aws:policy/...") or a customer's. */
export const ManagedPolicyArn = Schema.String.pipe(
  Schema.pattern(/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[\w+=,.@\/-]+$/, { message: () => "a managed policy ARN looks like arn:aws:iam::aws:policy/ReadOnlyAccess" })
)

export class PermissionSet extends Schema.Class<PermissionSet>("PermissionSet")({
  name: Schema.String.pipe(Schema.pattern(/^[\w+=,.@-]{1,32}$/, { message: () => "a permission set name is 1-32 characters of letters, digits and +=,.@_-" })),
  description: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(700)), { default: () => "" }),
  sessionDuration: SessionDuration,
  managedPolicies: Schema.optionalWith(Schema.Array(ManagedPolicyArn), { default: () => [] }),
  /** An inline IAM policy document (JSON text). */
  inlinePolicy: Schema.optional(Schema.String.pipe(Schema.minLength(1)))
}) {}

export const PrincipalType = Schema.Literal("USER", "GROUP")
export type PrincipalType = typeof PrincipalType.Type

/** Gives a user or group a permission set in one account. */
export class PermissionSetAssignment extends Schema.Class<PermissionSetAssignment>("PermissionSetAssignment")({
  permissionSet: Schema.String.pipe(Schema.minLength(1)),
  principalType: PrincipalType,
  /** The user or group name in the identity store. */
  principal: Schema.String.pipe(Schema.minLength(1)),
  accountId: AccountId
}) {}
