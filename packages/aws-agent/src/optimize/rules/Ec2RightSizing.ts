/**
 * EC2 right-sizing: a smaller size of the same family, or a current-
 * generation equivalent (m4 -> m6i/m7i), chosen from utilization so the
 * projected p95 and peak stay under target. Instances of an Auto Scaling
 * group are left to the group's launch template.
 */
import { Ec2InstanceDetails, type Resource } from "@miyabi/types"
import { instanceType } from "../../pricing/PricingCatalog.js"
import { change, costWith, hasHistory, insufficientData, observedLoad, optimizeRule, type Proposal, type RuleContext, usd } from "../RuleKit.js"
import { BURSTABLE_TARGET, burstableBaseline, type Candidate, cheapestFit, familyOf, isBurstable, isGraviton, maxSafeCurrentPeak } from "../Sizing.js"

/** Current-generation equivalents (same architecture, x86). */
export const EC2_SUCCESSORS: Readonly<Record<string, ReadonlyArray<string>>> = {
  t1: ["t3"],
  t2: ["t3"],
  m1: ["m6i", "m7i"],
  m3: ["m6i", "m7i"],
  m4: ["m6i", "m7i"],
  m5: ["m6i", "m7i"],
  c1: ["c6i", "c7i"],
  c3: ["c6i", "c7i"],
  c4: ["c6i", "c7i"],
  c5: ["c6i", "c7i"],
  r3: ["r6i", "r7i"],
  r4: ["r6i", "r7i"],
  r5: ["r6i", "r7i"]
}

export const MEMORY_CAVEAT = "no memory metrics (CloudWatch agent not reporting): memory use is unknown, so the size was chosen on CPU with memory kept at least half of now"

const baseline = (name: string) => {
  const b = burstableBaseline(name)
  return b === undefined ? {} : { baselinePercent: b }
}

const candidates = (r: Resource, d: Ec2InstanceDetails, ctx: RuleContext): ReadonlyArray<Candidate> => {
  const family = familyOf(d.instanceType)
  // A steady x86 instance may also move to t3 when its p95 fits t3's baseline (checked by `fits`).
  const families = new Set([family, ...(EC2_SUCCESSORS[family] ?? []), ...(isGraviton(family) ? [] : [BURSTABLE_TARGET])])
  return ctx.catalog.instanceTypes
    .filter((t) => families.has(familyOf(t.name)) && t.name !== d.instanceType)
    .filter((t) => (!isBurstable(family) || isBurstable(familyOf(t.name))) && isGraviton(familyOf(t.name)) === isGraviton(family))
    .map((t) => ({
      name: t.name,
      vcpus: t.vcpus,
      memoryGiB: t.memoryGiB,
      monthlyCost: costWith(ctx.catalog, r, Ec2InstanceDetails.make({ ...d, instanceType: t.name })),
      ...baseline(t.name)
    }))
}

export const ec2RightSizing = optimizeRule(
  "cost.rightsize-instance",
  "A running instance whose p95 and peak CPU fit a smaller or current-generation type with headroom",
  ["cost.overprovisioned-instance", "cost.previous-generation"],
  (r, ctx): ReadonlyArray<Proposal> => {
    const d = r.details
    if (d._tag !== "ec2-instance" || r.state !== "running" || r.tags["aws:autoscaling:groupName"] !== undefined) return []
    const u = r.utilization
    if (u === undefined || u.metric !== "CPUUtilization" || !hasHistory(r, ctx)) return [insufficientData(ec2RightSizing, r, ctx, "right-sizing")]
    const info = instanceType(ctx.catalog, d.instanceType)
    if (info === undefined) return []
    const load = observedLoad(r, u, info, ctx)
    const { p95Percent: p95, peakPercent: peak } = load
    const now = costWith(ctx.catalog, r, d)
    const best = cheapestFit(load, now, candidates(r, d, ctx), ctx.config)
    if (best === undefined) return []
    const memoryCaveat = u.memoryAveragePercent === undefined
    const savings = now - best.monthlyCost
    return [
      change(ec2RightSizing, r, ctx, {
        summary: `${r.id}: ${d.instanceType} -> ${best.name} (p95 CPU ${p95.toFixed(1)} %, peak ${peak.toFixed(1)} % on ${info.vcpus} vCPU) saves ${usd(savings)}/month${memoryCaveat ? "; memory not measured" : ""}`,
        action: { _tag: "ResizeInstance", fromType: d.instanceType, toType: best.name },
        rollback: { _tag: "ResizeInstance", fromType: best.name, toType: d.instanceType },
        savings,
        // A resize stops and starts the instance; unknown memory use makes it riskier.
        risk: memoryCaveat || best.vcpus * 2 < info.vcpus || best.baselinePercent !== undefined ? "medium" : "low",
        preconditions: [{ _tag: "UtilizationBelow", percent: Math.floor(maxSafeCurrentPeak(info.vcpus, best.vcpus, ctx.config) * 10) / 10 }],
        evidence: {
          "CPUUtilization.p95": p95,
          "CPUUtilization.peak": peak,
          datapoints: u.datapoints,
          fromType: d.instanceType,
          toType: best.name,
          fromVcpus: info.vcpus,
          toVcpus: best.vcpus,
          projectedP95: (p95 * info.vcpus) / best.vcpus,
          projectedPeak: (peak * info.vcpus) / best.vcpus,
          memoryCaveat: memoryCaveat ? MEMORY_CAVEAT : null,
          burstableBaselinePercent: best.baselinePercent ?? null
        }
      })
    ]
  }
)
