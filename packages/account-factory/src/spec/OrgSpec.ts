/**
 * The organization spec after loading: OU paths resolved (parents first),
 * policy documents read from their files, attachments and assignments
 * pointing at things that exist in the spec. The plan and the lint work on
 * this, never on raw YAML.
 */
import type { PrincipalType } from "@miyabi/types"
import type { AccountSpec, PermissionSetSpec, RequiredTagSpec, TenancySpec } from "./SpecDocument.js"

/** AWS's limit on OU nesting under a root (for service control policies). */
export const MAX_OU_DEPTH = 5

/** AWS-managed policies a spec may attach without declaring them. */
export const AWS_MANAGED_POLICIES: ReadonlyArray<string> = ["FullAWSAccess"]

/** Where a policy is attached. OU paths are "Parent/Child" from the root. */
export type TargetRef =
  | { readonly kind: "Root" }
  | { readonly kind: "OrganizationalUnit"; readonly path: string }
  | { readonly kind: "Account"; readonly name: string }

/** "Root", "ou:Workloads/Pools" or "account:log-archive": one key per target, for tables and plans. */
export const targetKey = (target: TargetRef): string =>
  target.kind === "Root" ? "Root" : target.kind === "OrganizationalUnit" ? `ou:${target.path}` : `account:${target.name}`

export interface OuEntry {
  /** "Non-Production/Staging" */
  readonly path: string
  readonly name: string
  /** undefined for an OU directly under the root. */
  readonly parentPath: string | undefined
  readonly depth: number
  readonly tags: { readonly [key: string]: string }
}

export interface PolicyEntry {
  readonly name: string
  readonly description: string
  /** The document as written (JSON text), not yet linted. */
  readonly content: string
  /** The file it came from, or "<spec file>#policies[i]" when inline. */
  readonly source: string
  /** Line in `source` where the document starts (1 for a file). */
  readonly line: number
  /** true when `content` was generated from a YAML mapping: positions inside it mean nothing in the file. */
  readonly generated?: boolean
}

export interface AttachmentEntry {
  readonly policy: string
  readonly target: TargetRef
}

export interface AssignmentEntry {
  readonly permissionSet: string
  readonly principalType: PrincipalType
  readonly principal: string
  readonly accountName: string
}

export interface OrgSpec {
  readonly file: string
  readonly name: string | undefined
  readonly platformRoleArn: string
  readonly requiredTags: ReadonlyArray<RequiredTagSpec>
  /** Parents before children. */
  readonly organizationalUnits: ReadonlyArray<OuEntry>
  readonly accounts: ReadonlyArray<AccountSpec>
  readonly policies: ReadonlyArray<PolicyEntry>
  readonly attachments: ReadonlyArray<AttachmentEntry>
  readonly tenancy: TenancySpec | undefined
  readonly permissionSets: ReadonlyArray<PermissionSetSpec>
  /** One entry per (permission set, principal, account), OU assignments expanded. */
  readonly assignments: ReadonlyArray<AssignmentEntry>
  readonly prune: boolean
}

/** Parses "Root", "account:<name>" or an OU path as written in a spec. */
export const parseTarget = (text: string): TargetRef => {
  if (text === "Root") return { kind: "Root" }
  if (text.startsWith("account:")) return { kind: "Account", name: text.slice("account:".length) }
  return { kind: "OrganizationalUnit", path: normalizeOuPath(text) }
}

/** "Non-Production / Staging/" -> "Non-Production/Staging". */
export const normalizeOuPath = (path: string): string =>
  path.split("/").map((part) => part.trim()).filter((part) => part.length > 0).join("/")
