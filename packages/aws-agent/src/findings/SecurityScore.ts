/**
 * The security score, 0..100: 100 when no resource has a security finding.
 *
 * Each resource that can carry a security finding (security groups, volumes,
 * buckets, databases) has a risk between 0 and 1: the sum of its findings'
 * weights, capped at 1. The score is 100 x (1 - mean risk) over those
 * resources, so it reads "how much of the estate is exposed, and how badly",
 * and does not fall to zero just because an estate is large.
 */
import type { Finding, Resource, ResourceKind, Severity } from "@miyabi/types"

/** Weight of one security finding by severity (a resource's risk is capped at 1). */
export const SEVERITY_WEIGHT: Readonly<Record<Severity, number>> = {
  /** Reachable from the internet with data behind it: one is the whole risk. */
  critical: 1,
  /** Exposure of a login port or a bucket without full public access block; unencrypted database. */
  high: 0.6,
  /** Data at rest without encryption. */
  medium: 0.3,
  low: 0.1,
  info: 0
}

/** The kinds security rules look at; other kinds do not dilute the score. */
export const SCORED_KINDS: ReadonlySet<ResourceKind> = new Set(["security-group", "ebs-volume", "s3-bucket", "rds-instance"])

export const securityScore = (resources: ReadonlyArray<Resource>, findings: ReadonlyArray<Finding>): number => {
  const scored = resources.filter((r) => SCORED_KINDS.has(r.kind))
  if (scored.length === 0) return 100
  const risk = new Map<string, number>()
  for (const f of findings) {
    if (f.category !== "security") continue
    risk.set(f.resource.arn, Math.min(1, (risk.get(f.resource.arn) ?? 0) + SEVERITY_WEIGHT[f.severity]))
  }
  const total = scored.reduce((a, r) => a + (risk.get(r.arn) ?? 0), 0)
  return Math.round(1000 * (100 * (1 - total / scored.length))) / 1000
}
