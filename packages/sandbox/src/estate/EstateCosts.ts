/**
 * The Cost Explorer CostSource over an estate: one line per UTC day,
 * account, service, region, usage type and cost-allocation tag set, priced
 * from `PriceTable.ts`. It reads the estate's current state and histories,
 * so a stopped instance stops costing from the hour it stopped and a
 * downsized one costs its new price from the change onwards.
 */
import type { CostLine, CostSource } from "../EstateContract.js"
import type { EstateData } from "./EstateData.js"
import {
  EIP_HOURLY_MICROS,
  FARGATE_GB_HOUR_MICROS,
  FARGATE_VCPU_HOUR_MICROS,
  HOURS_PER_MONTH,
  IO1_IOPS_MONTH_MICROS,
  LAMBDA_GB_SECOND_MICROS,
  LAMBDA_MILLION_REQUESTS_MICROS,
  RDS_STORAGE_GB_MONTH_MICROS,
  S3_STANDARD_GB_MONTH_MICROS,
  SNAPSHOT_GB_MONTH_MICROS,
  ebsGbMonthMicros,
  ec2HourlyMicros,
  rdsHourlyMicros,
  regionMultiplier
} from "./PriceTable.js"
import type { Tags } from "./Tags.js"

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000
/** Cost Explorer answers at most about a year back and a year ahead here; bounds the work. */
const MAX_DAYS = 800

export const SERVICE_NAMES = {
  ec2: "Amazon Elastic Compute Cloud - Compute",
  ec2Other: "EC2 - Other",
  s3: "Amazon Simple Storage Service",
  rds: "Amazon Relational Database Service",
  lambda: "AWS Lambda",
  ecs: "Amazon Elastic Container Service"
} as const

/** The user-defined cost-allocation tags activated in the sandbox's payer account. */
const COST_TAGS = ["CostCenter", "Environment", "Application", "Owner"] as const

const costTags = (tags: Tags): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const key of COST_TAGS) {
    const value = tags[key]
    if (value !== undefined) out[key] = value
  }
  return out
}

const parseDay = (day: string): number => Date.parse(`${day}T00:00:00Z`)

/** Milliseconds of [from, to) during which the history says "on", with the state at each stretch. */
const overlaps = <A extends { readonly at: number }>(history: ReadonlyArray<A>, from: number, to: number, visit: (epoch: A, ms: number) => void): void => {
  history.forEach((epoch, i) => {
    const next = history[i + 1]
    const start = Math.max(from, epoch.at)
    const end = Math.min(to, next === undefined ? Number.POSITIVE_INFINITY : next.at)
    if (end > start) visit(epoch, end - start)
  })
}

const alive = (created: number, deleted: number | undefined, from: number, to: number): number =>
  Math.max(0, Math.min(to, deleted ?? Number.POSITIVE_INFINITY) - Math.max(from, created))

export const estateCosts = (data: EstateData): CostSource => ({
  lines: (start, end) => {
    const first = parseDay(start)
    const last = Math.min(parseDay(end), first + MAX_DAYS * DAY_MS)
    if (!Number.isFinite(first) || !Number.isFinite(last) || last <= first) return []
    const days: Array<readonly [from: number, to: number, date: string]> = []
    for (let from = first; from < last; from += DAY_MS) days.push([from, from + DAY_MS, new Date(from).toISOString().slice(0, 10)])
    const totals = new Map<string, { line: Omit<CostLine, "unblendedMicroUsd" | "amortizedMicroUsd">; micros: number; quantity: number }>()

    /** Adds to one resource's lines; the resource's account, region and tags are fixed per call. */
    const owner = (r: { readonly accountId: string; readonly region: string; readonly tags: Tags }) => {
      const tags = costTags(r.tags)
      const suffix = `|${r.accountId}|${r.region}|${JSON.stringify(tags)}`
      return (date: string, service: string, usageType: string, micros: number, quantity: number): void => {
        if (micros <= 0) return
        const key = `${date}|${service}|${usageType}${suffix}`
        const entry = totals.get(key)
        if (entry === undefined) totals.set(key, { line: { date, accountId: r.accountId, service, region: r.region, usageType, tags }, micros, quantity })
        else {
          entry.micros += micros
          entry.quantity += quantity
        }
      }
    }

    for (const i of data.instances) {
      const add = owner(i)
      for (const [from, to, date] of days) {
        overlaps(i.history, from, to, (epoch, ms) => {
          if (epoch.running) add(date, SERVICE_NAMES.ec2, `BoxUsage:${epoch.instanceType}`, (ec2HourlyMicros(epoch.instanceType, i.region) * ms) / HOUR_MS, ms / HOUR_MS)
        })
      }
    }
    for (const v of data.volumes) {
      const add = owner(v)
      const monthly = (v.sizeGiB * ebsGbMonthMicros(v.volumeType) + (v.volumeType === "io1" ? (v.iops ?? 0) * IO1_IOPS_MONTH_MICROS : 0)) * regionMultiplier(v.region)
      for (const [from, to, date] of days) {
        const ms = alive(v.createTime, v.deletedAt, from, to)
        const months = ms / HOUR_MS / HOURS_PER_MONTH
        if (ms > 0) add(date, SERVICE_NAMES.ec2Other, `EBS:VolumeUsage.${v.volumeType}`, monthly * months, v.sizeGiB * months)
      }
    }
    for (const s of data.snapshots) {
      const add = owner(s)
      for (const [from, to, date] of days) {
        const ms = alive(s.startTime, undefined, from, to)
        if (ms > 0) add(date, SERVICE_NAMES.ec2Other, "EBS:SnapshotUsage", (s.volumeSize * SNAPSHOT_GB_MONTH_MICROS * ms) / HOUR_MS / HOURS_PER_MONTH, 0)
      }
    }
    for (const a of data.addresses) {
      const add = owner(a)
      const usage = a.associationId === undefined ? "PublicIPv4:IdleAddress" : "PublicIPv4:InUseAddress"
      for (const [from, to, date] of days) {
        const ms = alive(Number.NEGATIVE_INFINITY, a.releasedAt, from, to)
        if (ms > 0) add(date, SERVICE_NAMES.ec2Other, usage, (EIP_HOURLY_MICROS * ms) / HOUR_MS, ms / HOUR_MS)
      }
    }
    for (const b of data.buckets) {
      const add = owner(b)
      for (const [from, to, date] of days) {
        const ms = alive(b.creationDate, undefined, from, to)
        if (ms > 0) add(date, SERVICE_NAMES.s3, "TimedStorage-ByteHrs", (b.sizeGiB * S3_STANDARD_GB_MONTH_MICROS * ms * regionMultiplier(b.region)) / HOUR_MS / HOURS_PER_MONTH, b.sizeGiB)
      }
    }
    for (const db of data.dbInstances) {
      if (db.status === "stopped") continue
      const add = owner(db)
      for (const [from, to, date] of days) {
        overlaps(db.history, from, to, (epoch, ms) => {
          add(date, SERVICE_NAMES.rds, `InstanceUsage:${epoch.instanceClass}`, (rdsHourlyMicros(epoch.instanceClass, db.region) * (db.multiAz ? 2 : 1) * ms) / HOUR_MS, ms / HOUR_MS)
        })
        const ms = alive(db.createTime, undefined, from, to)
        if (ms > 0) add(date, SERVICE_NAMES.rds, "RDS:GP2-Storage", (db.allocatedStorage * RDS_STORAGE_GB_MONTH_MICROS * ms) / HOUR_MS / HOURS_PER_MONTH, 0)
      }
    }
    for (const f of data.functions) {
      const add = owner(f)
      const invocations = f.profile === "idle" ? f.invocationsPerHour * 24 * 0.1 : f.invocationsPerHour * 24
      for (const [from, to, date] of days) {
        overlaps(f.memoryHistory, from, to, (epoch, ms) => {
          const share = ms / DAY_MS
          const scale = f.profile === "overProvisioned" ? 1 : f.baselineMemorySize / epoch.memorySize
          const gbSeconds = (invocations * share * f.baselineDurationMs * scale * (epoch.memorySize / 1024)) / 1000
          add(date, SERVICE_NAMES.lambda, "Lambda-GB-Second", gbSeconds * LAMBDA_GB_SECOND_MICROS + (invocations * share * LAMBDA_MILLION_REQUESTS_MICROS) / 1e6, gbSeconds)
        })
      }
    }
    const definitions = new Map(data.taskDefinitions.map((d) => [`${d.accountId}/${d.region}/${d.family}:${d.revision}`, d]))
    for (const s of data.services) {
      if (s.launchType !== "FARGATE") continue
      const add = owner(s)
      for (const [from, to, date] of days) {
        overlaps(s.history, from, to, (epoch, ms) => {
          const td = definitions.get(`${s.accountId}/${s.region}/${epoch.taskDefinition}`)
          if (td === undefined || epoch.desiredCount === 0) return
          const hours = (ms / HOUR_MS) * epoch.desiredCount
          add(date, SERVICE_NAMES.ecs, "Fargate-vCPU-Hours:perCPU", ((td.cpu / 1024) * FARGATE_VCPU_HOUR_MICROS + (td.memory / 1024) * FARGATE_GB_HOUR_MICROS) * hours, (td.cpu / 1024) * hours)
        })
      }
    }
    return [...totals.values()].map(({ line, micros, quantity }) => {
      const amount = Math.round(micros)
      return { ...line, unblendedMicroUsd: amount, amortizedMicroUsd: amount, usageQuantity: Math.round(quantity * 1000) / 1000 }
    })
  }
})
