/**
 * The pricing catalog: instance type facts (vCPU, memory, generation) and
 * prices per region, shipped as data (`shipped`) or rebuilt from the Price
 * List API (`RefreshFromPriceList.ts`), and the monthly cost of a resource
 * priced from it. Prices are integer micro-dollars; a month is 730 hours.
 */
import { MicroUsd, type Resource } from "@miyabi/types"
import { Context, Layer, Schema } from "effect"
import { INSTANCE_FACTS } from "./InstanceFacts.generated.js"
import * as List from "./ListPrices.js"

export class InstanceTypeInfo extends Schema.Class<InstanceTypeInfo>("InstanceTypeInfo")({
  name: Schema.String,
  category: Schema.String,
  vcpus: Schema.Number,
  memoryGiB: Schema.Number,
  currentGeneration: Schema.Boolean
}) {}

/**
 * Prices are keyed "<kind>:<region>:<name>": `ec2:us-east-1:m5.large`
 * (hourly), `ebs:us-east-1:gp3` (GiB-month), `rds:us-east-1:db.m5.large`
 * (hourly, Single-AZ). A region without a key falls back to us-east-1 times
 * the region's multiplier.
 */
export class PriceCatalog extends Schema.Class<PriceCatalog>("PriceCatalog")({
  source: Schema.String,
  /** When the prices were read (ISO date). */
  date: Schema.String,
  instanceTypes: Schema.Array(InstanceTypeInfo),
  prices: Schema.Record({ key: Schema.String, value: Schema.Number })
}) {}

export const PriceCatalogJson = Schema.parseJson(PriceCatalog)

/** The catalog in use, provided by the app (shipped, or refreshed from a file). */
export class CurrentCatalog extends Context.Tag("@miyabi/aws-agent/CurrentCatalog")<CurrentCatalog, PriceCatalog>() {}

export const layer = (catalog: PriceCatalog): Layer.Layer<CurrentCatalog> => Layer.succeed(CurrentCatalog, catalog)

const familyOf = (type: string): string => type.split(".")[0] ?? type
const sizeOf = (type: string): string => type.split(".")[1] ?? "large"

/** The list-price estimate of an instance type in us-east-1 (see ListPrices.ts for how rough it is). */
export const estimatedHourly = (info: InstanceTypeInfo): number => {
  const large = List.EC2_LARGE_HOURLY[familyOf(info.name)]
  const size = sizeOf(info.name)
  // Burstable micro/nano sizes have 2 vCPUs but cost a fraction of .large; named sizes go by name.
  const factor = List.SIZE_FACTOR[size] ?? info.vcpus / 2
  if (large !== undefined) return Math.round(large * factor)
  return Math.round((List.EC2_VCPU_HOUR_ESTIMATE[info.category] ?? 48_000) * info.vcpus)
}

const instanceTypes: ReadonlyArray<InstanceTypeInfo> = INSTANCE_FACTS.map(([name, category, vcpus, memoryGiB, previous]) =>
  InstanceTypeInfo.make({
    name,
    category,
    vcpus,
    memoryGiB,
    // AWS still lists t2 as current, but t3 is cheaper at every size; we flag it like m4/c4/r4 so it gets a finding.
    currentGeneration: previous === 0 && familyOf(name) !== "t2"
  })
)

const shippedPrices = (): Record<string, number> => {
  const prices: Record<string, number> = {}
  for (const region of List.REFERENCE_REGIONS) {
    const m = List.REGION_MULTIPLIER[region] ?? 1
    for (const info of instanceTypes) prices[`ec2:${region}:${info.name}`] = Math.round(estimatedHourly(info) * m)
    for (const [type, price] of Object.entries(List.EBS_GB_MONTH)) prices[`ebs:${region}:${type}`] = Math.round(price * m)
    for (const [cls, price] of Object.entries(List.RDS_HOURLY)) prices[`rds:${region}:${cls}`] = Math.round(price * m)
  }
  return prices
}

/** The catalog shipped in the package (see ListPrices.ts and InstanceFacts.generated.ts for sources and dates). */
export const shipped: PriceCatalog = PriceCatalog.make({
  source: "AWS public on-demand list prices (us-east-1, 2025; regional multipliers approximate) + CCF instance facts (ccf-coefficients 2026-04-24)",
  date: "2025-06-01",
  instanceTypes,
  prices: shippedPrices()
})

const infoIndex = new WeakMap<PriceCatalog, ReadonlyMap<string, InstanceTypeInfo>>()

export const instanceType = (catalog: PriceCatalog, name: string): InstanceTypeInfo | undefined => {
  let index = infoIndex.get(catalog)
  if (index === undefined) {
    index = new Map(catalog.instanceTypes.map((i) => [i.name, i]))
    infoIndex.set(catalog, index)
  }
  return index.get(name)
}

const multiplier = (region: string): number => List.REGION_MULTIPLIER[region] ?? 1.1

const regional = (catalog: PriceCatalog, kind: string, region: string, name: string, fallback: () => number | undefined): number | undefined => {
  const exact = catalog.prices[`${kind}:${region}:${name}`]
  if (exact !== undefined) return exact
  const home = catalog.prices[`${kind}:us-east-1:${name}`] ?? fallback()
  return home === undefined ? undefined : Math.round(home * multiplier(region))
}

/** Hourly on-demand Linux price; undefined for a type the catalog does not know. */
export const ec2Hourly = (catalog: PriceCatalog, type: string, region: string): number | undefined =>
  regional(catalog, "ec2", region, type, () => {
    const info = instanceType(catalog, type)
    return info === undefined ? undefined : estimatedHourly(info)
  })

export const ebsGbMonth = (catalog: PriceCatalog, volumeType: string, region: string): number =>
  regional(catalog, "ebs", region, volumeType, () => List.EBS_GB_MONTH[volumeType]) ?? 100_000

export const rdsHourly = (catalog: PriceCatalog, instanceClass: string, region: string): number =>
  regional(catalog, "rds", region, instanceClass, () => List.RDS_HOURLY[instanceClass]) ??
  // An unknown class: price it like the m5 of its size, the most common class.
  Math.round(171_000 * (List.SIZE_FACTOR[sizeOf(instanceClass.replace(/^db\./, ""))] ?? 1) * multiplier(region))

export const publicIpv4Hourly = (catalog: PriceCatalog, region: string): number =>
  regional(catalog, "eip", region, "ipv4", () => List.PUBLIC_IPV4_HOURLY) ?? List.PUBLIC_IPV4_HOURLY

const monthly = (hourly: number): number => hourly * List.HOURS_PER_MONTH

/** The resource's monthly cost at its current state and size; usage-priced parts need its utilization. */
export const monthlyCost = (catalog: PriceCatalog, r: Resource): MicroUsd => {
  const d = r.details
  const region = r.region
  let micros = 0
  switch (d._tag) {
    case "ec2-instance": {
      if (r.state === "running" || r.state === "pending") {
        const hourly = ec2Hourly(catalog, d.instanceType, region) ?? 0
        // Spot prices vary by the hour; 30 % of on-demand is AWS's typical discount.
        micros = monthly(d.lifecycle === "spot" ? hourly * 0.3 : hourly)
      }
      break
    }
    case "ebs-volume": {
      micros = d.sizeGiB * ebsGbMonth(catalog, d.volumeType, region)
      const iopsPrice = List.EBS_IOPS_MONTH[d.volumeType]
      if (iopsPrice !== undefined && d.iops !== undefined) {
        const billable = d.volumeType === "gp3" ? Math.max(0, d.iops - List.GP3_FREE_IOPS) : d.iops
        micros += billable * iopsPrice * multiplier(region)
      }
      break
    }
    case "elastic-ip":
      micros = monthly(publicIpv4Hourly(catalog, region))
      break
    case "s3-bucket":
      micros = ((d.sizeBytes ?? 0) / 2 ** 30) * List.S3_STANDARD_GB_MONTH * multiplier(region)
      break
    case "rds-instance": {
      const azs = d.multiAz ? 2 : 1
      if (r.state !== "stopped") micros = monthly(rdsHourly(catalog, d.instanceClass, region)) * azs
      micros += d.allocatedStorageGiB * List.RDS_STORAGE_GB_MONTH * multiplier(region) * azs
      break
    }
    case "lambda-function": {
      const u = r.utilization
      if (u?.invocations !== undefined && u.averageDurationMs !== undefined) {
        const perMonth = (u.invocations / u.windowDays) * 30
        const gbSeconds = perMonth * (u.averageDurationMs / 1000) * (d.memoryMiB / 1024)
        micros = gbSeconds * (d.architecture === "arm64" ? List.LAMBDA_ARM_GB_SECOND : List.LAMBDA_GB_SECOND) + (perMonth / 1e6) * List.LAMBDA_MILLION_REQUESTS
      }
      break
    }
    case "ecs-service": {
      if (d.launchType === "FARGATE" || d.launchType === "FARGATE_SPOT") {
        const hourly = (d.cpuUnits / 1024) * List.FARGATE_VCPU_HOUR + (d.memoryMiB / 1024) * List.FARGATE_GB_HOUR
        micros = monthly(hourly * d.desiredCount * multiplier(region) * (d.launchType === "FARGATE_SPOT" ? 1 - List.FARGATE_SPOT_DISCOUNT : 1))
      }
      // EC2 launch type: the instances are billed, and discovered, on their own.
      break
    }
    case "dynamodb-table": {
      const storage = ((d.sizeBytes ?? 0) / 2 ** 30) * List.DYNAMODB_GB_MONTH
      const capacity = monthly((d.readCapacityUnits ?? 0) * List.DYNAMODB_RCU_HOUR + (d.writeCapacityUnits ?? 0) * List.DYNAMODB_WCU_HOUR)
      micros = (storage + capacity) * multiplier(region)
      break
    }
    case "load-balancer":
      micros = d.type === "classic" ? 0 : monthly(List.ALB_HOURLY * multiplier(region))
      break
    // Security groups are free; an auto scaling group's instances are priced as instances;
    // CloudFront is priced by traffic, which discovery does not read.
    case "security-group":
    case "auto-scaling-group":
    case "cloudfront-distribution":
      break
  }
  return MicroUsd.make(Math.round(micros))
}
