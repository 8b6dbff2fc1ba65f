/**
 * The generated estate as the sandbox core sees it (`Estate`: organization
 * seed, regions, metric and cost sources), with the generated data beside it
 * for the resource services, tests and benchmarks.
 */
import type { AccountSeed, Estate } from "../EstateContract.js"
import { estateCosts } from "./EstateCosts.js"
import { type EstateData, noResources } from "./EstateData.js"
import { estateMetrics } from "./EstateMetrics.js"
import { generateEstate, type EstateOptions } from "./GenerateEstate.js"
import type { Account, Organization } from "./Organization.js"

export interface SandboxEstate extends Estate {
  /** The generated resources, mutated in place by the sandbox's services. */
  readonly data: EstateData
}

const ouPaths = (org: Organization): Map<string, string> => {
  const paths = new Map<string, string>([[org.rootId, ""]])
  // Units are listed parents first, so one pass resolves every path.
  for (const unit of org.units) {
    const parent = paths.get(unit.parentId) ?? ""
    paths.set(unit.id, parent === "" ? unit.name : `${parent}/${unit.name}`)
  }
  return paths
}

const accountSeed = (account: Account, paths: Map<string, string>): AccountSeed => ({
  id: account.id,
  name: account.name,
  email: account.email,
  ouPath: paths.get(account.parentId) ?? "",
  status: "ACTIVE",
  joined: new Date(account.joinedAt),
  tags: {
    Environment: account.environment,
    ...(account.customerId === undefined ? {} : { CostCenter: account.customerId })
  }
})

/** Wraps existing estate data (e.g. one a test built or changed) for the sandbox. */
export const makeSandboxEstate = (data: EstateData): SandboxEstate => {
  const org = data.organization
  const paths = ouPaths(org)
  const management = org.accounts.find((a) => a.id === org.managementAccountId)
  if (management === undefined) throw new Error("estate has no management account")
  return {
    data,
    regions: data.regions,
    organization: {
      managementAccount: { ...accountSeed(management, paths), email: org.managementEmail },
      members: org.accounts.filter((a) => a.id !== org.managementAccountId).map((a) => accountSeed(a, paths)),
      ouPaths: org.units.map((u) => paths.get(u.id) ?? u.name)
    },
    metrics: estateMetrics(data),
    costs: estateCosts(data)
  }
}

/** Generates a seeded estate and wraps it for the sandbox. */
export const sandboxEstate = (options: EstateOptions = {}): SandboxEstate => makeSandboxEstate(generateEstate(options))

const emptyData = (regions: ReadonlyArray<string>, management: AccountSeed): EstateData => ({
  seed: 0,
  size: "tiny",
  asOf: 0,
  regions,
  organization: {
    id: "o-sandbox000",
    arn: "",
    rootId: "r-0000",
    managementAccountId: management.id,
    managementEmail: management.email,
    units: [],
    accounts: []
  },
  customers: [],
  ...noResources()
})

const isEstateData = (value: unknown): value is EstateData =>
  typeof value === "object" && value !== null && Array.isArray((value as { instances?: unknown }).instances)

/**
 * The generated data behind a sandbox estate, or an empty estate's data when
 * the sandbox was started with a hand-made `Estate`: the resource services
 * then serve empty lists instead of failing.
 */
export const estateDataOf = (estate: Estate): EstateData => {
  const data: unknown = (estate as { data?: unknown }).data
  return isEstateData(data) ? data : emptyData(estate.regions, estate.organization.managementAccount)
}
