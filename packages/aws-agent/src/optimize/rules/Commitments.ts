/**
 * Savings Plan and Reserved Instance candidates, advice only (a purchase
 * cannot be undone): on-demand compute that ran the whole window. Applied
 * after right-sizing, so the optimizer drops this advice for a resource that
 * also has a change.
 */
import { MicroUsd, type Resource } from "@miyabi/types"
import { ec2Hourly, rdsHourly } from "../../pricing/PricingCatalog.js"
import { advice, optimizeRule, type Proposal, type RuleContext, usd } from "../RuleKit.js"

const steady = (r: Resource, ctx: RuleContext): boolean => {
  const u = r.utilization
  return u !== undefined && u.datapoints >= u.windowDays * 24 * ctx.config.steadyCoverage && u.averagePercent >= ctx.config.idleAveragePercent
}

export const commitments = optimizeRule("cost.commitment-candidate", "Steady on-demand compute worth a Savings Plan or reservation (advice only)", [], (r, ctx): ReadonlyArray<Proposal> => {
  const d = r.details
  if (r.state !== "running" || !steady(r, ctx)) return []
  if (d._tag === "ec2-instance" && d.lifecycle === "on-demand" && r.tags["aws:autoscaling:groupName"] === undefined) {
    const hourly = ec2Hourly(ctx.catalog, d.instanceType, r.region)
    if (hourly === undefined) return []
    const discount = ctx.config.savingsPlanDiscount
    return [
      advice(commitments, r, ctx, {
        reason: "commitment",
        summary: `${r.id} (${d.instanceType}) ran on demand all window: a 1-year Compute Savings Plan of ${usd(Math.round(hourly * (1 - discount)))}/hour saves about ${usd(hourly * 730 * discount)}/month`,
        savings: hourly * 730 * discount,
        risk: "low",
        evidence: { instanceType: d.instanceType, hourlyOnDemand: hourly, discount, datapoints: r.utilization?.datapoints ?? 0 },
        action: { _tag: "PurchaseCommitment", commitment: "compute-savings-plan", termYears: 1, hourlyCommitment: MicroUsd.make(Math.round(hourly * (1 - discount))) }
      })
    ]
  }
  if (d._tag === "rds-instance") {
    const hourly = rdsHourly(ctx.catalog, d.instanceClass, r.region) * (d.multiAz ? 2 : 1)
    const discount = ctx.config.rdsReservedDiscount
    return [
      advice(commitments, r, ctx, {
        reason: "commitment",
        summary: `${r.id} (${d.instanceClass}) ran all window: a 1-year reservation saves about ${usd(hourly * 730 * discount)}/month`,
        savings: hourly * 730 * discount,
        risk: "low",
        evidence: { instanceClass: d.instanceClass, hourlyOnDemand: hourly, discount, multiAz: d.multiAz },
        action: { _tag: "PurchaseCommitment", commitment: "reserved-instance", termYears: 1, hourlyCommitment: MicroUsd.make(Math.round(hourly * (1 - discount))) }
      })
    ]
  }
  return []
})
