/**
 * A finding rule: a pure function from one resource (and what it may look
 * up: the catalog, the other resources by id) to at most a few findings.
 */
import { type EvidenceValue, Finding, type FindingCategory, findingId, MicroUsd, type Resource, RuleId, type Severity } from "@miyabi/types"
import type { PriceCatalog } from "../pricing/PricingCatalog.js"

export interface RuleContext {
  readonly catalog: PriceCatalog
  /** Resources of the same account and region by their id (volumes of an instance...). */
  readonly byId: (resource: Resource, id: string) => Resource | undefined
}

export interface Draft {
  readonly severity: Severity
  readonly summary: string
  readonly evidence: Readonly<Record<string, EvidenceValue>>
  readonly impact: number
}

export interface Rule {
  readonly id: RuleId
  readonly category: FindingCategory
  /** What the rule looks for, for docs and the CLI. */
  readonly description: string
  readonly check: (resource: Resource, context: RuleContext) => Draft | undefined
}

export const rule = (id: string, description: string, check: Rule["check"]): Rule => {
  const ruleId = RuleId.make(id)
  return { id: ruleId, category: id.startsWith("security.") ? "security" : "cost", description, check }
}

export const toFinding = (r: Rule, resource: Resource, draft: Draft): Finding =>
  Finding.make({
    id: findingId(r.id, resource.ref),
    category: r.category,
    rule: r.id,
    severity: draft.severity,
    resource: resource.ref,
    summary: draft.summary,
    evidence: { ...draft.evidence },
    estimatedMonthlyImpact: MicroUsd.make(Math.max(0, Math.round(draft.impact)))
  }, true)

/** Cost findings: medium from $100 a month, high from $1,000. */
export const costSeverity = (impactMicros: number): Severity =>
  impactMicros >= 1_000_000_000 ? "high" : impactMicros >= 100_000_000 ? "medium" : "low"

export const usd = (micros: number): string => `$${(micros / 1_000_000).toFixed(2)}`
