/**
 * A resource that belongs to a customer, found by its cost-allocation tag
 * (CostCenter = customer id by default) in the account the customer lives in.
 */
import type { AccountId } from "@miyabi/types"

export interface TenantResource {
  readonly arn: string
  /** The Resource Groups Tagging API's "service:type", e.g. "s3:bucket", "dynamodb:table", "ec2:instance". */
  readonly type: string
  readonly accountId: AccountId
  readonly region?: string
}

/** The tag that ties a resource to its customer. */
export const CUSTOMER_TAG = "CostCenter"

/** Resources grouped by type, types sorted, for checklists and reports. */
export const groupByType = (resources: ReadonlyArray<TenantResource>): ReadonlyArray<readonly [string, ReadonlyArray<TenantResource>]> => {
  const groups = new Map<string, Array<TenantResource>>()
  for (const resource of resources) groups.set(resource.type, [...(groups.get(resource.type) ?? []), resource])
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))
}
