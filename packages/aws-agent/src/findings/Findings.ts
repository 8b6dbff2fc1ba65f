/**
 * Findings: every rule over every resource, pure. The rule table is
 * `rules` (cost rules, then security rules).
 */
import type { Finding, Resource } from "@miyabi/types"
import type { PriceCatalog } from "../pricing/PricingCatalog.js"
import { costRules } from "./CostRules.js"
import { type Rule, type RuleContext, toFinding } from "./Rule.js"
import { securityRules } from "./SecurityRules.js"

export { securityScore, SEVERITY_WEIGHT } from "./SecurityScore.js"
export type { Rule } from "./Rule.js"

export const rules: ReadonlyArray<Rule> = [...costRules, ...securityRules]

const key = (account: string, region: string, id: string) => `${account}|${region}|${id}`

export const evaluate = (resources: ReadonlyArray<Resource>, catalog: PriceCatalog, only: ReadonlyArray<Rule> = rules): ReadonlyArray<Finding> => {
  const index = new Map(resources.map((r) => [key(r.account, r.region, r.id), r]))
  const context: RuleContext = { catalog, byId: (from, id) => index.get(key(from.account, from.region, id)) }
  const out: Array<Finding> = []
  for (const resource of resources) {
    for (const r of only) {
      const draft = r.check(resource, context)
      if (draft !== undefined) out.push(toFinding(r, resource, draft))
    }
  }
  return out
}
