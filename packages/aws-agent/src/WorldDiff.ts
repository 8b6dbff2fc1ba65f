/**
 * World_n -> World_n+1 as a pure function: resources added, removed and
 * changed (matched by ARN), the cost, score and utilization deltas, and the
 * findings that appeared or were resolved.
 */
import { MicroUsd, type Resource, ResourceChange, WorldDiff, type WorldState } from "@miyabi/types"

/** Scalar leaves of a value as dotted paths: details.instanceType, tags.Owner. */
const leaves = (value: unknown, prefix: string, out: Map<string, string>): void => {
  if (value instanceof Date) out.set(prefix, value.toISOString())
  else if (Array.isArray(value)) out.set(prefix, JSON.stringify(value))
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) leaves(v, prefix === "" ? k : `${prefix}.${k}`, out)
  } else if (value !== undefined) out.set(prefix, JSON.stringify(value))
}

/** What differs between two readings of one resource. Utilization is a reading, not a change, and is left out. */
export const changedFields = (before: Resource, after: Resource): ReadonlyArray<string> => {
  const a = new Map<string, string>()
  const b = new Map<string, string>()
  const comparable = (r: Resource) => ({ state: r.state, name: r.name, monthlyCost: r.monthlyCost, tags: r.tags, dependencies: r.dependencies, details: r.details })
  leaves(comparable(before), "", a)
  leaves(comparable(after), "", b)
  const keys = new Set([...a.keys(), ...b.keys()])
  return [...keys].filter((k) => a.get(k) !== b.get(k)).sort()
}

const clamp = (n: number) => Math.max(-100, Math.min(100, Math.round(n * 1000) / 1000))

export const diff = (from: WorldState, to: WorldState): WorldDiff => {
  const before = new Map(from.resources.map((r) => [r.arn, r]))
  const after = new Map(to.resources.map((r) => [r.arn, r]))
  const changed: Array<ResourceChange> = []
  for (const [arn, b] of before) {
    const a = after.get(arn)
    if (a === undefined) continue
    const fields = changedFields(b, a)
    if (fields.length > 0) changed.push(ResourceChange.make({ resource: a.ref, fields, before: b, after: a }))
  }
  const findingsBefore = new Set(from.findings.map((f) => f.id))
  const findingsAfter = new Set(to.findings.map((f) => f.id))
  return WorldDiff.make({
    from: from.timestamp,
    to: to.timestamp,
    added: to.resources.filter((r) => !before.has(r.arn)),
    removed: from.resources.filter((r) => !after.has(r.arn)),
    changed,
    monthlyCostDelta: MicroUsd.make(to.monthlyCost - from.monthlyCost),
    securityScoreDelta: clamp(to.securityScore - from.securityScore),
    averageUtilizationDelta: clamp(to.averageUtilization - from.averageUtilization),
    findingsAdded: [...findingsAfter].filter((id) => !findingsBefore.has(id)),
    findingsResolved: [...findingsBefore].filter((id) => !findingsAfter.has(id))
  })
}
