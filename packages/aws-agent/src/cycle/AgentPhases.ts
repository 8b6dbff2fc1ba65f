/**
 * The six phases of one agent cycle, θ1..θ6, as CycleRunner phases:
 *
 *   discover    θ1  World_n with utilization statistics
 *   plan        θ2+θ3  cost and security plans, IaC, the execution plan (θ6's rule statistics applied)
 *   deploy      θ4  dry run unless the input names an approver; a deployment that died mid-way is resumed
 *   monitor     θ5  baseline, alarms, watch window, verdict; regressed changes rolled back
 *   rediscover  θ1 again: World_n+1
 *   learn       θ6  realized vs predicted, rule statistics, World_n -> World_n+1 and the World∞ verdict
 *
 * Each phase decodes what it needs from the stored outputs of the phases
 * before it, so a resumed cycle sees exactly what the first process stored.
 */
import { type AccountId, DeploymentId, type DeploymentRecord, MicroUsd, type RuleId, type RuleStats } from "@miyabi/types"
import type { AwsClients, AwsError } from "@miyabi/aws-runtime"
import { Clock, Duration, Effect, Option, Schema } from "effect"
import type { CloudWatchAlarms } from "../adapters/CloudWatchAlarms.js"
import type { CloudWatchMetrics } from "../adapters/CloudWatchMetrics.js"
import * as OrganizationsDirectory from "../adapters/OrganizationsDirectory.js"
import type { DiscoveryAdapters } from "../discovery/Adapters.js"
import * as Discovery from "../Discovery.js"
import type { OnProgress } from "../discovery/Progress.js"
import * as Deployment from "../deploy/index.js"
import * as Learning from "../learn/index.js"
import * as Monitoring from "../monitor/index.js"
import { optimize } from "../optimize/Optimizer.js"
import { topChanges, withinBlastRadius } from "../optimize/TopChanges.js"
import * as Planning from "../plan/index.js"
import type { PriceCatalog } from "../pricing/PricingCatalog.js"
import type { MetricStats } from "../utilization/MetricStats.js"
import * as WorldDiff from "../WorldDiff.js"
import {
  AgentCycleInput,
  DeployOutput,
  DiscoverOutput,
  encoded,
  LearnOutput,
  MonitorOutput,
  PlanOutput,
  snapshotOf,
  storedOutput
} from "./AgentCycleData.js"
import { CycleError, type Phase, type PhaseContext, worldDelta } from "./CycleRunner.js"
import { execute, type ExternalExecutor, type PhaseConfig, type PhaseExecutorError } from "./PhaseExecutor.js"
import { type CycleMark, type InfinityCriteria, worldInfinity } from "./WorldInfinity.js"

/** What a phase may fail with; the runner wraps it in CycleError "PhaseFailed". */
export type AgentPhaseError = CycleError | AwsError | Discovery.DiscoveryScopeError | Deployment.DeployError | Monitoring.MonitorError | PhaseExecutorError

/** The services the phases use: discovery adapters, θ4's live resources and records, CloudWatch. */
export type AgentPhaseContext =
  | DiscoveryAdapters
  | AwsClients.AwsClients
  | Deployment.LiveResources.LiveResources
  | Deployment.DeploymentStore.DeploymentStore
  | CloudWatchAlarms
  | CloudWatchMetrics

type AgentPhase = Phase<AgentPhaseError, AgentPhaseContext>

/** What the phases need that is not stored: the catalog and the process's ways of waiting and reporting. */
export interface AgentCycleEnv {
  readonly catalog: PriceCatalog
  readonly validation?: Deployment.LiveResources.WaitPolicy
  readonly protectedTags?: Readonly<Record<string, string>>
  readonly productionAccounts?: ReadonlyArray<AccountId>
  /** θ5: how the watch window passes and what time it is (the sandbox has its own clock). */
  readonly monitor?: Pick<Monitoring.WatchOptions, "waitUntil" | "now">
  readonly criteria?: InfinityCriteria
  readonly onProgress?: OnProgress
  /** θ4: each change's steps as the deployment (or the resume of a crashed one) goes. */
  readonly onDeployProgress?: Deployment.OnDeployProgress
  /**
   * Phases delegated to an external program over JSON-RPC 2.0 stdio (SPEC's
   * `execute_phase`): it gets θ1's world as `world_state` and the previous
   * phase's output, and its result must decode as that phase's output.
   */
  readonly external?: Readonly<Partial<Record<PhaseName, { readonly executor: ExternalExecutor; readonly config: PhaseConfig }>>>
  /** Told when a phase starts (not for phases a resume takes from the store). */
  readonly onPhase?: (phase: string) => Effect.Effect<void>
}

/** The deployment of a cycle has the cycle's id, so a resumed cycle finds it. */
export const deploymentIdOf = (cycleId: string): DeploymentId => DeploymentId.make(`${cycleId}-deploy`)

const inputOf = (context: PhaseContext) =>
  Schema.decodeUnknown(AgentCycleInput)(context.input).pipe(
    Effect.mapError((error) => new CycleError({ reason: "StoredOutputInvalid", cycleId: context.cycleId, detail: `the cycle input does not decode: ${error.message}` }))
  )

const statsMap = (out: DiscoverOutput): ReadonlyMap<string, MetricStats> => new Map(out.utilizationStats.map((u) => [u.arn, u.stats]))
const ruleStatsMap = (stats: ReadonlyArray<RuleStats>): ReadonlyMap<RuleId, RuleStats> => new Map(stats.map((s) => [s.rule, s]))

const discoverPhase = (name: "discover" | "rediscover", env: AgentCycleEnv): AgentPhase => ({
  name,
  run: (context: PhaseContext) =>
    Effect.gen(function* () {
      const input = yield* inputOf(context)
      const { scope } = input
      const result = yield* Discovery.run({
        ...(scope.accounts === undefined ? {} : { accounts: scope.accounts }),
        ...(scope.regions === undefined ? {} : { regions: scope.regions }),
        ...(scope.services === undefined ? {} : { services: scope.services }),
        utilization: { ...(scope.utilizationEnd === undefined ? {} : { end: scope.utilizationEnd }), ...(scope.windowDays === undefined ? {} : { windowDays: scope.windowDays }) },
        ...(env.onProgress === undefined ? {} : { onProgress: env.onProgress })
      })
      return encoded(DiscoverOutput, {
        world: result.world,
        utilizationStats: [...result.utilizationStats].map(([arn, stats]) => ({ arn, stats }))
      })
    })
})

const planPhase = (env: AgentCycleEnv): AgentPhase => ({
  name: "plan",
  run: (context: PhaseContext) =>
    Effect.gen(function* () {
      const input = yield* inputOf(context)
      const discovered = yield* storedOutput(DiscoverOutput, context.cycleId, "discover", context.outputs)
      const p = Planning.plan(discovered.world, env.catalog, {
        cycleId: input.cycleId,
        utilizationStats: statsMap(discovered),
        ruleStats: ruleStatsMap(input.ruleStats)
      })
      // The highest-priority changes within the blast radius; the rest waits for the next cycle.
      const plan = withinBlastRadius(topChanges(p.optimization.plan, input.top), input.maxChanges)
      return encoded(PlanOutput, {
        plan,
        changesProposed: p.optimization.plan.changes.length,
        adviceCount: p.optimization.advice.length,
        rawSavings: plan.changes.flatMap((c) => {
          const raw = p.optimization.evidence.get(c.id)?.["rawMonthlySavings"]
          return typeof raw === "number" ? [{ changeId: c.id, monthly: MicroUsd.make(raw) }] : []
        }),
        cost: { current: p.cost.current, target: p.cost.target, targetWithAdvice: p.cost.targetWithAdvice },
        security: { current: p.security.current, target: p.security.target },
        markdown: Planning.renderPlanMarkdown(p),
        iac: p.plan.iac.map((a) => ({ path: a.path, content: a.content }))
      })
    })
})

const deployPhase = (env: AgentCycleEnv): AgentPhase => ({
  name: "deploy",
  run: (context: PhaseContext) =>
    Effect.gen(function* () {
      const input = yield* inputOf(context)
      const { plan } = yield* storedOutput(PlanOutput, context.cycleId, "plan", context.outputs)
      const id = deploymentIdOf(context.cycleId)
      const store = yield* Deployment.DeploymentStore.DeploymentStore
      const earlier = yield* store.load(id)
      // A process that died while deploying left a running record: finish it rather than deploy twice.
      const directory = yield* OrganizationsDirectory.OrganizationsDirectory
      const production = yield* Effect.forEach(input.productionOus ?? [], (ou) => directory.accountsUnder(ou))
      const productionAccounts = [...new Set(production.flat().map((a) => a.id)), ...(env.productionAccounts ?? [])]
      const record: DeploymentRecord = Option.isSome(earlier)
        ? yield* Deployment.resume(id, {
          mode: "complete",
          ...(env.validation === undefined ? {} : { validation: env.validation }),
          ...(env.onDeployProgress === undefined ? {} : { onProgress: env.onDeployProgress })
        })
        : yield* Deployment.deploy(plan, {
            id,
            ...(input.approvedBy === undefined ? {} : { approval: { approvedBy: input.approvedBy, cycleId: input.cycleId } }),
            ...(input.maxChanges === undefined ? {} : { maxChanges: input.maxChanges }),
            ...(env.validation === undefined ? {} : { validation: env.validation }),
            ...(env.protectedTags === undefined ? {} : { protectedTags: env.protectedTags }),
            ...(productionAccounts.length === 0 ? {} : { productionAccounts }),
            ...(input.allowProduction === true ? { override: { production: true } } : {}),
            ...(env.onDeployProgress === undefined ? {} : { onProgress: env.onDeployProgress })
          })
      return encoded(DeployOutput, record)
    })
})

const monitorPhase = (env: AgentCycleEnv): AgentPhase => ({
  name: "monitor",
  run: (context: PhaseContext) =>
    Effect.gen(function* () {
      const input = yield* inputOf(context)
      const { plan } = yield* storedOutput(PlanOutput, context.cycleId, "plan", context.outputs)
      const record = yield* storedOutput(DeployOutput, context.cycleId, "deploy", context.outputs)
      const applied = record.executions.filter((e) => e.status === "applied").length
      if (record.mode === "dry-run" || applied === 0) {
        return encoded(MonitorOutput, { observation: null, note: record.mode === "dry-run" ? "dry run: nothing changed, nothing to watch" : "no change was applied" })
      }
      const observation = yield* Monitoring.watch(
        { plan, record },
        {
          cycleId: input.cycleId,
          window: Duration.seconds(input.watchSeconds),
          catalog: env.catalog,
          ...env.monitor,
          ...(env.validation === undefined ? {} : { validation: env.validation })
        }
      )
      return encoded(MonitorOutput, {
        observation,
        note: `${observation.verdict}; ${observation.rolledBack.length} change(s) rolled back`
      })
    })
})

const learnPhase = (env: AgentCycleEnv): AgentPhase => ({
  name: "learn",
  run: (context: PhaseContext) =>
    Effect.gen(function* () {
      const input = yield* inputOf(context)
      const { cycleId } = context
      const before = yield* storedOutput(DiscoverOutput, cycleId, "discover", context.outputs)
      const planned = yield* storedOutput(PlanOutput, cycleId, "plan", context.outputs)
      const record = yield* storedOutput(DeployOutput, cycleId, "deploy", context.outputs)
      const monitor = yield* storedOutput(MonitorOutput, cycleId, "monitor", context.outputs)
      const after = yield* storedOutput(DiscoverOutput, cycleId, "rediscover", context.outputs)
      const raw = new Map(planned.rawSavings.map((r) => [r.changeId, r.monthly]))
      const { outcomes, unmeasured } = Learning.cycleOutcomes(planned.plan, record, monitor.observation ?? undefined, before.world, after.world, raw)
      const learned = Learning.learningRecord(input.cycleId, outcomes, ruleStatsMap(input.ruleStats), {
        recordedAt: new Date(yield* Clock.currentTimeMillis)
      })
      const d = WorldDiff.diff(before.world, after.world)
      const left = optimize(after.world, env.catalog, { cycleId: input.cycleId, utilizationStats: statsMap(after), ruleStats: learned.stats })
      const mark: CycleMark = {
        cycleId,
        from: before.world.timestamp,
        at: after.world.timestamp,
        world: snapshotOf(after.world),
        changesLeft: left.plan.changes.length,
        worldChanged: d.added.length + d.removed.length + d.changed.length > 0
      }
      const world0 = input.previous?.world0 ?? { at: before.world.timestamp, world: snapshotOf(before.world) }
      const marks = [...(input.previous?.marks ?? []), mark]
      const delta = worldDelta(snapshotOf(before.world), snapshotOf(after.world))
      return encoded(LearnOutput, {
        record: learned.record,
        recommendations: learned.recommendations.map((r) => ({ rule: r.rule, kind: r.kind, message: r.message })),
        delta: { ...delta, changedResources: d.changed.length, addedResources: d.added.length, removedResources: d.removed.length },
        carried: { cycleId, world0, marks },
        infinity: worldInfinity(world0, marks, env.criteria),
        ...(unmeasured.length === 0 ? {} : { unmeasured })
      })
    })
})

export type PhaseName = "discover" | "plan" | "deploy" | "monitor" | "rediscover" | "learn"

/** Each phase's stored output, which a delegated phase's answer must match. */
const OUTPUTS: Readonly<Record<PhaseName, Schema.Schema.AnyNoContext>> = {
  discover: DiscoverOutput,
  plan: PlanOutput,
  deploy: DeployOutput,
  monitor: MonitorOutput,
  rediscover: DiscoverOutput,
  learn: LearnOutput
}

const delegated = (name: PhaseName, external: { readonly executor: ExternalExecutor; readonly config: PhaseConfig }): AgentPhase => ({
  name,
  run: (context) =>
    Effect.gen(function* () {
      const discovered = context.outputs["discover"]
      const world = typeof discovered === "object" && discovered !== null && "world" in discovered ? discovered.world : null
      const answer = yield* execute(external.executor, { phase: name, config: external.config, context: { world_state: world, previous_output: context.previous ?? null } })
      yield* storedOutput(OUTPUTS[name], context.cycleId, name, { [name]: answer })
      return answer
    })
})

/** θ1..θ6 in order, for CycleRunner.run / resume. */
export const agentPhases = (env: AgentCycleEnv): ReadonlyArray<AgentPhase> => {
  const own: ReadonlyArray<AgentPhase> = [
    discoverPhase("discover", env),
    planPhase(env),
    deployPhase(env),
    monitorPhase(env),
    discoverPhase("rediscover", env),
    learnPhase(env)
  ]
  const phases = own.map((p) => {
    const external = env.external?.[p.name as PhaseName]
    return external === undefined ? p : delegated(p.name as PhaseName, external)
  })
  const told = env.onPhase
  if (told === undefined) return phases
  return phases.map((p) => ({
    name: p.name,
    run: (context: PhaseContext) =>
      Effect.gen(function* () {
        yield* told(p.name)
        return yield* p.run(context)
      })
  }))
}
