/**
 * The organization spec as written in YAML: the schema every spec file is
 * decoded with. `SpecLoader` adds positions to its errors and resolves files
 * and references into an `OrgSpec`.
 */
import { AccountEmail, AccountName, AwsTags, OuName, PrincipalType, SessionDuration } from "@miyabi/types"
import { Schema } from "effect"

/** A tag every account must carry, optionally from a fixed set of values. */
export const RequiredTagSpec = Schema.Struct({
  key: Schema.String.pipe(Schema.minLength(1), Schema.maxLength(128)),
  values: Schema.optional(Schema.Array(Schema.String).pipe(Schema.minItems(1))),
  description: Schema.optional(Schema.String)
})
export type RequiredTagSpec = typeof RequiredTagSpec.Type

/** An OU and the OUs under it. Names may not hold "/": paths are written "Parent/Child". */
export interface OuSpec {
  readonly name: string
  readonly tags?: { readonly [key: string]: string }
  readonly children?: ReadonlyArray<OuSpec>
}
export const OuSpec: Schema.Schema<OuSpec> = Schema.Struct({
  name: OuName.pipe(Schema.filter((name) => !name.includes("/") || "an OU name may not contain /, which separates OU paths")),
  tags: Schema.optionalWith(AwsTags, { exact: true }),
  children: Schema.optionalWith(Schema.Array(Schema.suspend((): Schema.Schema<OuSpec> => OuSpec)), { exact: true })
})

export const AccountSpec = Schema.Struct({
  name: AccountName,
  email: AccountEmail,
  /** OU path ("Non-Production/Staging") or "Root". */
  ou: Schema.String.pipe(Schema.minLength(1)),
  tags: Schema.optionalWith(AwsTags, { default: () => ({}) })
})
export type AccountSpec = typeof AccountSpec.Type

/** An SCP: exactly one of `file` (relative to the spec), `document` (YAML mapping) or `content` (JSON text). */
export const PolicySpec = Schema.Struct({
  name: Schema.String.pipe(Schema.pattern(/^[\w+=,.@-]{1,128}$/, { message: () => "a policy name is 1-128 characters of letters, digits and +=,.@_-" })),
  description: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(512)), { default: () => "" }),
  file: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  document: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown })),
  content: Schema.optional(Schema.String.pipe(Schema.minLength(1)))
})
export type PolicySpec = typeof PolicySpec.Type

/** Targets: "Root", an OU path, or "account:<name>". */
export const AttachmentSpec = Schema.Struct({
  policy: Schema.String.pipe(Schema.minLength(1)),
  targets: Schema.Array(Schema.String.pipe(Schema.minLength(1))).pipe(Schema.minItems(1))
})
export type AttachmentSpec = typeof AttachmentSpec.Type

/** How accounts of one tenancy model are named and where they live. */
export const TenancyModelSpec = Schema.Struct({
  ou: Schema.String.pipe(Schema.minLength(1)),
  /** "{n}" is the pool number, "{customer}" the customer id. */
  accountName: Schema.String.pipe(Schema.minLength(1)),
  email: Schema.String.pipe(Schema.filter((email) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || "an e-mail template looks like aws+pool-{n}@example.com"))
})
export type TenancyModelSpec = typeof TenancyModelSpec.Type

export const TenancySpec = Schema.Struct({
  pool: TenancyModelSpec.pipe(
    Schema.extend(Schema.Struct({ capacity: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 10_000)), { default: () => 100 }) }))
  ),
  silo: TenancyModelSpec,
  bridge: Schema.optional(
    TenancyModelSpec.pipe(Schema.extend(Schema.Struct({ capacity: Schema.optionalWith(Schema.Int.pipe(Schema.between(1, 10_000)), { default: () => 20 }) })))
  ),
  /** Where offboarded customers' accounts go before they are closed. */
  suspendedOu: Schema.optionalWith(Schema.String, { default: () => "Suspended" })
})
export type TenancySpec = typeof TenancySpec.Type

export const PermissionSetSpec = Schema.Struct({
  name: Schema.String.pipe(Schema.pattern(/^[\w+=,.@-]{1,32}$/, { message: () => "a permission set name is 1-32 characters of letters, digits and +=,.@_-" })),
  description: Schema.optionalWith(Schema.String.pipe(Schema.maxLength(700)), { default: () => "" }),
  sessionDuration: SessionDuration,
  managedPolicies: Schema.optionalWith(
    Schema.Array(Schema.String.pipe(Schema.pattern(/^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/, { message: () => "a managed policy ARN looks like arn:aws:iam::aws:policy/ReadOnlyAccess" }))),
    { default: () => [] }
  ),
  inlinePolicy: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
})
export type PermissionSetSpec = typeof PermissionSetSpec.Type

/** Gives a user or group a permission set in the named accounts and in every account of the named OUs. */
export const AssignmentSpec = Schema.Struct({
  permissionSet: Schema.String.pipe(Schema.minLength(1)),
  principalType: PrincipalType,
  principal: Schema.String.pipe(Schema.minLength(1)),
  accounts: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] }),
  ous: Schema.optionalWith(Schema.Array(Schema.String), { default: () => [] })
})
export type AssignmentSpec = typeof AssignmentSpec.Type

export const SpecDocument = Schema.Struct({
  version: Schema.Literal(1),
  name: Schema.optional(Schema.String),
  /**
   * The role the platform works through in every account; SCP lint refuses
   * statements that would deny it what it needs. `*` matches any characters.
   */
  platformRoleArn: Schema.optionalWith(Schema.String.pipe(Schema.startsWith("arn:")), {
    default: () => "arn:aws:iam::*:role/OrganizationAccountAccessRole"
  }),
  requiredTags: Schema.optionalWith(Schema.Array(RequiredTagSpec), { default: () => [] }),
  organizationalUnits: Schema.optionalWith(Schema.Array(OuSpec), { default: () => [] }),
  accounts: Schema.optionalWith(Schema.Array(AccountSpec), { default: () => [] }),
  policies: Schema.optionalWith(Schema.Array(PolicySpec), { default: () => [] }),
  attachments: Schema.optionalWith(Schema.Array(AttachmentSpec), { default: () => [] }),
  tenancy: Schema.optional(TenancySpec),
  permissionSets: Schema.optionalWith(Schema.Array(PermissionSetSpec), { default: () => [] }),
  assignments: Schema.optionalWith(Schema.Array(AssignmentSpec), { default: () => [] }),
  /** Only with prune: true does a plan delete what the spec no longer declares. */
  prune: Schema.optionalWith(Schema.Boolean, { default: () => false })
})
export type SpecDocument = typeof SpecDocument.Type
