/**
 * RDS class right-sizing, the same projection as EC2 over the classes the
 * catalog prices. Graviton classes are only proposed for Graviton databases
 * (engine version support differs); a resize is applied in the maintenance
 * window by θ4, with a Multi-AZ failover or a short outage.
 */
import { RdsInstanceDetails, type Resource } from "@miyabi/types"
import { instanceType } from "../../pricing/PricingCatalog.js"
import { change, costWith, hasHistory, insufficientData, observedLoad, optimizeRule, type Proposal, type RuleContext, usd } from "../RuleKit.js"
import { BURSTABLE_TARGET, burstableBaseline, type Candidate, cheapestFit, familyOf, isBurstable, isGraviton, maxSafeCurrentPeak } from "../Sizing.js"
import { MEMORY_CAVEAT } from "./Ec2RightSizing.js"

export const RDS_SUCCESSORS: Readonly<Record<string, ReadonlyArray<string>>> = {
  t2: ["t3"],
  m4: ["m5", "m6i"],
  m5: ["m6i"],
  r4: ["r5", "r6i"],
  r5: ["r6i"]
}

const bare = (cls: string): string => cls.replace(/^db\./, "")

/** Classes the catalog has a price for, in this region or us-east-1. */
const pricedClasses = (ctx: RuleContext, region: string): ReadonlyArray<string> => {
  const names = new Set<string>()
  for (const key of Object.keys(ctx.catalog.prices)) {
    const [kind, keyRegion, name] = key.split(":")
    if (kind === "rds" && name !== undefined && (keyRegion === region || keyRegion === "us-east-1")) names.add(name)
  }
  return [...names]
}

const baseline = (name: string) => {
  const b = burstableBaseline(name)
  return b === undefined ? {} : { baselinePercent: b }
}

const candidates = (r: Resource, d: RdsInstanceDetails, ctx: RuleContext): ReadonlyArray<Candidate> => {
  const family = familyOf(bare(d.instanceClass))
  const families = new Set([family, ...(RDS_SUCCESSORS[family] ?? []), ...(isGraviton(family) ? [] : [BURSTABLE_TARGET])])
  return pricedClasses(ctx, r.region).flatMap((cls) => {
    const f = familyOf(bare(cls))
    const info = instanceType(ctx.catalog, bare(cls))
    if (cls === d.instanceClass || !families.has(f) || info === undefined) return []
    if ((isBurstable(family) && !isBurstable(f)) || isGraviton(f) !== isGraviton(family)) return []
    return [{ name: cls, vcpus: info.vcpus, memoryGiB: info.memoryGiB, monthlyCost: costWith(ctx.catalog, r, RdsInstanceDetails.make({ ...d, instanceClass: cls })), ...baseline(cls) }]
  })
}

export const rdsRightSizing = optimizeRule(
  "cost.rightsize-database",
  "A running database whose p95 and peak CPU fit a smaller or current-generation class with headroom",
  ["cost.overprovisioned-database"],
  (r, ctx): ReadonlyArray<Proposal> => {
    const d = r.details
    if (d._tag !== "rds-instance" || r.state !== "running") return []
    const u = r.utilization
    if (u === undefined || u.metric !== "CPUUtilization" || !hasHistory(r, ctx)) return [insufficientData(rdsRightSizing, r, ctx, "right-sizing")]
    const info = instanceType(ctx.catalog, bare(d.instanceClass))
    if (info === undefined) return []
    const load = observedLoad(r, u, info, ctx)
    const { p95Percent: p95, peakPercent: peak } = load
    const now = costWith(ctx.catalog, r, d)
    const best = cheapestFit(load, now, candidates(r, d, ctx), ctx.config)
    if (best === undefined) return []
    const savings = now - best.monthlyCost
    const memoryCaveat = u.memoryAveragePercent === undefined
    return [
      change(rdsRightSizing, r, ctx, {
        summary: `${r.id}: ${d.instanceClass} -> ${best.name} (p95 CPU ${p95.toFixed(1)} %, peak ${peak.toFixed(1)} %) saves ${usd(savings)}/month`,
        action: { _tag: "ResizeDbInstance", fromClass: d.instanceClass, toClass: best.name },
        rollback: { _tag: "ResizeDbInstance", fromClass: best.name, toClass: d.instanceClass },
        savings,
        // Databases cache in memory: a smaller class can be slower even at low CPU.
        risk: d.multiAz && !memoryCaveat && best.baselinePercent === undefined ? "low" : "medium",
        preconditions: [
          { _tag: "UtilizationBelow", percent: Math.floor(maxSafeCurrentPeak(info.vcpus, best.vcpus, ctx.config) * 10) / 10 },
          ...(d.multiAz ? [] : [{ _tag: "ManualApproval" as const, reason: "Single-AZ: the resize is an outage of a few minutes" }])
        ],
        evidence: {
          "CPUUtilization.p95": p95,
          "CPUUtilization.peak": peak,
          datapoints: u.datapoints,
          fromClass: d.instanceClass,
          toClass: best.name,
          fromVcpus: info.vcpus,
          toVcpus: best.vcpus,
          multiAz: d.multiAz,
          burstableBaselinePercent: best.baselinePercent ?? null,
          memoryCaveat: memoryCaveat ? MEMORY_CAVEAT.replace("CloudWatch agent not reporting", "FreeableMemory not read") : null
        }
      })
    ]
  }
)
