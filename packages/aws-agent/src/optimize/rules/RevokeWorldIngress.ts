/**
 * Close internet ingress on a security group θ1 flagged (SSH, RDP, database
 * ports, all traffic): revoke only the 0.0.0.0/0 and ::/0 part of each such
 * permission, one change per permission, so other sources keep access.
 */
import { IngressRule } from "@miyabi/types"
import { change, optimizeRule, type Proposal } from "../RuleKit.js"
import { findingsOn, worstSeverity } from "./SecurityKit.js"

const WORLD = new Set(["0.0.0.0/0", "::/0"])

export const INGRESS_FINDINGS: ReadonlyArray<string> = ["security.open-ssh", "security.open-rdp", "security.open-database-port", "security.open-all-ports"]

/** The part of a permission that admits the internet. */
export const worldPart = (p: IngressRule): IngressRule | undefined => {
  const v4 = p.ipv4Ranges.filter((c) => WORLD.has(c))
  const v6 = p.ipv6Ranges.filter((c) => WORLD.has(c))
  return v4.length + v6.length === 0 ? undefined : IngressRule.make({ ...p, ipv4Ranges: v4, ipv6Ranges: v6, sourceGroupIds: [] })
}

export const revokeWorldIngress = optimizeRule(
  "security.revoke-world-ingress",
  "Revoke ingress from 0.0.0.0/0 and ::/0 on a group with an exposure finding",
  INGRESS_FINDINGS,
  (r, ctx): ReadonlyArray<Proposal> => {
    const d = r.details
    const fs = findingsOn(r, ctx, INGRESS_FINDINGS)
    if (d._tag !== "security-group" || fs.length === 0) return []
    return d.ingress.flatMap((p, i) => {
      const world = worldPart(p)
      if (world === undefined) return []
      const ports = p.protocol === "-1" ? "all ports" : `${p.protocol} ${p.fromPort ?? 0}-${p.toPort ?? 65535}`
      return [
        change(revokeWorldIngress, r, ctx, {
          summary: `${r.id} (${d.groupName}): revoke internet ingress on ${ports}`,
          action: { _tag: "RevokeIngress", rule: world },
          rollback: { _tag: "AuthorizeIngress", rule: world },
          savings: 0,
          ...worstSeverity(fs),
          // Whoever reached the port from outside loses access.
          risk: "medium",
          idSuffix: String(i),
          evidence: { ports, cidrs: [...world.ipv4Ranges, ...world.ipv6Ranges].join(","), attachments: d.attachments ?? null }
        })
      ]
    })
  }
)
