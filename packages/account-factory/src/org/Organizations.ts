/**
 * AWS Organizations as account-factory uses it: domain-shaped operations on
 * the live organization. Drivers: the SDK adapter (src/adapters) and an
 * in-memory organization (`OrganizationsMemory`) for tests and dry runs.
 */
import type { Account, AccountId, AwsTags, Organization, OrganizationalUnit, OrgNodeId, PolicyId } from "@miyabi/types"
import { Context, Schema, type Effect } from "effect"

export class OrganizationsError extends Schema.TaggedError<OrganizationsError>()("OrganizationsError", {
  operation: Schema.String,
  reason: Schema.Literal(
    "AccessDenied",
    "NotFound",
    "ConcurrentModification",
    "Throttled",
    "ConstraintViolation",
    "InvalidInput",
    "Duplicate",
    "Unavailable"
  ),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.operation}: ${this.reason}: ${this.detail}`
  }
}

/** Retrying these may succeed; the rest need a change first. */
export const isTransient = (error: OrganizationsError): boolean =>
  error.reason === "ConcurrentModification" || error.reason === "Throttled" || error.reason === "Unavailable"

/** AWS's CreateAccountStatus.FailureReason values that matter here. */
export const CreateAccountFailureReason = Schema.Literal(
  "EMAIL_ALREADY_EXISTS",
  "ACCOUNT_LIMIT_EXCEEDED",
  "CONCURRENT_ACCOUNT_MODIFICATION",
  "INVALID_ADDRESS",
  "INVALID_EMAIL",
  "INTERNAL_FAILURE",
  "MISSING_PAYMENT_INSTRUMENT",
  "INVALID_PAYMENT_INSTRUMENT",
  "MISSING_BUSINESS_VALIDATION",
  "FAILED_BUSINESS_VALIDATION",
  "PENDING_BUSINESS_VALIDATION",
  "UNKNOWN"
)
export type CreateAccountFailureReason = typeof CreateAccountFailureReason.Type

export interface CreateAccountStatus {
  readonly requestId: string
  readonly accountName: string
  readonly state: "IN_PROGRESS" | "SUCCEEDED" | "FAILED"
  readonly accountId?: AccountId
  readonly failureReason?: CreateAccountFailureReason
  readonly requestedAt?: Date
}

export interface AccountSummary {
  readonly id: AccountId
  readonly name: string
  readonly email: string
  readonly status: Account["status"]
}

export interface OrganizationsShape {
  /** The whole organization: OUs (every level), accounts, SCPs with their targets. */
  readonly snapshot: () => Effect.Effect<Organization, OrganizationsError>
  readonly listAccounts: () => Effect.Effect<ReadonlyArray<Account>, OrganizationsError>
  /** Ids, names and e-mails only: one paged call, no per-account reads (vending looks accounts up by e-mail). */
  readonly listAccountSummaries: () => Effect.Effect<ReadonlyArray<AccountSummary>, OrganizationsError>
  readonly createOrganizationalUnit: (parentId: OrgNodeId, name: string, tags: AwsTags) => Effect.Effect<OrganizationalUnit, OrganizationsError>
  readonly deleteOrganizationalUnit: (ouId: OrgNodeId) => Effect.Effect<void, OrganizationsError>
  /** Starts an account creation (asynchronous in AWS). */
  readonly createAccount: (request: { readonly name: string; readonly email: string; readonly tags: AwsTags }) => Effect.Effect<CreateAccountStatus, OrganizationsError>
  readonly describeCreateAccountStatus: (requestId: string) => Effect.Effect<CreateAccountStatus, OrganizationsError>
  /** Creation requests still running (to resume a vend instead of starting a second one). */
  readonly listCreateAccountStatus: (state: CreateAccountStatus["state"]) => Effect.Effect<ReadonlyArray<CreateAccountStatus>, OrganizationsError>
  readonly parentOf: (accountId: AccountId) => Effect.Effect<OrgNodeId, OrganizationsError>
  readonly moveAccount: (accountId: AccountId, from: OrgNodeId, to: OrgNodeId) => Effect.Effect<void, OrganizationsError>
  readonly closeAccount: (accountId: AccountId) => Effect.Effect<void, OrganizationsError>
  readonly tagResource: (resourceId: AccountId | OrgNodeId, tags: AwsTags) => Effect.Effect<void, OrganizationsError>
  readonly untagResource: (resourceId: AccountId | OrgNodeId, keys: ReadonlyArray<string>) => Effect.Effect<void, OrganizationsError>
  readonly createPolicy: (name: string, description: string, content: string) => Effect.Effect<PolicyId, OrganizationsError>
  readonly updatePolicy: (policyId: PolicyId, description: string, content: string) => Effect.Effect<void, OrganizationsError>
  readonly deletePolicy: (policyId: PolicyId) => Effect.Effect<void, OrganizationsError>
  readonly attachPolicy: (policyId: PolicyId, targetId: AccountId | OrgNodeId) => Effect.Effect<void, OrganizationsError>
  readonly detachPolicy: (policyId: PolicyId, targetId: AccountId | OrgNodeId) => Effect.Effect<void, OrganizationsError>
  /**
   * Whether the platform's role in a member account answers yet (a fresh
   * account's IAM takes a while to settle: AccessDenied until then).
   */
  readonly probeAccountRole: (accountId: AccountId) => Effect.Effect<void, OrganizationsError>
}

export class Organizations extends Context.Tag("@miyabi/account-factory/Organizations")<Organizations, OrganizationsShape>() {}
