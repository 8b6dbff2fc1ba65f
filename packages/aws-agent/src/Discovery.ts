/**
 * θ1 Discovery: inventories accounts x regions x services concurrently
 * (within aws-runtime's request budget), attaches utilization and monthly
 * cost, evaluates findings and the security score, and returns the
 * `WorldState`. A unit that fails (access denied, a region not opted in)
 * becomes a coverage entry and discovery goes on.
 */
import { type AwsError, AwsClients } from "@miyabi/aws-runtime"
import {
  AccountId,
  CoverageEntry,
  type CoverageRegion,
  MicroUsd,
  Region,
  type Resource,
  WORLD_STATE_SCHEMA_VERSION,
  WorldState
} from "@miyabi/types"
import { Clock, Effect, Option, Ref } from "effect"
import { CloudFrontInventory } from "./adapters/CloudFrontInventory.js"
import { DynamoDbInventory } from "./adapters/DynamoDbInventory.js"
import { Ec2Inventory } from "./adapters/Ec2Inventory.js"
import { EcsInventory } from "./adapters/EcsInventory.js"
import type { InventoryTarget, ServiceInventory } from "./adapters/Inventory.js"
import { LambdaInventory } from "./adapters/LambdaInventory.js"
import { RdsInventory } from "./adapters/RdsInventory.js"
import { S3Inventory } from "./adapters/S3Inventory.js"
import { ScalingInventory } from "./adapters/ScalingInventory.js"
import type { DiscoveryAdapters } from "./discovery/Adapters.js"
import { coverageStatus } from "./discovery/Coverage.js"
import { CacheEntry, cacheKey, DiscoveryCache } from "./discovery/DiscoveryCache.js"
import type { OnProgress } from "./discovery/Progress.js"
import { discoveryScope, type DiscoveryScopeError } from "./discovery/Scope.js"
import { makeUtilizationPass, placeKey } from "./discovery/UtilizationPass.js"
import { evaluate, securityScore } from "./findings/Findings.js"
import { CurrentCatalog, monthlyCost, type PriceCatalog, shipped } from "./pricing/PricingCatalog.js"
import { patchResource } from "./ResourcePatch.js"
import type { MetricStats } from "./utilization/MetricStats.js"
import { DEFAULT_WINDOW_DAYS } from "./utilization/UtilizationReader.js"

export { layer as adaptersLayer, type DiscoveryAdapters } from "./discovery/Adapters.js"
export type { OnProgress, ProgressEvent } from "./discovery/Progress.js"
export { DiscoveryScopeError } from "./discovery/Scope.js"

export const DEFAULT_CONCURRENCY = 256

/** Every service discovery knows, by SDK id. */
export const ALL_SERVICES = ["ec2", "s3", "rds", "lambda", "ecs", "dynamodb", "elastic-load-balancing-v2", "auto-scaling", "cloudfront"] as const

export interface DiscoveryOptions {
  /** Default: the organization's ACTIVE accounts (ListAccounts), or the caller's own account outside an organization. */
  readonly accounts?: ReadonlyArray<string>
  /** Default: the regions enabled in the caller's account (DescribeRegions). Given ones must be Regions AWS lists (else DiscoveryScopeError). */
  readonly regions?: ReadonlyArray<string>
  /** Default: ALL_SERVICES. */
  readonly services?: ReadonlyArray<string>
  /**
   * Units (account, region, service) read at once. Default 256: a unit is a
   * fiber, cheap to hold, and most units spend their time waiting on a call;
   * the request budget (in-flight cap and per-service token buckets) is what
   * bounds the calls, so more units than the cap keep the cap full.
   */
  readonly concurrency?: number
  /** CloudWatch utilization; default on, over 14 days. */
  readonly utilization?: false | { readonly windowDays?: number; readonly end?: Date }
  /** Reuse cache entries younger than this (ms); needs a DiscoveryCache in context. Default: no reuse. */
  readonly cacheTtlMs?: number
  readonly onProgress?: OnProgress
}

export interface DiscoveryResult {
  readonly world: WorldState
  /** p50/p95/max/avg of each measured resource's main series, by ARN. */
  readonly utilizationStats: ReadonlyMap<string, MetricStats>
  readonly cloudWatchCalls: number
}

interface Unit {
  readonly account: AccountId
  /** Where the client goes; "global" units read from the first region. */
  readonly target: InventoryTarget
  readonly coverageRegion: CoverageRegion
  readonly inventory: ServiceInventory
}

interface UnitOutcome {
  readonly unit: Unit
  readonly resources: ReadonlyArray<Resource>
  readonly coverage: CoverageEntry
  readonly reused: boolean
}

const inventories = Effect.gen(function* () {
  const ec2 = yield* Ec2Inventory
  const scaling = yield* ScalingInventory
  return [
    ec2.inventory,
    (yield* S3Inventory).inventory,
    (yield* RdsInventory).inventory,
    (yield* LambdaInventory).inventory,
    (yield* EcsInventory).inventory,
    (yield* DynamoDbInventory).inventory,
    scaling.loadBalancerInventory,
    scaling.autoScalingInventory,
    (yield* CloudFrontInventory).inventory
  ] satisfies ReadonlyArray<ServiceInventory>
})

/** Accounts and regions to walk, asked from AWS when not given. */
const readUnit = (unit: Unit, regions: ReadonlySet<string>): Effect.Effect<UnitOutcome> =>
  unit.inventory.discover(unit.target).pipe(
    Effect.map((found): UnitOutcome => {
      // Buckets live in regions; keep those of the regions asked for. CloudFront is global: always kept.
      const resources = found.filter((r) => r.kind !== "s3-bucket" || regions.has(r.region))
      return { unit, resources, reused: false, coverage: CoverageEntry.make({ account: unit.account, region: unit.coverageRegion, service: unit.inventory.service, status: "ok", resources: resources.length }, true) }
    }),
    Effect.catchAll((error: AwsError) =>
      Effect.as(
        Effect.logWarning(`discovery of ${unit.inventory.service} in ${unit.account}/${unit.coverageRegion} failed: ${error.message}`),
        {
          unit,
          resources: [],
          reused: false,
          coverage: CoverageEntry.make({ account: unit.account, region: unit.coverageRegion, service: unit.inventory.service, status: coverageStatus(error), reason: `${error.reason}: ${error.code}`, resources: 0 }, true)
        } satisfies UnitOutcome
      )
    ),
    Effect.withSpan("Discovery.unit", { attributes: { service: unit.inventory.service, account: unit.account, region: unit.coverageRegion } })
  )

const averageUtilization = (resources: ReadonlyArray<Resource>): number => {
  const measured = resources.flatMap((r) => (r.utilization?.metric === "CPUUtilization" && r.utilization.datapoints > 0 ? [r.utilization.averagePercent] : []))
  return measured.length === 0 ? 0 : Math.round((measured.reduce((a, b) => a + b, 0) / measured.length) * 100) / 100
}

/** Prices, evaluates and assembles the world from discovered resources (pure). */
export const assemble = (input: {
  readonly resources: ReadonlyArray<Resource>
  readonly coverage: ReadonlyArray<CoverageEntry>
  readonly accounts: ReadonlyArray<AccountId>
  readonly regions: ReadonlyArray<Region>
  readonly catalog: PriceCatalog
  readonly timestamp: Date
}): WorldState => {
  const priced = input.resources.map((r) => {
    const cost = monthlyCost(input.catalog, r)
    return cost === r.monthlyCost ? r : patchResource(r, { monthlyCost: cost })
  })
  const findings = evaluate(priced, input.catalog)
  return WorldState.make({
    schemaVersion: WORLD_STATE_SCHEMA_VERSION,
    timestamp: input.timestamp,
    accounts: input.accounts,
    regions: input.regions,
    resources: priced,
    monthlyCost: MicroUsd.make(priced.reduce((a, r) => a + r.monthlyCost, 0)),
    securityScore: securityScore(priced, findings),
    averageUtilization: averageUtilization(priced),
    findings,
    coverage: input.coverage
  }, true)
}

export const run = (
  options: DiscoveryOptions = {}
): Effect.Effect<DiscoveryResult, AwsError | DiscoveryScopeError, DiscoveryAdapters | AwsClients.AwsClients> =>
  Effect.gen(function* () {
    const { accounts, regions } = yield* discoveryScope(options)
    const wanted = new Set(options.services ?? ALL_SERVICES)
    const all = (yield* inventories).filter((i) => wanted.has(i.service))
    const catalog = Option.getOrElse(yield* Effect.serviceOption(CurrentCatalog), () => shipped)
    const cache = yield* Effect.serviceOption(DiscoveryCache)
    const home = regions[0] ?? Region.make("us-east-1")
    const units: Array<Unit> = accounts.flatMap((account) =>
      all.flatMap((inventory): Array<Unit> =>
        inventory.scope === "global"
          ? [{ account, target: { account, region: home }, coverageRegion: "global", inventory }]
          : regions.map((region) => ({ account, target: { account, region }, coverageRegion: region, inventory }))
      )
    )
    const done = yield* Ref.make(0)
    const now = yield* Clock.currentTimeMillis
    const regionSet = new Set<string>(regions)
    const keyOf = (u: Unit) => cacheKey(u.account, u.coverageRegion, u.inventory.service)

    const fromCache = (unit: Unit): Effect.Effect<Option.Option<UnitOutcome>> =>
      Option.isNone(cache) || options.cacheTtlMs === undefined
        ? Effect.succeedNone
        : Effect.map(cache.value.get(keyOf(unit)), (entry) =>
            Option.filter(entry, (e) => now - e.storedAt <= (options.cacheTtlMs ?? 0)).pipe(
              Option.map((e): UnitOutcome => ({
                unit,
                resources: e.resources,
                reused: true,
                coverage: CoverageEntry.make({ account: unit.account, region: unit.coverageRegion, service: unit.inventory.service, status: "ok", resources: e.resources.length, reused: true }, true)
              }))
            )
          )

    // Utilization is read per (account, region) as soon as that place's regional units are in (UtilizationPass).
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY
    const unitsPerPlace = new Map<string, number>()
    for (const u of units) {
      if (u.inventory.scope === "regional") unitsPerPlace.set(placeKey(u.account, u.coverageRegion), (unitsPerPlace.get(placeKey(u.account, u.coverageRegion)) ?? 0) + 1)
    }
    const utilization = options.utilization === false
      ? undefined
      : yield* makeUtilizationPass(
          unitsPerPlace,
          {
            windowDays: options.utilization?.windowDays ?? DEFAULT_WINDOW_DAYS,
            ...(options.utilization?.end === undefined ? {} : { end: options.utilization.end })
          },
          concurrency
        )

    const outcomes = yield* Effect.forEach(
      units,
      (unit) =>
        Effect.gen(function* () {
          const outcome = Option.getOrUndefined(yield* fromCache(unit)) ?? (yield* readUnit(unit, regionSet))
          const n = yield* Ref.updateAndGet(done, (k) => k + 1)
          if (options.onProgress !== undefined) {
            yield* options.onProgress({
              done: n,
              total: units.length,
              account: unit.account,
              region: unit.coverageRegion,
              service: unit.inventory.service,
              status: outcome.coverage.status,
              resources: outcome.resources.length,
              reused: outcome.reused
            })
          }
          if (utilization !== undefined) {
            yield* utilization.unitDone(unit.inventory.scope === "global" ? undefined : placeKey(unit.account, unit.coverageRegion), outcome.resources, !outcome.reused)
          }
          return outcome
        }),
      { concurrency }
    )
    const read = utilization === undefined ? undefined : yield* utilization.finish
    const measured = read?.measured ?? new Map<string, Resource>()
    const finals = outcomes.map((o) => ({ ...o, resources: o.reused ? o.resources : o.resources.map((r) => measured.get(r.arn) ?? r) }))

    if (Option.isSome(cache)) {
      const store = cache.value
      yield* Effect.forEach(finals, (o) => (o.reused || o.coverage.status !== "ok" ? Effect.void : store.set(keyOf(o.unit), CacheEntry.make({ storedAt: now, resources: o.resources }, true))), { discard: true })
      yield* store.flush
    }

    const world = assemble({
      resources: finals.flatMap((o) => o.resources),
      coverage: [...finals.map((o) => o.coverage), ...(read?.coverage ?? [])],
      accounts,
      regions,
      catalog,
      timestamp: new Date(now)
    })
    yield* Effect.logInfo(`discovered ${world.resources.length} resources in ${accounts.length} accounts x ${regions.length} regions`)
    return { world, utilizationStats: read?.stats ?? new Map(), cloudWatchCalls: read?.calls ?? 0 }
  }).pipe(Effect.withSpan("Discovery.run"))
