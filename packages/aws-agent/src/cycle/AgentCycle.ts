/**
 * One agent cycle, World_n -> World_n+1: θ1..θ6 (AgentPhases.ts) run by the
 * CycleRunner, every phase's output persisted in the CycleStore.
 *
 *   start(options, env)   a new cycle; it carries over the last completed cycle's
 *                         rule statistics (θ3's confidence) and World∞ marks
 *   resume(cycleId, env)  continues a stored cycle from its last completed phase
 *   report(cycleId)       the typed input and outputs of a completed cycle
 */
import { CycleId, type RuleStats } from "@miyabi/types"
import { Clock, Duration, Effect, Schema } from "effect"
import {
  AgentCycleInput,
  AgentCycleReportData,
  HistoryRow,
  type CarriedOver,
  DeployOutput,
  DiscoverOutput,
  encoded,
  LearnOutput,
  MonitorOutput,
  PlanOutput,
  storedOutput
} from "./AgentCycleData.js"
import { type AgentCycleEnv, agentPhases } from "./AgentPhases.js"
import { CycleError, resume as resumeCycle, run } from "./CycleRunner.js"
import { CycleStore } from "./CycleStore.js"

export interface StartOptions {
  /** Default: `cycle-<UTC timestamp>`. */
  readonly cycleId?: CycleId
  readonly scope?: AgentCycleInput["scope"]
  /** Who approves applying the plan; absent: a dry run. */
  readonly approvedBy?: string
  readonly top?: number
  readonly maxChanges?: number
  /** OUs whose accounts θ4 never changes unless `allowProduction`. */
  readonly productionOus?: ReadonlyArray<string>
  readonly allowProduction?: boolean
  /** θ5's watch window (default 30 minutes: six CloudWatch periods of 5 minutes). */
  readonly watch?: Duration.DurationInput
}

export const DEFAULT_WATCH = Duration.minutes(30)

const defaultId = (millis: number): CycleId =>
  CycleId.make(`cycle-${new Date(millis).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}Z$/, "Z")}`)

/** The phases of a cycle, in order. */
export const PHASE_NAMES = ["discover", "plan", "deploy", "monitor", "rediscover", "learn"] as const

/** What the newest completed cycle left for the next one: its learning and its marks. */
export const carriedOver = Effect.gen(function* () {
  const store = yield* CycleStore
  const newest = (yield* store.history()).find((c) => c.phases.includes("learn"))
  if (newest === undefined) return undefined
  const cycle = yield* store.load(newest.cycleId)
  const learned = yield* storedOutput(LearnOutput, newest.cycleId, "learn", { learn: cycle?.phases.find((p) => p.phase === "learn")?.output })
  return { ruleStats: learned.record.rules, carried: learned.carried } satisfies { ruleStats: ReadonlyArray<RuleStats>; carried: CarriedOver }
})

export const start = (options: StartOptions, env: AgentCycleEnv) =>
  Effect.gen(function* () {
    const cycleId = options.cycleId ?? defaultId(yield* Clock.currentTimeMillis)
    const previous = yield* carriedOver
    const input: AgentCycleInput = {
      cycleId,
      scope: options.scope ?? {},
      ...(options.approvedBy === undefined ? {} : { approvedBy: options.approvedBy }),
      ...(options.top === undefined ? {} : { top: options.top }),
      ...(options.maxChanges === undefined ? {} : { maxChanges: options.maxChanges }),
      ...(options.productionOus === undefined ? {} : { productionOus: options.productionOus }),
      ...(options.allowProduction === undefined ? {} : { allowProduction: options.allowProduction }),
      watchSeconds: Math.round(Duration.toSeconds(options.watch ?? DEFAULT_WATCH)),
      ruleStats: previous?.ruleStats ?? [],
      ...(previous === undefined ? {} : { previous: previous.carried })
    }
    return yield* run(cycleId, agentPhases(env), encoded(AgentCycleInput, input))
  }).pipe(Effect.withSpan("AgentCycle.start"))

export const resume = (cycleId: string, env: AgentCycleEnv) => resumeCycle(cycleId, agentPhases(env)).pipe(Effect.withSpan("AgentCycle.resume", { attributes: { cycleId } }))

export type AgentCycleReport = typeof AgentCycleReportData.Type

/** A report as the JSON of `miyabi cycle --json` and cycle.json. */
export const encodeReport = (report: AgentCycleReport) => Schema.encodeSync(AgentCycleReportData)(report)

/** The typed input and outputs of a completed cycle, decoded from the store. */
export const report = (cycleId: string) =>
  Effect.gen(function* () {
    const stored = yield* (yield* CycleStore).load(cycleId)
    if (stored === undefined) return yield* new CycleError({ reason: "NotFound", cycleId, detail: "no stored cycle with this id" })
    const outputs: Record<string, unknown> = { input: stored.input, ...Object.fromEntries(stored.phases.map((p) => [p.phase, p.output])) }
    const at = <A, I>(schema: Schema.Schema<A, I>, phase: string) => storedOutput(schema, cycleId, phase, outputs)
    const report: AgentCycleReport = {
      cycleId,
      input: yield* at(AgentCycleInput, "input"),
      world0: yield* at(DiscoverOutput, "discover"),
      plan: yield* at(PlanOutput, "plan"),
      deployment: yield* at(DeployOutput, "deploy"),
      monitor: yield* at(MonitorOutput, "monitor"),
      world1: yield* at(DiscoverOutput, "rediscover"),
      learn: yield* at(LearnOutput, "learn")
    }
    return report
  })

/** Every stored cycle, newest first, with what its stored phases tell. */
export const history = Effect.gen(function* () {
  const store = yield* CycleStore
  const summaries = yield* store.history()
  return yield* Effect.forEach(summaries, (summary) =>
    Effect.gen(function* () {
      const cycle = yield* store.load(summary.cycleId)
      const outputs = Object.fromEntries((cycle?.phases ?? []).map((p) => [p.phase, p.output]))
      const deployed = "deploy" in outputs ? yield* storedOutput(DeployOutput, summary.cycleId, "deploy", outputs) : undefined
      const learned = "learn" in outputs ? yield* storedOutput(LearnOutput, summary.cycleId, "learn", outputs) : undefined
      const row: HistoryRow = {
        cycleId: summary.cycleId,
        startedAt: new Date(summary.startedAt),
        phases: summary.phases,
        mode: deployed?.mode ?? "not deployed",
        ...(learned === undefined ? {} : { delta: { before: learned.delta.before, after: learned.delta.after }, infinityReached: learned.infinity.reached })
      }
      return row
    })
  )
})
