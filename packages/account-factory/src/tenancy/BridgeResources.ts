/**
 * What a Bridge customer gets (SPEC.md section 2: "shared account with
 * dedicated resources", ~$15 a month against a pool's ~$5): it shares the
 * bridge account, its compute and networking with the other bridge
 * customers, and has its own data store in that account: a DynamoDB table
 * (on-demand, encrypted at rest) named
 * after the customer and tagged with its cost-allocation tag, so that
 *
 *   - its data is separable (export, migrate to a silo, delete at offboarding)
 *     without touching another customer's items;
 *   - Cost Explorer and CUR attribute the table's cost to the customer
 *     (CostCenter = customer id), as the cost package allocates it;
 *   - offboarding finds it through the Resource Groups Tagging API.
 *
 * `bridgeResourcesFor` is the pure plan; the `BridgeProvisioner` service
 * makes it so (DynamoDB adapter in src/adapters/DynamoBridgeResources.ts).
 */
import type { AccountId, CustomerId } from "@miyabi/types"
import { Context, Schema, type Effect } from "effect"
import { CUSTOMER_TAG } from "./TenantResource.js"

export interface BridgeResource {
  readonly kind: "DynamoDbTable"
  readonly customerId: CustomerId
  readonly accountId: AccountId
  /** The table name: `<prefix>-<customer slug>`, within DynamoDB's 3..255 characters of [a-zA-Z0-9_.-]. */
  readonly name: string
  readonly tags: Readonly<Record<string, string>>
}

export interface BridgeNaming {
  /** Default "miyabi-bridge". */
  readonly tablePrefix: string
}

export const defaultBridgeNaming: BridgeNaming = { tablePrefix: "miyabi-bridge" }

const slug = (customer: string) => customer.toLowerCase().replace(/[^a-z0-9_.-]+/g, "-").replace(/^-+|-+$/g, "")

/** The dedicated resources of one bridge customer in its bridge account. */
export const bridgeResourcesFor = (customerId: CustomerId, accountId: AccountId, naming: BridgeNaming = defaultBridgeNaming): ReadonlyArray<BridgeResource> => [
  {
    kind: "DynamoDbTable",
    customerId,
    accountId,
    name: `${naming.tablePrefix}-${slug(customerId)}`.slice(0, 255),
    tags: { [CUSTOMER_TAG]: customerId, Tenancy: "Bridge", ManagedBy: "miyabi" }
  }
]

/** The resource as one line, for plans and reports. */
export const describeBridgeResource = (resource: BridgeResource): string =>
  `DynamoDB table ${resource.name} in ${resource.accountId} (on demand, encrypted, tags ${Object.entries(resource.tags).map(([k, v]) => `${k}=${v}`).join(", ")})`

export class BridgeResourceError extends Schema.TaggedError<BridgeResourceError>()("BridgeResourceError", {
  reason: Schema.Literal("Unavailable", "Conflict"),
  resource: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `bridge resource ${this.resource}: ${this.reason}: ${this.detail}`
  }
}

export interface ProvisionedResource {
  readonly resource: BridgeResource
  readonly arn: string
  /** false when it already existed (a rerun, or an earlier run killed after creating it). */
  readonly created: boolean
}

export interface BridgeProvisionerShape {
  /** Creates the resource unless it exists; an existing one gets its tags set. Idempotent. */
  readonly ensure: (resource: BridgeResource) => Effect.Effect<ProvisionedResource, BridgeResourceError>
}

export class BridgeProvisioner extends Context.Tag("@miyabi/account-factory/BridgeProvisioner")<BridgeProvisioner, BridgeProvisionerShape>() {}
