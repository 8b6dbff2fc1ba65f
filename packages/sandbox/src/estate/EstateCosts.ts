/**
 * The Cost Explorer CostSource over an estate: one line per UTC day,
 * account, service, region, usage type and cost-allocation tag set, priced
 * from `PriceTable.ts`. It reads the estate's current state and histories,
 * so a stopped instance stops costing from the hour it stopped and a
 * downsized one costs its new price from the change onwards.
 */
import type { CostLine, CostSource } from "../EstateContract.js"
import type { EstateData, Tags } from "./Model.js"
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
    if (!Number.isFinite(first) || !Number.isFinite(last)) return []
    const totals = new Map<string, { line: Omit<CostLine, "unblendedMicroUsd" | "amortizedMicroUsd">; micros: number; quantity: number }>()
    const add = (date: string, accountId: string, service: string, region: string, usageType: string, tags: Tags, micros: number, quantity: number): void => {
      if (micros <= 0) return
      const kept = costTags(tags)
      const key = `${date}|${accountId}|${service}|${region}|${usageType}|${JSON.stringify(kept)}`
      const entry = totals.get(key)
      if (entry === undefined) totals.set(key, { line: { date, accountId, service, region, usageType, tags: kept }, micros, quantity })
      else {
        entry.micros += micros
        entry.quantity += quantity
      }
    }
    for (let from = first; from < last; from += DAY_MS) {
      const to = from + DAY_MS
      const date = new Date(from).toISOString().slice(0, 10)
      for (const i of data.instances) {
        overlaps(i.history, from, to, (epoch, ms) => {
          if (epoch.running) add(date, i.accountId, SERVICE_NAMES.ec2, i.region, `BoxUsage:${epoch.instanceType}`, i.tags, (ec2HourlyMicros(epoch.instanceType, i.region) * ms) / HOUR_MS, ms / HOUR_MS)
        })
      }
      for (const v of data.volumes) {
        const ms = alive(v.createTime, v.deletedAt, from, to)
        if (ms === 0) continue
        const months = ms / HOUR_MS / HOURS_PER_MONTH
        const iopsCost = v.volumeType === "io1" ? (v.iops ?? 0) * IO1_IOPS_MONTH_MICROS * months : 0
        add(date, v.accountId, SERVICE_NAMES.ec2Other, v.region, `EBS:VolumeUsage.${v.volumeType}`, v.tags, (v.sizeGiB * ebsGbMonthMicros(v.volumeType) * months + iopsCost) * regionMultiplier(v.region), v.sizeGiB * months)
      }
      for (const s of data.snapshots) {
        const ms = alive(s.startTime, undefined, from, to)
        if (ms > 0) add(date, s.accountId, SERVICE_NAMES.ec2Other, s.region, "EBS:SnapshotUsage", s.tags, (s.volumeSize * SNAPSHOT_GB_MONTH_MICROS * ms) / HOUR_MS / HOURS_PER_MONTH, 0)
      }
      for (const a of data.addresses) {
        const ms = alive(Number.NEGATIVE_INFINITY, a.releasedAt, from, to)
        const usage = a.associationId === undefined ? "PublicIPv4:IdleAddress" : "PublicIPv4:InUseAddress"
        if (ms > 0) add(date, a.accountId, SERVICE_NAMES.ec2Other, a.region, usage, a.tags, (EIP_HOURLY_MICROS * ms) / HOUR_MS, ms / HOUR_MS)
      }
      for (const b of data.buckets) {
        const ms = alive(b.creationDate, undefined, from, to)
        if (ms > 0) add(date, b.accountId, SERVICE_NAMES.s3, b.region, "TimedStorage-ByteHrs", b.tags, (b.sizeGiB * S3_STANDARD_GB_MONTH_MICROS * ms * regionMultiplier(b.region)) / HOUR_MS / HOURS_PER_MONTH, b.sizeGiB)
      }
      for (const db of data.dbInstances) {
        if (db.status === "stopped") continue
        overlaps(db.history, from, to, (epoch, ms) => {
          add(date, db.accountId, SERVICE_NAMES.rds, db.region, `InstanceUsage:${epoch.instanceClass}`, db.tags, (rdsHourlyMicros(epoch.instanceClass, db.region) * (db.multiAz ? 2 : 1) * ms) / HOUR_MS, ms / HOUR_MS)
        })
        const ms = alive(db.createTime, undefined, from, to)
        if (ms > 0) add(date, db.accountId, SERVICE_NAMES.rds, db.region, "RDS:GP2-Storage", db.tags, (db.allocatedStorage * RDS_STORAGE_GB_MONTH_MICROS * ms) / HOUR_MS / HOURS_PER_MONTH, 0)
      }
      for (const f of data.functions) {
        const invocations = f.profile === "idle" ? f.invocationsPerHour * 24 * 0.1 : f.invocationsPerHour * 24
        const scale = f.profile === "overProvisioned" ? 1 : f.baselineMemorySize / f.memorySize
        const gbSeconds = (invocations * f.baselineDurationMs * scale * (f.memorySize / 1024)) / 1000
        add(date, f.accountId, SERVICE_NAMES.lambda, f.region, "Lambda-GB-Second", f.tags, gbSeconds * LAMBDA_GB_SECOND_MICROS + (invocations * LAMBDA_MILLION_REQUESTS_MICROS) / 1e6, gbSeconds)
      }
      for (const s of data.services) {
        if (s.desiredCount === 0 || s.launchType !== "FARGATE") continue
        const family = s.taskDefinition.split(":")[0]
        const td = data.taskDefinitions.find((d) => `${d.family}:${d.revision}` === s.taskDefinition && d.accountId === s.accountId) ?? data.taskDefinitions.find((d) => d.family === family)
        if (td === undefined) continue
        const hourly = (td.cpu / 1024) * FARGATE_VCPU_HOUR_MICROS + (td.memory / 1024) * FARGATE_GB_HOUR_MICROS
        add(date, s.accountId, SERVICE_NAMES.ecs, s.region, "Fargate-vCPU-Hours:perCPU", s.tags, hourly * 24 * s.desiredCount, (td.cpu / 1024) * 24 * s.desiredCount)
      }
    }
    return [...totals.values()].map(({ line, micros, quantity }) => {
      const amount = Math.round(micros)
      return { ...line, unblendedMicroUsd: amount, amortizedMicroUsd: amount, usageQuantity: Math.round(quantity * 1000) / 1000 }
    })
  }
})
