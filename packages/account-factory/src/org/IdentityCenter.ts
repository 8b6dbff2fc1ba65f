/**
 * IAM Identity Center as account-factory uses it: permission sets and their
 * account assignments, read as the org diff wants them and changed one step
 * at a time. Principals are the identity store's user or group ids.
 */
import type { AccountId, PrincipalType } from "@miyabi/types"
import { Context, Schema, type Effect } from "effect"
import type { LiveIdentityCenter } from "../plan/OrgDiff.js"

export class IdentityCenterError extends Schema.TaggedError<IdentityCenterError>()("IdentityCenterError", {
  operation: Schema.String,
  reason: Schema.Literal("NoInstance", "NotFound", "Conflict", "Throttled", "AccessDenied", "InvalidInput", "Failed", "Unavailable"),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.operation}: ${this.reason}: ${this.detail}`
  }
}

export interface PermissionSetRequest {
  readonly name: string
  readonly description: string
  readonly sessionDuration: string
  readonly managedPolicies: ReadonlyArray<string>
  readonly inlinePolicy?: string
}

export interface IdentityCenterShape {
  /** Permission sets and their assignments in the given accounts. */
  readonly read: (accounts: ReadonlyArray<AccountId>) => Effect.Effect<LiveIdentityCenter, IdentityCenterError>
  /** Creates the set, or brings an existing one with that name to the request (and provisions it). */
  readonly putPermissionSet: (request: PermissionSetRequest) => Effect.Effect<void, IdentityCenterError>
  /** Assigns and waits until AWS reports the (asynchronous) assignment done. */
  readonly assign: (assignment: { readonly permissionSet: string; readonly principalType: PrincipalType; readonly principal: string; readonly accountId: AccountId }) => Effect.Effect<void, IdentityCenterError>
}

export class IdentityCenter extends Context.Tag("@miyabi/account-factory/IdentityCenter")<IdentityCenter, IdentityCenterShape>() {}
