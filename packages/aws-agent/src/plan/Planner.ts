/**
 * θ2 Planning: from a world and its findings, a cost plan and a security
 * plan (current vs target cost and score, each recommendation with its
 * evidence) and infrastructure code for the resources they touch. The
 * recommendations are θ3's rules' output seen as a plan: changes, then
 * advice worth a person's look; security findings no rule can fix in place
 * stay in the security plan without an action.
 */
import {
  type ChangeAction,
  type ChangeId,
  type ChangePriority,
  type CycleId,
  type EvidenceValue,
  type Finding,
  type FindingId,
  MicroUsd,
  Plan,
  Recommendation,
  type Resource,
  type Risk,
  type WorldState
} from "@miyabi/types"
import { securityScore } from "../findings/Findings.js"
import { optimize, type Optimization, type OptimizeOptions } from "../optimize/Optimizer.js"
import type { PriceCatalog } from "../pricing/PricingCatalog.js"
import { applyAction } from "./ApplyAction.js"
import { cloudFormation } from "./CloudFormation.js"
import { terraform } from "./Terraform.js"

export interface PlanItem {
  readonly recommendation: Recommendation
  readonly evidence: Readonly<Record<string, EvidenceValue>>
  readonly priority: ChangePriority
  readonly risk: Risk
  /** "change": θ4 can apply it; "advice": a person decides; "finding": no automatic fix exists. */
  readonly kind: "change" | "advice" | "finding"
  readonly changeId?: ChangeId
  readonly rollback?: ChangeAction
}

/** A touched resource: as discovered, as planned (undefined: removed), and the actions between. */
export interface Touched {
  readonly before: Resource
  readonly after: Resource | undefined
  readonly actions: ReadonlyArray<ChangeAction>
}

export interface PlanResult {
  readonly plan: Plan
  readonly cost: {
    readonly current: MicroUsd
    /** After the plan's changes (advice not counted). */
    readonly target: MicroUsd
    /** After the changes and every piece of advice with savings. */
    readonly targetWithAdvice: MicroUsd
    readonly items: ReadonlyArray<PlanItem>
  }
  readonly security: {
    readonly current: number
    readonly target: number
    readonly fixedFindings: ReadonlyArray<FindingId>
    readonly items: ReadonlyArray<PlanItem>
  }
  readonly touched: ReadonlyArray<Touched>
  readonly optimization: Optimization
}

export interface PlanOptions extends OptimizeOptions {
  readonly cycleId: CycleId
}

const recommendation = (r: Omit<ConstructorParameters<typeof Recommendation>[0], "expectedMonthlySavings"> & { expectedMonthlySavings: number }) =>
  Recommendation.make({ ...r, expectedMonthlySavings: MicroUsd.make(r.expectedMonthlySavings) })

const NO_FIX: Readonly<Record<string, string>> = {
  "security.unencrypted-volume": "copy through an encrypted snapshot and swap the volume (not in place)",
  "security.unencrypted-database": "restore an encrypted snapshot copy and cut over (not in place)"
}

export const plan = (world: WorldState, catalog: PriceCatalog, options: PlanOptions): PlanResult => {
  const o = optimize(world, catalog, options)
  const items: Array<PlanItem> = []
  for (const c of o.plan.changes) {
    items.push({
      recommendation: recommendation({ category: c.rule.startsWith("security.") ? "security" : "cost", rule: c.rule, resource: c.resource, findings: c.findings, summary: c.summary, expectedMonthlySavings: c.expectedMonthlySavings, action: c.action }),
      evidence: o.evidence.get(c.id) ?? {},
      priority: c.priority,
      risk: c.risk,
      kind: "change",
      changeId: c.id,
      ...(c.rollback === undefined ? {} : { rollback: c.rollback })
    })
  }
  for (const a of o.advice) {
    if (a.reason === "insufficient-data") continue
    items.push({
      recommendation: recommendation({
        category: a.rule.startsWith("security.") ? "security" : "cost",
        rule: a.rule,
        resource: a.resource,
        findings: a.findings,
        summary: a.summary,
        expectedMonthlySavings: a.expectedMonthlySavings,
        ...(a.action === undefined ? {} : { action: a.action })
      }),
      evidence: a.evidence,
      priority: a.priority,
      risk: a.risk,
      kind: "advice",
      ...(a.rollback === undefined ? {} : { rollback: a.rollback })
    })
  }
  const securityChanges = o.plan.changes.filter((c) => c.rule.startsWith("security."))
  const fixed = new Set<FindingId>(securityChanges.flatMap((c) => c.findings))
  const protectedArns = new Set(o.excluded.map((e) => e.resource.arn))
  // Security findings no change fixes: listed with the finding as evidence.
  const open: ReadonlyArray<Finding> = world.findings.filter((f) => f.category === "security" && !fixed.has(f.id))
  for (const f of open) {
    items.push({
      recommendation: recommendation({
        category: "security",
        rule: f.rule,
        resource: f.resource,
        findings: [f.id],
        summary: `${f.summary}: ${protectedArns.has(f.resource.arn) ? "protected resource, fix by hand" : NO_FIX[f.rule] ?? "fix by hand"}`,
        expectedMonthlySavings: 0
      }),
      evidence: f.evidence,
      priority: f.severity === "critical" ? "P0" : f.severity === "high" ? "P1" : f.severity === "medium" ? "P2" : "P3",
      risk: "medium",
      kind: "finding"
    })
  }
  const costItems = items.filter((i) => i.recommendation.category === "cost")
  const securityItems = items.filter((i) => i.recommendation.category === "security")
  const changeSavings = o.plan.expectedMonthlySavings
  const adviceSavings = o.advice.reduce((a, x) => a + x.expectedMonthlySavings, 0)
  const touched = touchedResources(world, items)
  const planDoc = Plan.make({
    cycleId: options.cycleId,
    createdAt: options.now ?? world.timestamp,
    worldTimestamp: world.timestamp,
    costPlan: costItems.map((i) => i.recommendation),
    securityPlan: securityItems.map((i) => i.recommendation),
    iac: [...cloudFormation(touched), ...terraform(touched)]
  })
  return {
    plan: planDoc,
    cost: {
      current: world.monthlyCost,
      target: MicroUsd.make(Math.max(0, world.monthlyCost - changeSavings)),
      targetWithAdvice: MicroUsd.make(Math.max(0, world.monthlyCost - changeSavings - adviceSavings)),
      items: costItems
    },
    security: {
      current: world.securityScore,
      target: securityScore(world.resources, world.findings.filter((f) => !fixed.has(f.id))),
      fixedFindings: [...fixed],
      items: securityItems
    },
    touched,
    optimization: o
  }
}

/** Resources with at least one change or actionable advice, with the actions applied in plan order. */
const touchedResources = (world: WorldState, items: ReadonlyArray<PlanItem>): ReadonlyArray<Touched> => {
  const byArn = new Map(world.resources.map((r) => [r.arn as string, r]))
  const actions = new Map<string, Array<ChangeAction>>()
  for (const i of items) {
    const a = i.recommendation.action
    if (a === undefined || a._tag === "PurchaseCommitment") continue
    actions.set(i.recommendation.resource.arn, [...(actions.get(i.recommendation.resource.arn) ?? []), a])
  }
  return [...actions].flatMap(([arn, as]) => {
    const before = byArn.get(arn)
    if (before === undefined) return []
    const after = as.reduce<Resource | undefined>((r, a) => (r === undefined ? undefined : applyAction(r, a)), before)
    return [{ before, after, actions: as }]
  })
}
