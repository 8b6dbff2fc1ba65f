/** A plan as Markdown (for people) and as JSON (for files and the next phase). */
import { Money, Plan } from "@miyabi/types"
import { Schema } from "effect"
import type { PlanItem, PlanResult } from "./Planner.js"

const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ")

const evidence = (i: PlanItem): string =>
  Object.entries(i.evidence)
    .filter(([, v]) => v !== null)
    .map(([k, v]) => `${k}=${typeof v === "number" && !Number.isInteger(v) ? v.toFixed(1) : String(v)}`)
    .join(", ")

const table = (items: ReadonlyArray<PlanItem>): ReadonlyArray<string> =>
  items.length === 0
    ? ["Nothing to do."]
    : [
        "| Priority | Kind | Rule | Resource | Recommendation | Savings/month | Risk | Evidence |",
        "| - | - | - | - | - | - | - | - |",
        ...items.map(
          (i) =>
            `| ${i.priority} | ${i.kind} | ${i.recommendation.rule} | ${cell(i.recommendation.resource.id)} | ${cell(i.recommendation.summary)} | ${Money.format(i.recommendation.expectedMonthlySavings)} | ${i.risk} | ${cell(evidence(i))} |`
        )
      ]

export const renderPlanMarkdown = (p: PlanResult): string =>
  [
    `# Plan ${p.plan.cycleId}`,
    "",
    `World of ${p.plan.worldTimestamp.toISOString()}.`,
    "",
    "| | Current | Target |",
    "| - | - | - |",
    `| Monthly cost | ${Money.format(p.cost.current)} | ${Money.format(p.cost.target)} (${Money.format(p.cost.targetWithAdvice)} with advice) |`,
    `| Security score | ${p.security.current.toFixed(1)} | ${p.security.target.toFixed(1)} |`,
    "",
    `## Cost plan (${p.cost.items.length})`,
    "",
    ...table(p.cost.items),
    "",
    `## Security plan (${p.security.items.length}, fixes ${p.security.fixedFindings.length} finding(s))`,
    "",
    ...table(p.security.items),
    "",
    "## Infrastructure code",
    "",
    ...(p.plan.iac.length === 0 ? ["None: the plan touches no resource."] : p.plan.iac.map((a) => `- \`${a.path}\` (${a.format})`)),
    ""
  ].join("\n")

/** The plan and its summary as one JSON document. */
export const renderPlanJson = (p: PlanResult): string =>
  JSON.stringify(
    {
      plan: Schema.encodeSync(Plan)(p.plan),
      cost: { current: p.cost.current, target: p.cost.target, targetWithAdvice: p.cost.targetWithAdvice },
      security: { current: p.security.current, target: p.security.target, fixedFindings: p.security.fixedFindings },
      items: [...p.cost.items, ...p.security.items].map((i) => ({
        rule: i.recommendation.rule,
        resource: i.recommendation.resource.arn,
        kind: i.kind,
        priority: i.priority,
        risk: i.risk,
        changeId: i.changeId ?? null,
        evidence: i.evidence
      }))
    },
    null,
    2
  ) + "\n"
