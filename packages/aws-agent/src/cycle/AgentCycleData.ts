/**
 * The stored shapes of the agent cycle: its input and the output of each of
 * its six phases, as Schemas, so a resumed cycle decodes what an earlier
 * process stored and an audit reads the same values the phases saw.
 */
import { CycleId, DeploymentRecord, ExecutionPlan, LearningRecord, MicroUsd, Observation, Percent, RuleStats, WorldState } from "@miyabi/types"
import { Effect, Schema } from "effect"
import { CycleError } from "./CycleRunner.js"

export const WorldSnapshotData = Schema.Struct({
  monthlyCost: MicroUsd,
  score: Schema.Number,
  utilizationPct: Schema.Number
})

export const CycleMarkData = Schema.Struct({
  cycleId: Schema.String,
  from: Schema.Date,
  at: Schema.Date,
  world: WorldSnapshotData,
  changesLeft: Schema.Int,
  worldChanged: Schema.Boolean
})

export const World0Data = Schema.Struct({ at: Schema.Date, world: WorldSnapshotData })

/** What a new cycle carries over from the last completed one. */
export const CarriedOver = Schema.Struct({
  cycleId: Schema.String,
  world0: World0Data,
  /** Every completed cycle's mark, oldest first (World∞ looks at them). */
  marks: Schema.Array(CycleMarkData)
})
export type CarriedOver = typeof CarriedOver.Type

const PositiveInt = Schema.Int.pipe(Schema.positive())

export const AgentCycleInput = Schema.Struct({
  cycleId: CycleId,
  scope: Schema.Struct({
    accounts: Schema.optional(Schema.Array(Schema.String)),
    regions: Schema.optional(Schema.Array(Schema.String)),
    services: Schema.optional(Schema.Array(Schema.String)),
    /** End of the utilization window (default: now). */
    utilizationEnd: Schema.optional(Schema.Date),
    windowDays: Schema.optional(PositiveInt)
  }),
  /** Who approved applying this cycle's plan; absent: a dry run, nothing changes. */
  approvedBy: Schema.optional(Schema.String),
  /** Deploy only the plan's first N changes (it is ordered by priority, then savings). */
  top: Schema.optional(PositiveInt),
  maxChanges: Schema.optional(PositiveInt),
  /** OUs (ids, or the root) whose accounts θ4 never changes without `allowProduction`. */
  productionOus: Schema.optional(Schema.Array(Schema.String)),
  allowProduction: Schema.optional(Schema.Boolean),
  /** θ5's watch window after the deployment, seconds. */
  watchSeconds: Schema.Int.pipe(Schema.nonNegative()),
  /** θ6's per-rule statistics of the previous cycle (θ3's input). */
  ruleStats: Schema.Array(RuleStats),
  previous: Schema.optional(CarriedOver)
})
export type AgentCycleInput = typeof AgentCycleInput.Type

export const MetricStatsData = Schema.Struct({ count: Schema.Number, avg: Schema.Number, p50: Schema.Number, p95: Schema.Number, max: Schema.Number })

/** θ1, and the re-discovery after the changes. */
export const DiscoverOutput = Schema.Struct({
  world: WorldState,
  utilizationStats: Schema.Array(Schema.Struct({ arn: Schema.String, stats: MetricStatsData }))
})
export type DiscoverOutput = typeof DiscoverOutput.Type

/** θ2 + θ3: the execution plan to deploy, the reports and the IaC. */
export const PlanOutput = Schema.Struct({
  plan: ExecutionPlan,
  /** Changes the optimizer proposed before `top` was applied. */
  changesProposed: Schema.Int,
  adviceCount: Schema.Int,
  /** Each change's own prediction before θ6's confidence scaled it. */
  rawSavings: Schema.Array(Schema.Struct({ changeId: Schema.String, monthly: MicroUsd })),
  cost: Schema.Struct({ current: MicroUsd, target: MicroUsd, targetWithAdvice: MicroUsd }),
  security: Schema.Struct({ current: Schema.Number, target: Schema.Number }),
  markdown: Schema.String,
  iac: Schema.Array(Schema.Struct({ path: Schema.String, content: Schema.String }))
})
export type PlanOutput = typeof PlanOutput.Type

export const DeployOutput = DeploymentRecord

/** θ5: the observation, or why there was none (a dry run, nothing applied). */
export const MonitorOutput = Schema.Struct({
  observation: Schema.NullOr(Observation),
  note: Schema.String
})
export type MonitorOutput = typeof MonitorOutput.Type

export const InfinityData = Schema.Struct({
  reached: Schema.Boolean,
  criteria: Schema.Array(Schema.Struct({ name: Schema.Literal("cost", "score", "optimizations", "stable"), met: Schema.Boolean, detail: Schema.String })),
  stableSince: Schema.optional(Schema.Date)
})

/** θ6, and the cycle's World_n -> World_n+1. */
export const LearnOutput = Schema.Struct({
  record: LearningRecord,
  recommendations: Schema.Array(Schema.Struct({ rule: Schema.String, kind: Schema.String, message: Schema.String })),
  delta: Schema.Struct({
    before: WorldSnapshotData,
    after: WorldSnapshotData,
    costDelta: Schema.Number,
    costChangePct: Schema.Number,
    scoreDelta: Schema.Number,
    utilizationDelta: Schema.Number,
    changedResources: Schema.Int,
    addedResources: Schema.Int,
    removedResources: Schema.Int
  }),
  carried: CarriedOver,
  infinity: InfinityData,
  /** Changes that stuck but whose saving could not be measured (no before-cost): not in `record`, and why. Absent when none. */
  unmeasured: Schema.optional(Schema.Array(Schema.Struct({ changeId: Schema.String, rule: Schema.String, reason: Schema.String })))
})
export type LearnOutput = typeof LearnOutput.Type

/** A stored cycle's input and its six outputs. */
export const AgentCycleReportData = Schema.Struct({
  cycleId: Schema.String,
  input: AgentCycleInput,
  world0: DiscoverOutput,
  plan: PlanOutput,
  deployment: DeployOutput,
  monitor: MonitorOutput,
  world1: DiscoverOutput,
  learn: LearnOutput
})

/** One line of the cycle history; what is known depends on how far the cycle got. */
export const HistoryRow = Schema.Struct({
  cycleId: Schema.String,
  startedAt: Schema.Date,
  phases: Schema.Array(Schema.String),
  mode: Schema.Literal("dry-run", "apply", "not deployed"),
  delta: Schema.optional(Schema.Struct({ before: WorldSnapshotData, after: WorldSnapshotData })),
  infinityReached: Schema.optional(Schema.Boolean)
})
export type HistoryRow = typeof HistoryRow.Type

export const snapshotOf = (world: WorldState) => ({ monthlyCost: world.monthlyCost, score: world.securityScore, utilizationPct: world.averageUtilization as Percent })

/** A phase's stored output (a JSON value), decoded; a mismatch is the cycle's error, naming the phase. */
export const storedOutput = <A, I>(schema: Schema.Schema<A, I>, cycleId: string, phase: string, outputs: Readonly<Record<string, unknown>>) =>
  Schema.decodeUnknown(schema)(outputs[phase]).pipe(
    Effect.mapError((error) => new CycleError({ reason: "StoredOutputInvalid", cycleId, phase, detail: `the stored output does not decode: ${error.message}` }))
  )

/** A phase output as the JSON the store keeps. */
export const encoded = <A, I>(schema: Schema.Schema<A, I>, value: A): I => Schema.encodeSync(schema)(value)
