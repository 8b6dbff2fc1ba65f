/**
 * A workload is one application of one environment in one account and region:
 * the unit the generator repeats until the estate has enough resources. It
 * decides the tags every resource of the workload carries, and holds the
 * per-account-region network (VPC, subnets, default security group).
 */
import type { EstateData } from "./EstateData.js"
import type { Account, Customer, Environment } from "./Organization.js"
import type { Prng } from "./Prng.js"
import type { Tags } from "./Tags.js"

export interface Network {
  readonly vpcId: string
  readonly subnetIds: ReadonlyArray<string>
  readonly availabilityZones: ReadonlyArray<string>
  readonly cidrPrefix: string
}

export interface Workload {
  readonly account: Account
  readonly region: string
  readonly environment: Environment
  readonly application: string
  readonly network: Network
  /** The tags to put on a resource: drawn per resource so some are missing. */
  readonly tags: () => Tags
}

/** Mutable scratch space of one generation run; discarded afterwards. */
export interface GenerationContext {
  readonly rng: Prng
  readonly estate: EstateData
  readonly networks: Map<string, Network>
  readonly counters: Map<string, number>
}

const APPLICATIONS = ["checkout", "search", "billing", "catalog", "auth", "reporting", "ingest", "notifications", "analytics", "web"]
const OWNERS = ["platform-team", "data-team", "web-team", "payments-team", "sre-team"]
const INTERNAL_COST_CENTERS = ["CC-1001", "CC-1002", "CC-2040", "CC-3300"]

export const nextCounter = (ctx: GenerationContext, key: string): number => {
  const n = (ctx.counters.get(key) ?? 0) + 1
  ctx.counters.set(key, n)
  return n
}

const networkFor = (ctx: GenerationContext, account: Account, region: string): Network => {
  const key = `${account.id}/${region}`
  const existing = ctx.networks.get(key)
  if (existing !== undefined) return existing
  const { rng } = ctx
  const availabilityZones = ["a", "b", "c"].map((z) => `${region}${z}`)
  const network: Network = {
    vpcId: `vpc-${rng.hex(17)}`,
    subnetIds: availabilityZones.map(() => `subnet-${rng.hex(17)}`),
    availabilityZones,
    cidrPrefix: `10.${rng.int(0, 255)}`
  }
  ctx.networks.set(key, network)
  return network
}

const REGION_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ["us-east-1", 5],
  ["us-west-2", 2],
  ["eu-west-1", 2],
  ["ap-northeast-1", 1]
]

export const drawWorkload = (ctx: GenerationContext, accounts: ReadonlyArray<Account>, customers: ReadonlyArray<Customer>): Workload => {
  const { rng } = ctx
  const account = rng.pick(accounts)
  const region = rng.weighted(REGION_WEIGHTS.filter(([r]) => ctx.estate.regions.includes(r)))
  const application = rng.pick(APPLICATIONS)
  const owner = rng.pick(OWNERS)
  const poolCustomers = customers.filter((c) => c.tenancy === "pool")
  const costCenter =
    account.customerId ?? (account.role === "pool" && poolCustomers.length > 0 ? rng.pick(poolCustomers).id : rng.pick(INTERNAL_COST_CENTERS))
  const environment = account.environment
  const tags = (): Tags => {
    const roll = rng.next()
    // About one resource in eight is untagged, one in eight misses some required tags.
    if (roll < 0.12) return {}
    const all: Tags = { Name: `${application}-${environment}-${nextCounter(ctx, `${account.id}/${application}`)}`, CostCenter: costCenter, Environment: environment, Application: application, Owner: owner }
    if (roll < 0.24) {
      const { Owner: _owner, CostCenter: _cc, ...rest } = all
      return rng.chance(0.5) ? { ...rest, CostCenter: costCenter } : rest
    }
    return all
  }
  return { account, region, environment, application, network: networkFor(ctx, account, region), tags }
}
