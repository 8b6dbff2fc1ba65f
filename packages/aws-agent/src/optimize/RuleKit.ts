/**
 * What an optimization rule is and what it may look up. A rule is a pure
 * function from one resource (and the world, the catalog, the config) to
 * proposals: changes for θ4, or advice.
 */
import {
  Change,
  type ChangeAction,
  ChangeId,
  type EvidenceValue,
  type FindingId,
  MicroUsd,
  type Precondition,
  type Resource,
  type ResourceDetails,
  type Risk,
  RuleId,
  type Severity,
  type Utilization,
  type WorldState
} from "@miyabi/types"
import { monthlyCost, type PriceCatalog } from "../pricing/PricingCatalog.js"
import { Advice, type AdviceReason } from "./Advice.js"
import type { OptimizeConfig } from "./Config.js"
import { priorityOf } from "./Priority.js"
import type { Load } from "./Sizing.js"

export interface RuleContext {
  readonly world: WorldState
  readonly catalog: PriceCatalog
  readonly config: OptimizeConfig
  /** Another resource of the same account and region by id. */
  readonly byId: (from: Resource, id: string) => Resource | undefined
  /** p95 of the resource's main hourly series (CPU), when discovery kept it. */
  readonly p95: (resource: Resource) => number | undefined
  /** Ids of the world's findings on this resource from these finding rules. */
  readonly findingsOf: (resource: Resource, rules: ReadonlyArray<string>) => ReadonlyArray<FindingId>
}

export type Proposal =
  | { readonly _tag: "Change"; readonly change: Change; readonly evidence: Evidence; readonly severity?: Severity }
  | { readonly _tag: "Advice"; readonly advice: Advice }
export type Evidence = Readonly<Record<string, EvidenceValue>>

export interface OptimizeRule {
  readonly id: RuleId
  readonly description: string
  /** Finding rules (θ1) this rule acts on; their ids are linked from the changes. */
  readonly addresses: ReadonlyArray<string>
  readonly propose: (resource: Resource, context: RuleContext) => ReadonlyArray<Proposal>
}

export const optimizeRule = (id: string, description: string, addresses: ReadonlyArray<string>, propose: OptimizeRule["propose"]): OptimizeRule => ({
  id: RuleId.make(id),
  description,
  addresses,
  propose
})

/** FNV-1a, for short stable ids. */
const hash = (s: string): string => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0
  return h.toString(36)
}

export const changeId = (rule: RuleId, resource: Resource): ChangeId =>
  ChangeId.make(`${rule}:${hash(resource.arn)}:${resource.id.replace(/[^A-Za-z0-9_.:-]/g, "_")}`.slice(0, 128))

/** The resource's monthly cost with other details (and state), priced by the catalog like discovery prices it. */
export const costWith = (catalog: PriceCatalog, r: Resource, details: ResourceDetails, state = r.state): number =>
  monthlyCost(catalog, { ...r, details, state } as Resource)

/** Preconditions every change carries: nobody changed it since discovery, not protected, in the state seen. */
export const basePreconditions = (r: Resource, ctx: RuleContext): Array<Precondition> => [
  { _tag: "UnchangedSince", at: ctx.world.timestamp },
  { _tag: "TagAbsent", key: ctx.config.protectedTagKey },
  { _tag: "StateIs", state: r.state }
]

export interface ChangeDraft {
  readonly summary: string
  readonly action: ChangeAction
  readonly rollback: ChangeAction
  readonly savings: number
  readonly risk: Risk
  readonly evidence: Evidence
  readonly severity?: Severity
  readonly preconditions?: ReadonlyArray<Precondition>
  /** Distinguishes several changes of one rule on one resource. */
  readonly idSuffix?: string
}

export const change = (rule: OptimizeRule, r: Resource, ctx: RuleContext, d: ChangeDraft): Proposal => {
  const savings = MicroUsd.make(Math.max(0, Math.round(d.savings)))
  return {
    _tag: "Change",
    evidence: d.evidence,
    ...(d.severity === undefined ? {} : { severity: d.severity }),
    change: Change.make({
      id: d.idSuffix === undefined ? changeId(rule.id, r) : ChangeId.make(`${changeId(rule.id, r).slice(0, 120)}-${d.idSuffix}`),
      rule: rule.id,
      resource: r.ref,
      findings: [...ctx.findingsOf(r, rule.addresses)],
      summary: d.summary,
      priority: priorityOf(savings, d.severity),
      action: d.action,
      rollback: d.rollback,
      preconditions: [...basePreconditions(r, ctx), ...(d.preconditions ?? [])],
      expectedMonthlySavings: savings,
      risk: d.risk,
      confidence: 1
    })
  }
}

export interface AdviceDraft {
  readonly reason: AdviceReason
  readonly summary: string
  readonly savings: number
  readonly risk: Risk
  readonly evidence: Evidence
  readonly action?: ChangeAction
  readonly rollback?: ChangeAction
}

export const advice = (rule: OptimizeRule, r: Resource, ctx: RuleContext, d: AdviceDraft): Proposal => {
  const savings = MicroUsd.make(Math.max(0, Math.round(d.savings)))
  return {
    _tag: "Advice",
    advice: Advice.make({
      rule: rule.id,
      resource: r.ref,
      findings: [...ctx.findingsOf(r, rule.addresses)],
      reason: d.reason,
      summary: d.summary,
      priority: priorityOf(savings),
      risk: d.risk,
      expectedMonthlySavings: savings,
      evidence: { ...d.evidence },
      ...(d.action === undefined ? {} : { action: d.action }),
      ...(d.rollback === undefined ? {} : { rollback: d.rollback })
    })
  }
}

/** Utilization-based rules need this much history; otherwise they say so. */
export const hasHistory = (r: Resource, ctx: RuleContext): boolean => (r.utilization?.datapoints ?? 0) >= ctx.config.minHistoryHours

/**
 * What a running instance or database has asked of its size over the window:
 * p95 CPU (never above the peak) and peak CPU, and memory when it is
 * reported. Right-sizing fits candidate sizes to this.
 */
export const observedLoad = (r: Resource, u: Utilization, size: { readonly vcpus: number; readonly memoryGiB: number }, ctx: RuleContext): Load => {
  const peak = u.peakPercent ?? u.averagePercent
  return {
    vcpus: size.vcpus,
    memoryGiB: size.memoryGiB,
    p95Percent: Math.min(peak, ctx.p95(r) ?? peak),
    peakPercent: peak,
    ...(u.memoryAveragePercent === undefined ? {} : { memoryPercent: u.memoryAveragePercent })
  }
}

export const insufficientData = (rule: OptimizeRule, r: Resource, ctx: RuleContext, what: string): Proposal =>
  advice(rule, r, ctx, {
    reason: "insufficient-data",
    summary: `${r.id}: insufficient data for ${what} (${r.utilization?.datapoints ?? 0} of ${ctx.config.minHistoryHours} hours of metrics needed)`,
    savings: 0,
    risk: "low",
    evidence: { datapoints: r.utilization?.datapoints ?? 0, minHistoryHours: ctx.config.minHistoryHours }
  })

export const usd = (micros: number): string => `$${(micros / 1_000_000).toFixed(2)}`
