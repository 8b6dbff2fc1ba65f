/**
 * A completed cycle as Markdown: World_n -> World_n+1, what was deployed,
 * what θ5 saw, what θ6 learned, and how far World∞ is. Pure.
 */
import { type DeploymentRecord, type ExecutionPlan, Money, MicroUsd, type RuleStats } from "@miyabi/types"
import type { AgentCycleReport } from "./AgentCycle.js"
import type { LearnOutput } from "./AgentCycleData.js"

const usd = (micros: number): string => Money.format(MicroUsd.make(Math.round(micros)))
const cell = (value: unknown): string => String(value ?? "").replace(/\|/g, "\\|").replace(/\n/g, " ")
const table = (head: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<unknown>>): string =>
  [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)].join("\n")

/** realized / predicted of a rule's totals, as a percentage, or "n/a". */
export const realizedShare = (s: RuleStats): string =>
  s.predictedMonthlySavings === 0 ? "n/a" : `${((s.realizedMonthlySavings / s.predictedMonthlySavings) * 100).toFixed(0)} %`

export const renderRulesTable = (rules: ReadonlyArray<RuleStats>, adviceOnly: ReadonlySet<string>): string =>
  table(
    ["rule", "applied", "rolled back", "predicted/month", "realized/month", "realized share", "confidence", "auto-apply"],
    rules.map((s) => [s.rule, s.applied, s.rolledBack, usd(s.predictedMonthlySavings), usd(s.realizedMonthlySavings), realizedShare(s), s.confidence.toFixed(2), adviceOnly.has(s.rule) ? "no (advice only)" : "yes"])
  )

/** Changes that stuck without a measurable saving (no before-cost): left out of the totals, one line each; none when every change was measured. */
export const unmeasuredLines = (learn: LearnOutput): ReadonlyArray<string> =>
  (learn.unmeasured ?? []).map((u) => `Not measured, left out of the totals: ${u.changeId} (${u.rule}): ${u.reason}.`)

/** θ6's part: outcomes, per-rule statistics, changes left unmeasured, recommendations. */
export const renderLearningMarkdown = (learn: LearnOutput): string => {
  const adviceOnly = new Set(learn.recommendations.filter((x) => x.kind === "advice-only").map((x) => x.rule))
  return [
    "## Learning (θ6)",
    "",
    `Predicted ${usd(learn.record.predictedMonthlySavings)}/month, realized ${usd(learn.record.realizedMonthlySavings)}/month over ${learn.record.outcomes.length} outcome(s).`,
    "",
    ...unmeasuredLines(learn).flatMap((line) => [line, ""]),
    learn.record.rules.length === 0 ? "No rule has statistics yet." : renderRulesTable(learn.record.rules, adviceOnly),
    "",
    ...(learn.recommendations.length === 0 ? ["No recommendation for the next cycle."] : ["Next cycle:", "", ...learn.recommendations.map((x) => `- ${x.message}`)]),
    ""
  ].join("\n")
}

/** θ4's record: one row per change, with the state its resource was read in, or "not read" (a skipped change recorded without a before-state). */
export const renderExecutionsMarkdown = (record: DeploymentRecord, plan: ExecutionPlan): string => {
  const byId = new Map(plan.changes.map((c) => [c.id as string, c]))
  return record.executions.length === 0
    ? "No changes."
    : table(
        ["status", "rule", "resource", "before", "savings/month", "reason"],
        record.executions.map((e) => {
          const c = byId.get(e.changeId)
          return [e.status, c?.rule, e.resource.id, e.before?.state ?? "not read", c === undefined ? "" : usd(c.expectedMonthlySavings), e.reason ?? ""]
        })
      )
}

export const renderCycleMarkdown = (r: AgentCycleReport): string => {
  const w0 = r.world0.world
  const w1 = r.world1.world
  const d = r.learn.delta
  const observation = r.monitor.observation
  return [
    `# Cycle ${r.cycleId}`,
    "",
    r.deployment.mode === "dry-run" ? "A dry run: nothing was changed." : `Applied with approval of ${r.deployment.approvedBy ?? "?"}.`,
    "",
    "## World_n -> World_n+1",
    "",
    table(
      ["", "World_n", "World_n+1", "delta"],
      [
        ["resources", w0.resources.length, w1.resources.length, `${d.changedResources} changed, ${d.addedResources} added, ${d.removedResources} removed`],
        ["monthly cost", usd(w0.monthlyCost), usd(w1.monthlyCost), `${usd(d.costDelta)} (${d.costChangePct.toFixed(1)} %)`],
        ["security score", w0.securityScore, w1.securityScore, d.scoreDelta.toFixed(1)],
        ["average utilization", `${w0.averageUtilization} %`, `${w1.averageUtilization} %`, d.utilizationDelta.toFixed(1)]
      ]
    ),
    "",
    "## Plan (θ2, θ3)",
    "",
    `${r.plan.changesProposed} change(s) proposed, ${r.plan.plan.changes.length} taken into the deployment, ${r.plan.adviceCount} piece(s) of advice. ` +
      `Cost ${usd(r.plan.cost.current)} -> ${usd(r.plan.cost.target)} planned; score ${r.plan.security.current.toFixed(1)} -> ${r.plan.security.target.toFixed(1)}.`,
    "",
    "## Deployment (θ4)",
    "",
    `Deployment ${r.deployment.id}: ${r.deployment.status}.`,
    "",
    renderExecutionsMarkdown(r.deployment, r.plan.plan),
    "",
    "## Monitoring (θ5)",
    "",
    observation === null
      ? r.monitor.note
      : [
          `Verdict: **${observation.verdict}**; watched ${observation.windowStart.toISOString()} .. ${observation.windowEnd.toISOString()}; rolled back: ${observation.rolledBack.length === 0 ? "none" : observation.rolledBack.join(", ")}.`,
          "",
          observation.comparisons.length === 0
            ? "No metric compared."
            : table(
                ["change", "resource", "metric", "baseline", "observed", "threshold", "regressed"],
                observation.comparisons.map((c) => [c.changeId, c.resource.id, `${c.namespace} ${c.metric} ${c.statistic}`, c.baseline.toFixed(1), c.observed.toFixed(1), c.threshold ?? "", c.regressed ? "yes" : "no"])
              ),
          "",
          observation.alarms.length === 0 ? "No alarms." : table(["alarm", "condition", "state"], observation.alarms.map((a) => [a.name, a.condition, a.state]))
        ].join("\n"),
    "",
    renderLearningMarkdown(r.learn),
    "## World∞",
    "",
    `${r.learn.infinity.reached ? "Reached." : "Not reached."}`,
    "",
    ...r.learn.infinity.criteria.map((c) => `- [${c.met ? "x" : " "}] ${c.detail}`),
    ""
  ].join("\n")
}
