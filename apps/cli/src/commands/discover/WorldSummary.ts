/**
 * A world state for people: resources by type with their monthly cost, the
 * headline numbers (cost, security score, average utilization), the top
 * findings and the coverage problems (denied accounts, opt-in regions).
 * Also the small JSON summary `--json` users and the demo need.
 */
import { Money, MicroUsd, type WorldState } from "@miyabi/types"
import { renderFields, renderTable } from "../../render/Table.js"

export const usd = (micros: number): string => Money.format(MicroUsd.make(Math.round(micros)))

const SEVERITY_RANK: Readonly<Record<string, number>> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 }

export interface WorldHeadline {
  readonly resources: number
  readonly monthlyCostUsd: string
  readonly securityScore: number
  readonly averageUtilization: number
  readonly findings: number
  readonly coverageProblems: number
}

export const headline = (world: WorldState): WorldHeadline => ({
  resources: world.resources.length,
  monthlyCostUsd: (world.monthlyCost / 1e6).toFixed(2),
  securityScore: world.securityScore,
  averageUtilization: world.averageUtilization,
  findings: world.findings.length,
  coverageProblems: world.coverage.filter((c) => c.status !== "ok").length
})

export const renderWorldSummary = (world: WorldState, options: { readonly colour?: boolean; readonly topFindings?: number } = {}): string => {
  const byKind = new Map<string, { count: number; cost: number }>()
  for (const r of world.resources) {
    const row = byKind.get(r.kind) ?? { count: 0, cost: 0 }
    byKind.set(r.kind, { count: row.count + 1, cost: row.cost + r.monthlyCost })
  }
  const kinds = [...byKind.entries()].sort((a, b) => b[1].cost - a[1].cost || a[0].localeCompare(b[0]))
  const top = [...world.findings]
    .sort((a, b) => b.estimatedMonthlyImpact - a.estimatedMonthlyImpact || (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) || a.id.localeCompare(b.id))
    .slice(0, options.topFindings ?? 10)
  const problems = world.coverage.filter((c) => c.status !== "ok")
  const reused = world.coverage.filter((c) => c.reused).length
  const colour = options.colour === true ? { colour: true } : {}
  return [
    renderFields([
      ["accounts", world.accounts.length],
      ["regions", world.regions.join(", ")],
      ["resources", world.resources.length],
      ["monthly cost", usd(world.monthlyCost)],
      ["security score", `${world.securityScore} / 100`],
      ["avg utilization", `${world.averageUtilization} % CPU`],
      ["findings", world.findings.length],
      ...(reused > 0 ? ([["reused from cache", `${reused} of ${world.coverage.length} units`]] as const) : [])
    ]),
    "",
    renderTable(["type", "resources", "monthly cost"], kinds.map(([kind, row]) => [kind, row.count, usd(row.cost)]), colour),
    "",
    top.length === 0 ? "no findings" : renderTable(["severity", "rule", "resource", "impact/month", "finding"], top.map((f) => [f.severity, f.rule, f.resource.id, usd(f.estimatedMonthlyImpact), f.summary]), colour),
    "",
    problems.length === 0
      ? `coverage: all ${world.coverage.length} units read`
      : `coverage problems (${problems.length} of ${world.coverage.length} units):\n${renderTable(["account", "region", "service", "status", "reason"], problems.map((c) => [c.account, c.region, c.service, c.status, c.reason]), colour)}`
  ].join("\n")
}
