/**
 * θ3: every rule over every resource of a world, gated by θ6's confidence,
 * one cost change per resource (the biggest saving), ranked by priority then
 * savings. Pure: the same world, catalog and options give the same plan.
 */
import {
  BlastRadius,
  Change,
  type ChangeId,
  type CycleId,
  ExecutionPlan,
  type FindingId,
  MicroUsd,
  type Resource,
  type ResourceRef,
  type RuleId,
  type RuleStats,
  type WorldState
} from "@miyabi/types"
import type { PriceCatalog } from "../pricing/PricingCatalog.js"
import type { MetricStats } from "../utilization/MetricStats.js"
import { Advice } from "./Advice.js"
import { type BlastRadiusSummary, summarize } from "./BlastRadiusSummary.js"
import { config as makeConfig, type OptimizeConfig } from "./Config.js"
import { ruleGate, scaleSavings } from "./Confidence.js"
import { PRIORITY_RANK, priorityOf } from "./Priority.js"
import type { Evidence, OptimizeRule, Proposal, RuleContext } from "./RuleKit.js"
import { rules as allRules } from "./Rules.js"

export interface OptimizeOptions {
  readonly cycleId: CycleId
  /** The plan's createdAt; defaults to the world's timestamp so a plan is reproducible. */
  readonly now?: Date
  readonly config?: Partial<OptimizeConfig>
  /** θ6's per-rule statistics. */
  readonly ruleStats?: ReadonlyMap<RuleId, RuleStats>
  /** Discovery's p50/p95/max of each resource's main series, by ARN (`Discovery.run(...).utilizationStats`). */
  readonly utilizationStats?: ReadonlyMap<string, MetricStats>
  readonly rules?: ReadonlyArray<OptimizeRule>
}

export interface Optimization {
  readonly plan: ExecutionPlan
  readonly advice: ReadonlyArray<Advice>
  /** The facts behind each change. */
  readonly evidence: ReadonlyMap<ChangeId, Evidence>
  readonly summary: BlastRadiusSummary
  /** Resources no rule looked at, and why (protected tag). */
  readonly excluded: ReadonlyArray<{ readonly resource: ResourceRef; readonly reason: string }>
}

const key = (account: string, region: string, id: string) => `${account}|${region}|${id}`

/** The lookups a rule gets; exported for tests of single rules. */
export const ruleContext = (world: WorldState, catalog: PriceCatalog, config: OptimizeConfig, stats?: ReadonlyMap<string, MetricStats>): RuleContext => {
  const index = new Map(world.resources.map((r) => [key(r.account, r.region, r.id), r]))
  const findings = new Map<string, Array<{ rule: string; id: FindingId }>>()
  for (const f of world.findings) findings.set(f.resource.arn, [...(findings.get(f.resource.arn) ?? []), { rule: f.rule, id: f.id }])
  return {
    world,
    catalog,
    config,
    byId: (from, id) => index.get(key(from.account, from.region, id)),
    p95: (r) => (r.utilization?.metric === "CPUUtilization" ? stats?.get(r.arn)?.p95 : undefined),
    findingsOf: (r, rules) => (findings.get(r.arn) ?? []).filter((f) => rules.includes(f.rule)).map((f) => f.id)
  }
}

export const isProtected = (r: Resource, config: OptimizeConfig): boolean => r.tags[config.protectedTagKey]?.toLowerCase() === "true"

type Gated = { readonly change: Change; readonly evidence: Evidence } | Advice

const gate = (p: Proposal, rule: OptimizeRule, options: OptimizeOptions, config: OptimizeConfig): Gated => {
  const g = ruleGate(rule.id, options.ruleStats ?? new Map(), config)
  if (p._tag === "Advice") return Advice.make({ ...p.advice, expectedMonthlySavings: MicroUsd.make(scaleSavings(p.advice.expectedMonthlySavings, g.confidence)) })
  const c = p.change
  const savings = MicroUsd.make(scaleSavings(c.expectedMonthlySavings, g.confidence))
  const priority = priorityOf(savings, p.severity)
  if (g.adviceOnly !== undefined) {
    return Advice.make({
      rule: c.rule,
      resource: c.resource,
      findings: c.findings,
      reason: "advice-only-rule",
      summary: `${c.summary} (advice only: rule ${g.adviceOnly})`,
      priority,
      risk: c.risk,
      expectedMonthlySavings: savings,
      evidence: { ...p.evidence, ruleConfidence: g.confidence },
      action: c.action,
      ...(c.rollback === undefined ? {} : { rollback: c.rollback })
    })
  }
  return { change: Change.make({ ...c, expectedMonthlySavings: savings, priority, confidence: g.confidence }), evidence: { ...p.evidence, rawMonthlySavings: c.expectedMonthlySavings } }
}

const byRank = (a: Change, b: Change) =>
  PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || b.expectedMonthlySavings - a.expectedMonthlySavings || a.id.localeCompare(b.id)

export const optimize = (world: WorldState, catalog: PriceCatalog, options: OptimizeOptions): Optimization => {
  const config = makeConfig(options.config)
  const ctx = ruleContext(world, catalog, config, options.utilizationStats)
  const excluded: Array<{ resource: ResourceRef; reason: string }> = []
  const changes: Array<{ change: Change; evidence: Evidence }> = []
  const advice: Array<Advice> = []
  for (const r of world.resources) {
    if (isProtected(r, config)) {
      excluded.push({ resource: r.ref, reason: `tag ${config.protectedTagKey}=true` })
      continue
    }
    for (const rule of options.rules ?? allRules) {
      for (const p of rule.propose(r, ctx)) {
        const g = gate(p, rule, options, config)
        if (g instanceof Advice) advice.push(g)
        else changes.push(g)
      }
    }
  }
  // One cost change per resource: two resizes (or a stop and a resize) of one instance conflict.
  const bestCost = new Map<string, Change>()
  for (const { change } of changes) {
    if (!change.rule.startsWith("cost.")) continue
    const held = bestCost.get(change.resource.arn)
    if (held === undefined || change.expectedMonthlySavings > held.expectedMonthlySavings) bestCost.set(change.resource.arn, change)
  }
  const kept = changes.filter(({ change }) => !change.rule.startsWith("cost.") || bestCost.get(change.resource.arn) === change)
  const ordered = kept.map((k) => k.change).sort(byRank)
  const changed = new Set(ordered.map((c) => c.resource.arn))
  // A commitment is sized after right-sizing: no purchase advice for a resource that changes.
  const keptAdvice = advice.filter((a) => a.reason !== "commitment" || !changed.has(a.resource.arn))
  const plan = ExecutionPlan.make({
    cycleId: options.cycleId,
    createdAt: options.now ?? world.timestamp,
    changes: ordered,
    expectedMonthlySavings: MicroUsd.make(ordered.reduce((a, c) => a + c.expectedMonthlySavings, 0)),
    blastRadius: BlastRadius.make(config.blastRadius),
    protectedTagKeys: [config.protectedTagKey]
  })
  return {
    plan,
    advice: keptAdvice.sort((a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || b.expectedMonthlySavings - a.expectedMonthlySavings),
    evidence: new Map(kept.map((k) => [k.change.id, k.evidence])),
    summary: summarize(ordered, world, plan.blastRadius),
    excluded
  }
}
