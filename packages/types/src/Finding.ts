/**
 * Findings: what θ1 notices about a resource, cost or security, with the
 * evidence behind it and what it costs a month to leave it as it is.
 */
import { Schema } from "effect"
import { MicroUsd } from "./Money.js"
import { ResourceRef } from "./Resource.js"

/**
 * A rule that produces findings and, later, changes: "<category>.<name>",
 * e.g. "cost.unattached-volume", "security.open-ssh".
 */
export const RuleId = Schema.String.pipe(
  Schema.pattern(/^(cost|security)\.[a-z0-9][a-z0-9-]{0,62}$/, {
    message: () => "a rule id looks like cost.unattached-volume or security.open-ssh"
  }),
  Schema.brand("RuleId")
)
export type RuleId = typeof RuleId.Type

/** Stable for a (rule, resource) pair, so two worlds can be compared. */
export const FindingId = Schema.String.pipe(Schema.minLength(1), Schema.maxLength(2200), Schema.brand("FindingId"))
export type FindingId = typeof FindingId.Type

export const FindingCategory = Schema.Literal("cost", "security")
export type FindingCategory = typeof FindingCategory.Type

export const Severity = Schema.Literal("critical", "high", "medium", "low", "info")
export type Severity = typeof Severity.Type

/** A fact behind a finding: "CPUUtilization.average" -> 2.1, "port" -> 22. */
export const EvidenceValue = Schema.Union(Schema.String, Schema.Number, Schema.Boolean, Schema.Null)
export type EvidenceValue = typeof EvidenceValue.Type

export class Finding extends Schema.Class<Finding>("Finding")({
  id: FindingId,
  category: FindingCategory,
  rule: RuleId,
  severity: Severity,
  resource: ResourceRef,
  /** One readable line: "vol-0abc (gp2, 100 GiB) is attached to nothing". */
  summary: Schema.String,
  evidence: Schema.Record({ key: Schema.String, value: EvidenceValue }),
  /** What leaving it costs per month; zero for most security findings. */
  estimatedMonthlyImpact: MicroUsd.pipe(Schema.filter((n) => n >= 0 || "an impact is not negative"))
}) {}

/** The conventional id of a finding: rule and resource ARN. */
export const findingId = (rule: RuleId, resource: ResourceRef): FindingId => FindingId.make(`${rule}:${resource.arn}`)
