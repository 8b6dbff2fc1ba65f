/**
 * The seeded estate generator: the same options always give the same estate
 * (deep-equal), a different seed gives a different one. It repeats workloads
 * (an application of one environment in one account and region) until the
 * estate holds the requested number of resources.
 */
import { generateAddress, generateInstance, generateSecurityGroup, generateStrayVolume } from "./Compute.js"
import { generateEcsService, generateFunction } from "./Containers.js"
import { ensureCoverage } from "./Coverage.js"
import { generateBucket, generateDbInstance } from "./DataStores.js"
import { type EstateData, type EstateSize, noResources } from "./EstateData.js"
import { generateOrganization } from "./GenerateOrganization.js"
import type { Instance } from "./Instance.js"
import { makePrng } from "./Prng.js"
import { generateScalingAndEdge } from "./ScalingAndEdge.js"
import { findingsOf } from "./Truth.js"
import { drawWorkload, type GenerationContext } from "./Workload.js"

export interface EstateOptions {
  readonly seed?: number
  readonly size?: EstateSize
  /** Overrides the size's resource count (benchmarks use 10,000 and more). */
  readonly resources?: number
  /** Overrides the size's number of member accounts. */
  readonly accounts?: number
  /** The estate's "now" in epoch ms; fixed by default so estates are reproducible. */
  readonly asOf?: number
  readonly regions?: ReadonlyArray<string>
  /** Load balancers, auto scaling groups, CloudFront distributions and DynamoDB tables; default true. */
  readonly scalingAndEdge?: boolean
}

interface SizePlan {
  readonly resources: number
  readonly accounts: number
  readonly customers: number
}

export const sizePlans: Record<EstateSize, SizePlan> = {
  tiny: { resources: 50, accounts: 6, customers: 6 },
  small: { resources: 400, accounts: 14, customers: 20 },
  medium: { resources: 2_000, accounts: 40, customers: 80 },
  large: { resources: 10_000, accounts: 120, customers: 300 }
}

/** 2026-11-01T00:00:00Z. */
export const DEFAULT_AS_OF = Date.UTC(2026, 10, 1)

export const DEFAULT_REGIONS: ReadonlyArray<string> = ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"]

/**
 * Resources the generator counts toward the requested size. Load balancers,
 * auto scaling groups, distributions and tables are added on top (about one
 * in twenty more), so that estates of a seed kept their earlier resources.
 */
export const resourceCount = (estate: EstateData): number =>
  estate.instances.length +
  estate.volumes.length +
  estate.addresses.length +
  estate.securityGroups.length +
  estate.buckets.length +
  estate.dbInstances.length +
  estate.functions.length +
  estate.services.length

export const generateEstate = (options: EstateOptions = {}): EstateData => {
  const seed = options.seed ?? 1
  const size = options.size ?? "small"
  const plan = sizePlans[size]
  const target = Math.max(1, options.resources ?? plan.resources)
  const asOf = options.asOf ?? DEFAULT_AS_OF
  const rng = makePrng(seed)
  const { organization, customers } = generateOrganization(rng, {
    memberAccounts: options.accounts ?? Math.max(plan.accounts, Math.ceil(target / 100)),
    customers: plan.customers,
    asOf
  })
  const estate: EstateData = {
    seed,
    size,
    asOf,
    regions: [...(options.regions ?? DEFAULT_REGIONS)],
    organization,
    customers,
    ...noResources()
  }
  const ctx: GenerationContext = { rng, estate, networks: new Map(), counters: new Map() }
  // Security and log-archive accounts hold no workloads; shared-services does.
  const hosts = organization.accounts.filter((a) => a.role !== "management" && a.role !== "security")
  const candidates = hosts.length > 0 ? hosts : organization.accounts

  // Each workload adds at least one resource (its security group), so this ends.
  while (resourceCount(estate) < target) {
    const w = drawWorkload(ctx, candidates, customers)
    const sg = generateSecurityGroup(ctx, w)
    const instances: Array<Instance> = []
    const n = rng.weighted([[0, 1], [1, 5], [2, 3], [3, 1]])
    for (let i = 0; i < n; i++) instances.push(generateInstance(ctx, w, sg))
    if (rng.chance(0.2)) generateStrayVolume(ctx, w)
    if (rng.chance(0.3)) generateAddress(ctx, w, instances[0])
    if (rng.chance(0.08)) generateAddress(ctx, w, undefined)
    if (rng.chance(0.45)) generateBucket(ctx, w)
    if (rng.chance(w.environment === "dev" ? 0.08 : 0.22)) generateDbInstance(ctx, w)
    const functions = rng.weighted([[0, 3], [1, 3], [2, 2], [3, 1]])
    for (let i = 0; i < functions; i++) generateFunction(ctx, w)
    if (rng.chance(0.25)) generateEcsService(ctx, w, sg)
  }
  ensureCoverage(ctx, candidates, customers)
  // Load balancers, auto scaling groups, distributions and tables come last, from their own draw, around what is there.
  if (options.scalingAndEdge !== false) generateScalingAndEdge(ctx)
  return { ...estate, truth: findingsOf(estate) }
}
