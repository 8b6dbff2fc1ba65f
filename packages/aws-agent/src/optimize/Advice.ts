/**
 * Advice: what the optimizer recommends but will not hand to θ4 as a change.
 * Insufficient data, a rule θ6 made advice-only, purchases (Savings Plans,
 * reservations), and changes a person should decide (S3 lifecycle).
 */
import { ChangeAction, ChangePriority, EvidenceValue, FindingId, MicroUsd, ResourceRef, Risk, RuleId } from "@miyabi/types"
import { Schema } from "effect"

export const AdviceReason = Schema.Literal("insufficient-data", "advice-only-rule", "commitment", "manual", "no-safe-target")
export type AdviceReason = typeof AdviceReason.Type

export class Advice extends Schema.Class<Advice>("Advice")({
  rule: RuleId,
  resource: ResourceRef,
  findings: Schema.Array(FindingId),
  reason: AdviceReason,
  summary: Schema.String,
  priority: ChangePriority,
  risk: Risk,
  expectedMonthlySavings: MicroUsd.pipe(Schema.filter((n) => n >= 0 || "savings are not negative")),
  evidence: Schema.Record({ key: Schema.String, value: EvidenceValue }),
  /** What a person could apply (a purchase, lifecycle rules, or a change of a gated rule). */
  action: Schema.optional(ChangeAction),
  rollback: Schema.optional(ChangeAction)
}) {}
