/**
 * Cost rules. Utilization thresholds follow common right-sizing practice
 * (AWS Compute Optimizer and Trusted Advisor use similar bands): idle under
 * 3 % average CPU over the window, over-provisioned when even the peak stays
 * under 20 %.
 */
import { type Resource } from "@miyabi/types"
import { ebsGbMonth, ec2Hourly, instanceType } from "../pricing/PricingCatalog.js"
import { costSeverity, type Rule, rule, usd } from "./Rule.js"

export const IDLE_AVERAGE_CPU = 3
export const OVERPROVISIONED_PEAK_CPU = 20
/** ECS services: memory must be low as well before a smaller task size is safe. */
export const OVERPROVISIONED_PEAK_MEMORY = 25
const HOURS = 730

/** The current-generation successor of a previous-generation family, same size. */
const SUCCESSOR: Readonly<Record<string, string>> = { t1: "t3", t2: "t3", m1: "m5", m3: "m5", m4: "m5", c1: "c5", c3: "c5", c4: "c5", r3: "r5", r4: "r5", i2: "i3", d2: "d3", x1: "x2iedn" }

const cpu = (r: Resource) => (r.utilization?.metric === "CPUUtilization" ? r.utilization : undefined)

const idleInstance = rule("cost.idle-instance", "A running instance averaging under 3 % CPU over the window", (r) => {
  if (r.details._tag !== "ec2-instance" || r.state !== "running") return undefined
  const u = cpu(r)
  if (u === undefined || u.datapoints === 0 || u.averagePercent >= IDLE_AVERAGE_CPU) return undefined
  return {
    severity: costSeverity(r.monthlyCost),
    summary: `${r.id} (${r.details.instanceType}) averages ${u.averagePercent.toFixed(1)} % CPU over ${u.windowDays} days`,
    evidence: { "CPUUtilization.average": u.averagePercent, "CPUUtilization.peak": u.peakPercent ?? null, windowDays: u.windowDays },
    impact: r.monthlyCost
  }
})

const overProvisioned = (kind: "ec2-instance" | "rds-instance", id: string, what: string): Rule =>
  rule(id, `A running ${what} whose CPU peaks under 20 % (and is not idle)`, (r) => {
    if (r.details._tag !== kind || r.state !== "running") return undefined
    const u = cpu(r)
    if (u === undefined || u.datapoints === 0 || u.averagePercent < IDLE_AVERAGE_CPU) return undefined
    const peak = u.peakPercent ?? u.averagePercent
    if (peak >= OVERPROVISIONED_PEAK_CPU) return undefined
    const size = r.details._tag === "ec2-instance" ? r.details.instanceType : r.details._tag === "rds-instance" ? r.details.instanceClass : ""
    return {
      severity: costSeverity(r.monthlyCost / 2),
      summary: `${r.id} (${size}) peaks at ${peak.toFixed(1)} % CPU: one size smaller would do`,
      evidence: { "CPUUtilization.average": u.averagePercent, "CPUUtilization.peak": peak, size },
      // One size down halves the price within a family.
      impact: r.monthlyCost / 2
    }
  })

const idleDatabase = rule("cost.idle-database", "A running database averaging under 3 % CPU over the window", (r) => {
  if (r.details._tag !== "rds-instance" || r.state !== "running") return undefined
  const u = cpu(r)
  if (u === undefined || u.datapoints === 0 || u.averagePercent >= IDLE_AVERAGE_CPU) return undefined
  return {
    severity: costSeverity(r.monthlyCost),
    summary: `${r.id} (${r.details.instanceClass}) averages ${u.averagePercent.toFixed(1)} % CPU over ${u.windowDays} days`,
    evidence: { "CPUUtilization.average": u.averagePercent, windowDays: u.windowDays },
    impact: r.monthlyCost
  }
})

const overProvisionedService = rule("cost.overprovisioned-service", "An ECS service whose tasks peak under 20 % CPU and 25 % memory", (r) => {
  if (r.details._tag !== "ecs-service" || r.details.desiredCount === 0) return undefined
  const u = r.utilization
  if (u === undefined || u.datapoints === 0 || u.averagePercent < IDLE_AVERAGE_CPU) return undefined
  const peak = u.peakPercent ?? u.averagePercent
  const memory = u.memoryAveragePercent ?? 100
  if (peak >= OVERPROVISIONED_PEAK_CPU || memory >= OVERPROVISIONED_PEAK_MEMORY) return undefined
  return {
    severity: costSeverity(r.monthlyCost / 2),
    summary: `${r.name ?? r.id} (${r.details.cpuUnits} CPU units, ${r.details.memoryMiB} MiB) peaks at ${peak.toFixed(1)} % CPU, ${memory.toFixed(1)} % memory`,
    evidence: { "CPUUtilization.peak": peak, "MemoryUtilization.average": memory, cpuUnits: r.details.cpuUnits, memoryMiB: r.details.memoryMiB },
    impact: r.monthlyCost / 2
  }
})

const stoppedWithVolumes = rule("cost.stopped-instance-volumes", "A stopped instance whose EBS volumes are still billed", (r, ctx) => {
  if (r.details._tag !== "ec2-instance" || r.state !== "stopped" || r.details.volumeIds.length === 0) return undefined
  const volumes = r.details.volumeIds.map((id) => ctx.byId(r, id))
  const cost = volumes.reduce((a, v) => a + (v?.monthlyCost ?? 0), 0)
  return {
    severity: costSeverity(cost),
    summary: `${r.id} is stopped but its ${r.details.volumeIds.length} volume(s) cost ${usd(cost)} a month`,
    evidence: { volumes: r.details.volumeIds.join(","), volumeMonthlyCost: cost },
    impact: cost
  }
})

const unattachedVolume = rule("cost.unattached-volume", "An EBS volume attached to nothing", (r) => {
  if (r.details._tag !== "ebs-volume" || r.details.awsState !== "available") return undefined
  return {
    severity: costSeverity(r.monthlyCost),
    summary: `${r.id} (${r.details.volumeType}, ${r.details.sizeGiB} GiB) is attached to nothing`,
    evidence: { volumeType: r.details.volumeType, sizeGiB: r.details.sizeGiB, state: r.details.awsState },
    impact: r.monthlyCost
  }
})

const unassociatedAddress = rule("cost.unassociated-eip", "An Elastic IP associated with nothing", (r) => {
  if (r.details._tag !== "elastic-ip" || r.details.associationId !== undefined) return undefined
  return {
    severity: "low",
    summary: `${r.details.publicIp} (${r.id}) is associated with nothing`,
    evidence: { publicIp: r.details.publicIp },
    impact: r.monthlyCost
  }
})

const gp2Volume = rule("cost.gp2-volume", "A gp2 volume: gp3 is 20 % cheaper with at least the same baseline", (r, ctx) => {
  if (r.details._tag !== "ebs-volume" || r.details.volumeType !== "gp2") return undefined
  const saving = r.details.sizeGiB * (ebsGbMonth(ctx.catalog, "gp2", r.region) - ebsGbMonth(ctx.catalog, "gp3", r.region))
  return {
    severity: costSeverity(saving),
    summary: `${r.id} is gp2 (${r.details.sizeGiB} GiB): gp3 saves ${usd(saving)} a month`,
    evidence: { volumeType: "gp2", sizeGiB: r.details.sizeGiB },
    impact: saving
  }
})

const previousGeneration = rule("cost.previous-generation", "An instance of a previous-generation type", (r, ctx) => {
  if (r.details._tag !== "ec2-instance") return undefined
  const type = r.details.instanceType
  const info = instanceType(ctx.catalog, type)
  if (info === undefined || info.currentGeneration) return undefined
  const [family = "", size = ""] = type.split(".")
  const successor = SUCCESSOR[family] === undefined ? undefined : `${SUCCESSOR[family]}.${size}`
  const now = ec2Hourly(ctx.catalog, type, r.region)
  const next = successor === undefined ? undefined : ec2Hourly(ctx.catalog, successor, r.region)
  const running = r.state === "running" || r.state === "pending"
  const saving = running && now !== undefined && next !== undefined ? Math.max(0, (now - next) * HOURS) : 0
  return {
    severity: "low",
    summary: `${r.id} runs ${type}, a previous generation${successor === undefined ? "" : `; ${successor} is the current one`}`,
    evidence: { instanceType: type, successor: successor ?? null },
    impact: saving
  }
})

const bucketWithoutLifecycle = rule("cost.bucket-without-lifecycle", "A bucket with no lifecycle rule (old objects and versions never expire or move to cheaper tiers)", (r) => {
  if (r.details._tag !== "s3-bucket" || r.details.lifecycleRules > 0) return undefined
  return {
    severity: "low",
    summary: `${r.id} has no lifecycle rule`,
    evidence: { lifecycleRules: 0, sizeBytes: r.details.sizeBytes ?? null },
    // Unknowable without the access pattern; a quarter of the storage cost is a usual tiering saving.
    impact: r.monthlyCost / 4
  }
})

const idleLoadBalancer = rule("cost.idle-load-balancer", "A load balancer with no registered target: it bills by the hour and serves nothing", (r) => {
  // targetCount is absent when discovery could not read the target groups: no finding on no evidence.
  if (r.details._tag !== "load-balancer" || r.details.targetCount !== 0) return undefined
  return {
    severity: costSeverity(r.monthlyCost),
    summary: `${r.name ?? r.id} (${r.details.type}, ${r.details.scheme}) has no registered targets`,
    evidence: { targetCount: 0, type: r.details.type },
    impact: r.monthlyCost
  }
})

export const costRules: ReadonlyArray<Rule> = [
  idleInstance,
  overProvisioned("ec2-instance", "cost.overprovisioned-instance", "instance"),
  idleDatabase,
  overProvisioned("rds-instance", "cost.overprovisioned-database", "database"),
  overProvisionedService,
  stoppedWithVolumes,
  unattachedVolume,
  unassociatedAddress,
  gp2Volume,
  previousGeneration,
  bucketWithoutLifecycle,
  idleLoadBalancer
]

