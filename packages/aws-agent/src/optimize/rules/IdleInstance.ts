/**
 * Stop idle instances: average CPU under the idle threshold and no peak
 * above the idle peak over a full history. Stopping keeps the volumes (still
 * billed) and is undone by starting it; instance-store data is lost, so
 * instance-store types need approval.
 */
import type { Resource } from "@miyabi/types"
import { change, costWith, hasHistory, optimizeRule, type Proposal, usd } from "../RuleKit.js"

const hasInstanceStore = (type: string): boolean => /^[a-z]+\d+[a-z]*d[a-z]*\./.test(type) || /^(i\d|d\d|h1)/.test(type)

export const idleInstance = optimizeRule("cost.stop-idle-instance", "Stop a running instance that has been idle for the whole window", ["cost.idle-instance"], (r: Resource, ctx): ReadonlyArray<Proposal> => {
  const d = r.details
  if (d._tag !== "ec2-instance" || r.state !== "running" || r.tags["aws:autoscaling:groupName"] !== undefined || d.lifecycle === "spot") return []
  const u = r.utilization
  if (u === undefined || u.metric !== "CPUUtilization" || !hasHistory(r, ctx)) return []
  const peak = u.peakPercent ?? u.averagePercent
  if (u.averagePercent >= ctx.config.idleAveragePercent || peak >= ctx.config.idlePeakPercent) return []
  const savings = costWith(ctx.catalog, r, d) - costWith(ctx.catalog, r, d, "stopped")
  const store = hasInstanceStore(d.instanceType)
  return [
    change(idleInstance, r, ctx, {
      summary: `${r.id} (${d.instanceType}) is idle (avg ${u.averagePercent.toFixed(1)} %, peak ${peak.toFixed(1)} % CPU over ${u.windowDays} days): stop it, saves ${usd(savings)}/month`,
      action: { _tag: "StopInstance" },
      rollback: { _tag: "StartInstance" },
      savings,
      risk: "medium",
      preconditions: [
        { _tag: "UtilizationBelow", percent: ctx.config.idlePeakPercent },
        ...(store ? [{ _tag: "ManualApproval" as const, reason: `${d.instanceType} has instance store: stopping erases it` }] : [])
      ],
      evidence: { "CPUUtilization.average": u.averagePercent, "CPUUtilization.peak": peak, windowDays: u.windowDays, datapoints: u.datapoints, instanceStore: store }
    })
  ]
})
