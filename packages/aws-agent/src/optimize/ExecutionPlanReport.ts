/** The optimizer's result as Markdown: changes (ranked), advice, blast radius. */
import { Money } from "@miyabi/types"
import type { Optimization } from "./Optimizer.js"

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ")

export const renderExecutionPlanMarkdown = (o: Optimization): string => {
  const p = o.plan
  const lines = [
    `# Execution plan ${p.cycleId}`,
    "",
    `${p.changes.length} change(s), expected savings ${Money.format(p.expectedMonthlySavings)}/month; ${o.advice.length} advice item(s); ${o.excluded.length} protected resource(s) excluded.`,
    "",
    "| # | Priority | Rule | Resource | Change | Savings/month | Risk | Confidence | Rollback |",
    "| - | - | - | - | - | - | - | - | - |",
    ...p.changes.map(
      (c, i) =>
        `| ${i + 1} | ${c.priority} | ${c.rule} | ${cell(c.resource.id)} | ${cell(c.summary)} | ${Money.format(c.expectedMonthlySavings)} | ${c.risk} | ${c.confidence.toFixed(2)} | ${c.rollback?._tag ?? "-"} |`
    ),
    "",
    "## Blast radius",
    "",
    `- changes: ${o.summary.changes} on ${o.summary.resources} resource(s); monthly cost affected ${Money.format(Money.MicroUsd.make(o.summary.monthlyCostAffected))}`,
    `- by risk: low ${o.summary.byRisk.low}, medium ${o.summary.byRisk.medium}, high ${o.summary.byRisk.high}`,
    `- limits: max ${p.blastRadius.maxChanges} changes, ${p.blastRadius.maxChangesPerAccount} per account, risk up to ${p.blastRadius.maxRisk}`,
    ...(o.summary.exceeded.length === 0 ? ["- within limits"] : o.summary.exceeded.map((e) => `- exceeds ${e}`)),
    "",
    "## Advice",
    "",
    ...(o.advice.length === 0
      ? ["None."]
      : ["| Priority | Reason | Rule | Resource | Advice | Savings/month |", "| - | - | - | - | - | - |", ...o.advice.map((a) => `| ${a.priority} | ${a.reason} | ${a.rule} | ${cell(a.resource.id)} | ${cell(a.summary)} | ${Money.format(a.expectedMonthlySavings)} |`)])
  ]
  return lines.join("\n") + "\n"
}
