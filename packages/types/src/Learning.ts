/**
 * θ6 output: how well each change did against its prediction, and per-rule
 * statistics and confidence that the next θ3 uses to rank and gate changes.
 */
import { Schema } from "effect"
import { CycleId } from "./Ids.js"
import { MicroUsd } from "./Money.js"
import { RuleId } from "./Finding.js"
import { ChangeId } from "./Plan.js"
import { Percent } from "./Resource.js"

export class ChangeOutcome extends Schema.Class<ChangeOutcome>("ChangeOutcome")({
  changeId: ChangeId,
  rule: RuleId,
  predictedMonthlySavings: MicroUsd,
  /** Negative when the change cost money. */
  realizedMonthlySavings: MicroUsd,
  predictedUtilization: Schema.optional(Percent),
  realizedUtilization: Schema.optional(Percent),
  rolledBack: Schema.Boolean
}) {}

const Count = Schema.Int.pipe(Schema.nonNegative())

/** Running totals for one rule across cycles. */
export class RuleStats extends Schema.Class<RuleStats>("RuleStats")(
  Schema.Struct({
  rule: RuleId,
  applied: Count,
  rolledBack: Count,
  predictedMonthlySavings: MicroUsd,
  realizedMonthlySavings: MicroUsd,
  /** 0..1; a new rule starts where θ3's policy says, rollbacks pull it down. */
  confidence: Schema.Number.pipe(Schema.between(0, 1))
  }).pipe(
    Schema.filter((s) => s.rolledBack <= s.applied || { path: ["rolledBack"], message: "more rollbacks than applied changes" })
  )
) {}

export class LearningRecord extends Schema.Class<LearningRecord>("LearningRecord")({
  cycleId: CycleId,
  recordedAt: Schema.Date,
  outcomes: Schema.Array(ChangeOutcome),
  rules: Schema.Array(RuleStats),
  predictedMonthlySavings: MicroUsd,
  realizedMonthlySavings: MicroUsd
}) {}
