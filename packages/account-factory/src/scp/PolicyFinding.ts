/**
 * What the SCP lint reports: which policy (and its file), which statement
 * (Sid or index), where, which rule and why.
 */
import { Schema } from "effect"

export const FindingRule = Schema.Literal(
  "json-syntax",
  "grammar",
  "size",
  "policies-per-target",
  "platform-lockout",
  "region-deny-global-services"
)
export type FindingRule = typeof FindingRule.Type

export const PolicyFinding = Schema.Struct({
  severity: Schema.Literal("error", "warning"),
  rule: FindingRule,
  /** The policy's name in the spec (or the file name when linted alone). */
  policy: Schema.String,
  /** The file the document came from, or "<spec>#policies[i]..." when inline. */
  source: Schema.String,
  /** "Sid DenyRegions" or "statement #2" (1-based) when the finding is about one statement. */
  statement: Schema.optional(Schema.String),
  line: Schema.optional(Schema.Int),
  column: Schema.optional(Schema.Int),
  message: Schema.String
})
export type PolicyFinding = typeof PolicyFinding.Type

/** "deny.json:12:7: error [grammar] policy deny-regions, Sid X: message" */
export const formatFinding = (finding: PolicyFinding): string => {
  const where = finding.line === undefined ? finding.source : `${finding.source}:${finding.line}${finding.column === undefined ? "" : `:${finding.column}`}`
  const what = [`policy ${finding.policy}`, finding.statement].filter((part) => part !== undefined).join(", ")
  return `${where}: ${finding.severity} [${finding.rule}] ${what}: ${finding.message}`
}
