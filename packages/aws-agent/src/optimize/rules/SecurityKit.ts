/** Shared by the security-fix rules: the world's findings on a resource and their worst severity. */
import type { Finding, Resource, Severity } from "@miyabi/types"
import type { RuleContext } from "../RuleKit.js"

export const findingsOn = (r: Resource, ctx: RuleContext, rules: ReadonlyArray<string>): ReadonlyArray<Finding> =>
  ctx.world.findings.filter((f) => f.resource.arn === r.arn && rules.includes(f.rule))

export const worstSeverity = (fs: ReadonlyArray<Finding>): { readonly severity?: Severity } => {
  const s = (["critical", "high", "medium", "low", "info"] as const).find((s) => fs.some((f) => f.severity === s))
  return s === undefined ? {} : { severity: s }
}
