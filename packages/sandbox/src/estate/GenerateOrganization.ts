/**
 * The organization of the estate: the SPEC's reference OU tree (Security,
 * Infrastructure, Production, Non-Production with Staging / Development /
 * Sandbox, Workloads with Pools / VIP), a management account and member
 * accounts with unique 12-digit ids, and the customers whose resources carry
 * their id in the CostCenter tag.
 */
import type { Account, AccountRole, Customer, Environment, Organization, OrganizationalUnit } from "./Organization.js"
import type { Prng } from "./Prng.js"

export interface OrganizationPlan {
  readonly memberAccounts: number
  readonly customers: number
  readonly asOf: number
}

const DAY = 86_400_000

const unitTree: ReadonlyArray<readonly [name: string, parent: string | undefined]> = [
  ["Security", undefined],
  ["Infrastructure", undefined],
  ["Production", undefined],
  ["Non-Production", undefined],
  ["Staging", "Non-Production"],
  ["Development", "Non-Production"],
  ["Sandbox", "Non-Production"],
  ["Workloads", undefined],
  ["Pools", "Workloads"],
  ["VIP", "Workloads"]
]

const COMPANY = ["acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell", "cyberdyne", "soylent"]
const SUFFIX = ["corp", "labs", "retail", "health", "media", "logistics", "bank", "games"]

export interface GeneratedOrganization {
  readonly organization: Organization
  readonly customers: Array<Customer>
}

export const generateOrganization = (rng: Prng, plan: OrganizationPlan): GeneratedOrganization => {
  const orgId = `o-${rng.alnum(10)}`
  const rootId = `r-${rng.alnum(4)}`
  const usedIds = new Set<string>()
  const accountId = (): string => {
    for (;;) {
      const id = String(rng.int(100_000_000_000, 999_999_999_999))
      if (!usedIds.has(id)) {
        usedIds.add(id)
        return id
      }
    }
  }
  const managementAccountId = accountId()
  const managementEmail = `aws-management@example.com`
  const unitIds = new Map<string, string>()
  const units: Array<OrganizationalUnit> = unitTree.map(([name, parent]) => {
    const id = `ou-${rootId.slice(2)}-${rng.alnum(8)}`
    unitIds.set(name, id)
    return {
      id,
      name,
      arn: `arn:aws:organizations::${managementAccountId}:ou/${orgId}/${id}`,
      parentId: parent === undefined ? rootId : (unitIds.get(parent) ?? rootId)
    }
  })
  const ou = (name: string): string => unitIds.get(name) ?? rootId

  const customers: Array<Customer> = Array.from({ length: plan.customers }, (_, i) => ({
    id: `cust-${String(i + 1).padStart(4, "0")}`,
    name: `${rng.pick(COMPANY)}-${rng.pick(SUFFIX)}-${i + 1}`,
    // Every fifth customer is big enough for its own account (SPEC: above $1,000/month -> silo).
    tenancy: i % 5 === 0 ? "silo" : "pool"
  }))

  const accounts: Array<Account> = []
  const addAccount = (name: string, role: AccountRole, parent: string, environment: Environment, id: string, customerId?: string): void => {
    accounts.push({
      id,
      arn: `arn:aws:organizations::${managementAccountId}:account/${orgId}/${id}`,
      name,
      email: `aws+${name}@example.com`,
      parentId: parent,
      role,
      environment,
      joinedAt: plan.asOf - rng.int(30, 1500) * DAY,
      ...(customerId === undefined ? {} : { customerId })
    })
  }
  addAccount("management", "management", rootId, "prod", managementAccountId)
  const fixed: ReadonlyArray<readonly [string, AccountRole, string]> = [
    ["security-audit", "security", "Security"],
    ["log-archive", "security", "Security"],
    ["shared-services", "infrastructure", "Infrastructure"]
  ]
  for (const [name, role, parent] of fixed.slice(0, Math.min(fixed.length, plan.memberAccounts))) {
    addAccount(name, role, ou(parent), "prod", accountId())
  }
  const silos = customers.filter((c) => c.tenancy === "silo")
  const cycle: ReadonlyArray<readonly [AccountRole, string, Environment]> = [
    ["workload", "Production", "prod"],
    ["pool", "Pools", "prod"],
    ["silo", "VIP", "prod"],
    ["workload", "Staging", "staging"],
    ["workload", "Development", "dev"],
    ["workload", "Production", "prod"],
    ["silo", "VIP", "prod"],
    ["sandbox", "Sandbox", "dev"]
  ]
  const counters = new Map<string, number>()
  let siloIndex = 0
  for (let i = 0; accounts.length - 1 < plan.memberAccounts; i++) {
    const [role, parent, environment] = cycle[i % cycle.length] ?? ["workload", "Production", "prod"]
    const silo = role === "silo" ? silos[siloIndex++] : undefined
    if (role === "silo" && silo === undefined) continue
    const n = (counters.get(parent) ?? 0) + 1
    counters.set(parent, n)
    const name = silo !== undefined ? `vip-${silo.id}` : `${parent.toLowerCase()}-${String(n).padStart(2, "0")}`
    addAccount(name, role, ou(parent), environment, accountId(), silo?.id)
    if (i > plan.memberAccounts * 4) break
  }
  // A silo customer without an account (too few accounts at this size) is served from a pool.
  const withAccount = new Set(accounts.flatMap((a) => (a.customerId === undefined ? [] : [a.customerId])))
  const finalCustomers = customers.map((c) => (c.tenancy === "silo" && !withAccount.has(c.id) ? { ...c, tenancy: "pool" as const } : c))

  return {
    organization: {
      id: orgId,
      arn: `arn:aws:organizations::${managementAccountId}:organization/${orgId}`,
      rootId,
      managementAccountId,
      managementEmail,
      units,
      accounts
    },
    customers: finalCustomers
  }
}
