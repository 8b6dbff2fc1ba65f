/**
 * Pool -> Silo migration of one customer as a checklist. Moving resources
 * between accounts is out of scope for the platform: the checklist lists
 * them (found by tag) with what to do for each, and marks which steps the
 * platform automates (vending, placement record, scheduled pool cleanup).
 */
import type { Customer, Placement } from "@miyabi/types"
import { CUSTOMER_TAG, groupByType, type TenantResource } from "./TenantResource.js"
import { accountNameFor, type TenancySettings } from "./TenancySettings.js"

export interface ChecklistItem {
  readonly step: number
  readonly title: string
  readonly detail: string
  /** true: the platform does it (a command is given); false: a person does it and ticks it off. */
  readonly automated: boolean
  readonly command?: string
}

export interface MigrationPlan {
  readonly customerId: string
  readonly from: { readonly model: string; readonly accountId: string }
  readonly to: { readonly model: "Silo"; readonly accountName: string; readonly email: string; readonly ou: string }
  readonly resources: ReadonlyArray<TenantResource>
  readonly checklist: ReadonlyArray<ChecklistItem>
}

export type MigrationRefusal = { readonly _tag: "AlreadySilo" } | { readonly _tag: "NotPlaced" }

export const planSiloMigration = (
  customer: Customer,
  placement: Placement | undefined,
  resources: ReadonlyArray<TenantResource>,
  settings: TenancySettings
): MigrationPlan | MigrationRefusal => {
  if (placement === undefined) return { _tag: "NotPlaced" }
  if (placement.model === "Silo") return { _tag: "AlreadySilo" }
  const target = accountNameFor(settings.naming.Silo, { customer: customer.id })
  const mine = resources.filter((resource) => resource.accountId === placement.accountId)
  const items: Array<Omit<ChecklistItem, "step">> = [
    { title: `Vend the silo account ${target.name}`, detail: `CreateAccount ${target.email} into ${target.ou}, tagged ${CUSTOMER_TAG}=${customer.id}; waits until its role answers`, automated: true, command: `miyabi accounts create --name ${target.name} --email ${target.email} --ou ${target.ou}` },
    { title: "Baseline the new account", detail: "the baseline every new account gets (guardrails, logging, roles)", automated: true },
    {
      title: `Inventory: ${mine.length} resources tagged ${CUSTOMER_TAG}=${customer.id} in ${placement.accountId}`,
      detail: mine.length === 0 ? "none found: check that the customer's resources carry the tag" : groupByType(mine).map(([type, list]) => `${type} x${list.length}`).join(", "),
      automated: true
    },
    ...groupByType(mine).map(([type, list]) => ({
      title: `Recreate ${type} in ${target.name} and copy its data`,
      detail: list.map((resource) => resource.arn).join("\n"),
      automated: false
    })),
    { title: "Switch the customer's traffic (DNS, endpoints, credentials) to the silo", detail: "keep the pool copy read-only until verified", automated: false },
    { title: "Verify the customer in the silo", detail: "smoke tests, data counts match, cost tags present", automated: false },
    { title: "Record the placement", detail: `Pool ${placement.accountId} -> Silo ${target.name}, with history`, automated: true, command: `miyabi tenants place --customer ${customer.id} --model Silo` },
    { title: `Schedule deletion of the customer's pool data after ${settings.dataRetentionDays} days`, detail: `${mine.length} tagged resources in ${placement.accountId}`, automated: true }
  ]
  return {
    customerId: customer.id,
    from: { model: placement.model, accountId: placement.accountId },
    to: { model: "Silo", accountName: target.name, email: target.email, ou: target.ou },
    resources: mine,
    checklist: items.map((item, index) => ({ step: index + 1, ...item }))
  }
}
