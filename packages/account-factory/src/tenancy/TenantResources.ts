/**
 * Finding a customer's resources by its tenant tag (CostCenter = customer
 * id) in the account it lives in, across regions: what offboarding lists and
 * schedules for deletion, and what a Pool -> Silo migration must move.
 * Driver: the Resource Groups Tagging API (src/adapters/TaggingResources.ts).
 */
import type { AccountId, CustomerId, Region } from "@miyabi/types"
import { Context, Schema, type Effect } from "effect"
import type { TenantResource } from "./TenantResource.js"

export class TenantResourcesError extends Schema.TaggedError<TenantResourcesError>()("TenantResourcesError", {
  reason: Schema.Literal("Unavailable", "AccessDenied"),
  accountId: Schema.String,
  region: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `listing tagged resources in ${this.accountId} ${this.region}: ${this.reason}: ${this.detail}`
  }
}

export interface TenantResourcesShape {
  /** Every resource in `accountId` tagged `tagKey = customerId` (default tag CostCenter), in each of `regions`, each once. */
  readonly find: (query: {
    readonly customerId: CustomerId
    readonly accountId: AccountId
    readonly regions: ReadonlyArray<Region>
    readonly tagKey?: string
  }) => Effect.Effect<ReadonlyArray<TenantResource>, TenantResourcesError>
}

export class TenantResources extends Context.Tag("@miyabi/account-factory/TenantResources")<TenantResources, TenantResourcesShape>() {}
