/**
 * The numbers and names tenancy works with (SPEC.md section 2): pool size,
 * per-customer costs of each model, the silo threshold, data retention, and
 * how new pool, silo and bridge accounts are named and where they go.
 */
import { Money, Region, type MicroUsd, type TenancyModel } from "@miyabi/types"
import type { TenancySpec } from "../spec/SpecDocument.js"

export interface AccountNaming {
  readonly ou: string
  /** "{n}" is the pool number, "{customer}" the customer id. */
  readonly accountName: string
  readonly email: string
}

export interface TenancySettings {
  /** Customers per pool account (the design's Phase-2 figure is 50). */
  readonly poolCapacity: number
  readonly bridgeCapacity: number
  readonly costs: {
    readonly perCustomer: { readonly [model in TenancyModel]: MicroUsd }
    /** What one pool account costs a month whatever its size. */
    readonly poolFixed: MicroUsd
    /** Above this monthly cost a customer is advised to move to a silo. */
    readonly siloThreshold: MicroUsd
  }
  /** Days a departed pool customer's data is kept before deletion. */
  readonly dataRetentionDays: number
  readonly naming: { readonly [model in TenancyModel]: AccountNaming }
  readonly suspendedOu: string
  /** Where a customer's tagged resources are looked for at offboarding (the SPEC's allowed regions). */
  readonly regions: ReadonlyArray<Region>
}

export const defaultTenancySettings: TenancySettings = {
  poolCapacity: 100,
  bridgeCapacity: 20,
  costs: {
    perCustomer: { Silo: Money.fromUsd(50), Pool: Money.fromUsd(5), Bridge: Money.fromUsd(15) },
    poolFixed: Money.fromUsd(500),
    siloThreshold: Money.fromUsd(1_000)
  },
  dataRetentionDays: 30,
  naming: {
    Pool: { ou: "Workloads/Pools", accountName: "pool-{n}", email: "aws+pool-{n}@example.com" },
    Silo: { ou: "Workloads/VIP", accountName: "silo-{customer}", email: "aws+silo-{customer}@example.com" },
    Bridge: { ou: "Workloads/Pools", accountName: "bridge-{n}", email: "aws+bridge-{n}@example.com" }
  },
  suspendedOu: "Suspended",
  regions: ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"].map((region) => Region.make(region))
}

/** Settings from a spec's `tenancy:` section, defaults for what it leaves out. */
export const settingsFromSpec = (tenancy: TenancySpec | undefined, overrides: Partial<TenancySettings> = {}): TenancySettings => {
  const base = defaultTenancySettings
  if (tenancy === undefined) return { ...base, ...overrides }
  const naming = (spec: { readonly ou: string; readonly accountName: string; readonly email: string }): AccountNaming => ({ ou: spec.ou, accountName: spec.accountName, email: spec.email })
  return {
    ...base,
    poolCapacity: tenancy.pool.capacity,
    bridgeCapacity: tenancy.bridge?.capacity ?? base.bridgeCapacity,
    naming: { Pool: naming(tenancy.pool), Silo: naming(tenancy.silo), Bridge: tenancy.bridge === undefined ? base.naming.Bridge : naming(tenancy.bridge) },
    suspendedOu: tenancy.suspendedOu,
    ...overrides
  }
}

/** A customer id made safe for account names and e-mail local parts. */
const slug = (customer: string) => customer.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "")

/** Fills a naming template; account names are cut to AWS's 50 characters. */
export const accountNameFor = (naming: AccountNaming, values: { readonly n?: number; readonly customer?: string }) => {
  const fill = (template: string) => template.replace(/\{n\}/g, String(values.n ?? "")).replace(/\{customer\}/g, slug(values.customer ?? ""))
  return { name: fill(naming.accountName).slice(0, 50), email: fill(naming.email), ou: naming.ou }
}
