/**
 * Release Elastic IPs associated with nothing. The inverse asks for the same
 * address back, which AWS grants only while nobody else took it: the risk is
 * medium because allow-lists elsewhere may name the address.
 */
import { change, optimizeRule, type Proposal, usd } from "../RuleKit.js"

export const unassociatedAddress = optimizeRule("cost.release-address", "Release an Elastic IP associated with nothing", ["cost.unassociated-eip"], (r, ctx): ReadonlyArray<Proposal> => {
  const d = r.details
  if (d._tag !== "elastic-ip" || d.associationId !== undefined || d.instanceId !== undefined || d.networkInterfaceId !== undefined) return []
  return [
    change(unassociatedAddress, r, ctx, {
      summary: `${d.publicIp} (${r.id}) is associated with nothing: release it, saves ${usd(r.monthlyCost)}/month`,
      action: { _tag: "ReleaseAddress", publicIp: d.publicIp },
      rollback: { _tag: "AllocateAddress", publicIp: d.publicIp },
      savings: r.monthlyCost,
      risk: "medium",
      evidence: { publicIp: d.publicIp, allocationId: d.allocationId, caveat: "a released address comes back only if nobody else allocated it" }
    })
  ]
})
