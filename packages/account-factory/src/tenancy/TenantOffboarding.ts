/**
 * Offboarding a customer: a cleanup report of its tagged resources and what
 * happens to its account. Silo: move the account to the Suspended OU, then
 * CloseAccount. Pool or Bridge: leave the shared account, and schedule the
 * deletion of the customer's data after the retention period (30 days).
 */
import type { Customer, Placement } from "@miyabi/types"
import { CUSTOMER_TAG, groupByType, type TenantResource } from "./TenantResource.js"
import type { TenancySettings } from "./TenancySettings.js"

export type OffboardingAction =
  | { readonly _tag: "MoveAccount"; readonly accountId: string; readonly toOu: string }
  | { readonly _tag: "CloseAccount"; readonly accountId: string; readonly note: string }
  | { readonly _tag: "RemoveFromPool"; readonly accountId: string }
  | { readonly _tag: "ScheduleDataDeletion"; readonly accountId: string; readonly at: Date; readonly resources: ReadonlyArray<string> }

export interface OffboardingReport {
  readonly customerId: string
  readonly model: string
  readonly accountId: string
  readonly resources: ReadonlyArray<{ readonly type: string; readonly arns: ReadonlyArray<string> }>
  readonly actions: ReadonlyArray<OffboardingAction>
}

const DAY_MS = 24 * 60 * 60 * 1000

export const planOffboarding = (
  customer: Customer,
  placement: Placement,
  resources: ReadonlyArray<TenantResource>,
  settings: TenancySettings,
  now: Date
): OffboardingReport => {
  const mine = resources.filter((resource) => resource.accountId === placement.accountId)
  const grouped = groupByType(mine).map(([type, list]) => ({ type, arns: list.map((resource) => resource.arn) }))
  const actions: ReadonlyArray<OffboardingAction> =
    placement.model === "Silo"
      ? [
          { _tag: "MoveAccount", accountId: placement.accountId, toOu: settings.suspendedOu },
          { _tag: "CloseAccount", accountId: placement.accountId, note: "AWS keeps a closed account suspended for 90 days before it is gone for good" }
        ]
      : [
          { _tag: "RemoveFromPool", accountId: placement.accountId },
          {
            _tag: "ScheduleDataDeletion",
            accountId: placement.accountId,
            at: new Date(now.getTime() + settings.dataRetentionDays * DAY_MS),
            resources: mine.map((resource) => resource.arn)
          }
        ]
  return { customerId: customer.id, model: placement.model, accountId: placement.accountId, resources: grouped, actions }
}

/** The report as text: resources by type, then what will be done. */
export const renderOffboarding = (report: OffboardingReport): string =>
  [
    `Offboarding ${report.customerId} (${report.model} in ${report.accountId})`,
    `Resources tagged ${CUSTOMER_TAG}=${report.customerId}: ${report.resources.reduce((n, group) => n + group.arns.length, 0)}`,
    ...report.resources.flatMap((group) => [`  ${group.type}`, ...group.arns.map((arn) => `    ${arn}`)]),
    "Actions:",
    ...report.actions.map((action) => {
      switch (action._tag) {
        case "MoveAccount":
          return `  move account ${action.accountId} to OU ${action.toOu}`
        case "CloseAccount":
          return `  close account ${action.accountId} (${action.note})`
        case "RemoveFromPool":
          return `  remove the customer from pool ${action.accountId} (frees one place)`
        case "ScheduleDataDeletion":
          return `  delete ${action.resources.length} resources in ${action.accountId} on ${action.at.toISOString().slice(0, 10)}`
      }
    })
  ].join("\n")
