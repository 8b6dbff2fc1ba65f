/**
 * θ4: executes an execution plan safely. Dry run unless approved; refuses a
 * plan over the blast radius; never touches protected resources or
 * production accounts without an explicit override; records each change with
 * its observed before-state and inverse before running it; validates each
 * change on the live resource; on a failure rolls back what it applied, in
 * reverse order. `resume` finishes or reverts a deployment whose process died.
 */
import {
  type AccountId,
  type Change,
  ChangeExecution,
  type CycleId,
  DeploymentId,
  DeploymentRecord,
  type ExecutionPlan,
  type MicroUsd,
  type ReadExecution,
  readExecution,
  type Resource,
  type Risk,
  wasRead
} from "@miyabi/types"
import { Effect, Option, Ref } from "effect"
import { notExecutable, order, reachedLike } from "./Actions.js"
import { DeployError } from "./DeployError.js"
import type { OnDeployProgress } from "./DeployProgress.js"
import { DeploymentStore } from "./DeploymentStore.js"
import { DEFAULT_VALIDATION, finish, now, type Observed, observeAll, observeForRecord, put, rollbackAll, type Run, runAll, save } from "./Execution.js"
import { LiveResources, type WaitPolicy } from "./LiveResources.js"

/** Someone (or a policy, "auto") approved applying the plan of one cycle. */
export interface Approval {
  readonly approvedBy: string
  readonly cycleId: CycleId
}

export interface DeployOptions {
  readonly id?: DeploymentId
  /** Apply for real (the CLI's --approve); without it or `approval`, a dry run. */
  readonly approve?: boolean
  readonly approval?: Approval
  /** Limits of one run, on top of the plan's own blast radius. */
  readonly maxChanges?: number
  /** The sum of the changes' expected monthly savings, the money a run may move. */
  readonly maxMonthlyCostAffected?: MicroUsd
  /** Tags (key -> value) that protect a resource; default `miyabi:protected=true`. The plan's protected keys apply too. */
  readonly protectedTags?: Readonly<Record<string, string>>
  /** Production accounts (the accounts of the production OUs), never touched without `override.production`. */
  readonly productionAccounts?: ReadonlyArray<AccountId>
  readonly override?: { readonly protectedResources?: boolean; readonly production?: boolean }
  /** Validation polling after each change; default every 5 s for 15 minutes (an RDS class change takes minutes). */
  readonly validation?: WaitPolicy
  /** Told of each step: the resources read, then each change applying, waiting until done, applied or failed, and any rollback. */
  readonly onProgress?: OnDeployProgress
}

export const DEFAULT_PROTECTED_TAGS: Readonly<Record<string, string>> = { "miyabi:protected": "true" }
const RISK_RANK: Readonly<Record<Risk, number>> = { low: 0, medium: 1, high: 2 }

const refuse = (message: string) => new DeployError({ reason: "BlastRadiusExceeded", message })

/** Refuses a plan over the limits, before anything is read or changed. */
export const checkBlastRadius = (plan: ExecutionPlan, options: DeployOptions): Effect.Effect<void, DeployError> => {
  const executable = plan.changes.filter((c) => Option.isNone(notExecutable(c)))
  const max = Math.min(plan.blastRadius.maxChanges, options.maxChanges ?? Number.POSITIVE_INFINITY)
  if (executable.length > max) return Effect.fail(refuse(`${executable.length} changes, the limit is ${max}`))
  const perAccount = new Map<string, number>()
  for (const c of executable) perAccount.set(c.resource.account, (perAccount.get(c.resource.account) ?? 0) + 1)
  for (const [account, n] of perAccount) {
    if (n > plan.blastRadius.maxChangesPerAccount) return Effect.fail(refuse(`${n} changes in account ${account}, the limit is ${plan.blastRadius.maxChangesPerAccount}`))
  }
  const affected = executable.reduce((sum, c) => sum + c.expectedMonthlySavings, 0)
  if (options.maxMonthlyCostAffected !== undefined && affected > options.maxMonthlyCostAffected) {
    return Effect.fail(refuse(`${affected} micro-USD a month affected, the limit is ${options.maxMonthlyCostAffected}`))
  }
  return Effect.void
}

/** Why a change must not run, or none. */
export const skipReason = (change: Change, before: Resource, plan: ExecutionPlan, options: DeployOptions): Option.Option<string> => {
  const cannot = notExecutable(change)
  if (Option.isSome(cannot)) return cannot
  if (options.override?.protectedResources !== true) {
    const tags = Object.entries(options.protectedTags ?? DEFAULT_PROTECTED_TAGS).find(([k, v]) => before.tags[k] === v)
    if (tags !== undefined) return Option.some(`protected by tag ${tags[0]}=${tags[1]}`)
    const key = plan.protectedTagKeys.find((k) => before.tags[k] !== undefined)
    if (key !== undefined) return Option.some(`protected by tag key ${key}`)
  }
  if (options.override?.production !== true && (options.productionAccounts ?? []).includes(before.account)) {
    return Option.some(`account ${before.account} is production`)
  }
  if (RISK_RANK[change.risk] > RISK_RANK[plan.blastRadius.maxRisk]) return Option.some(`risk ${change.risk} is over the plan's ${plan.blastRadius.maxRisk}`)
  for (const p of change.preconditions) {
    if (p._tag === "StateIs" && before.state !== p.state) return Option.some(`precondition: state is ${before.state}, not ${p.state}`)
    if (p._tag === "TagAbsent" && before.tags[p.key] !== undefined) return Option.some(`precondition: tag ${p.key} is present`)
    if (p._tag === "ManualApproval" && options.approval === undefined) return Option.some(`needs an approval record: ${p.reason}`)
  }
  return Option.none()
}

export const deploy = (plan: ExecutionPlan, options: DeployOptions = {}): Effect.Effect<DeploymentRecord, DeployError, LiveResources | DeploymentStore> =>
  Effect.gen(function* () {
    yield* checkBlastRadius(plan, options)
    if (options.approval !== undefined && options.approval.cycleId !== plan.cycleId) {
      return yield* new DeployError({ reason: "ApprovalMismatch", message: `the approval is for cycle ${options.approval.cycleId}, the plan is cycle ${plan.cycleId}` })
    }
    const apply = options.approve === true || options.approval !== undefined
    const startedAt = yield* now
    // What the deployer cannot execute is decided from the plan alone: it is recorded skipped and
    // never read as a precondition, so a resource it has no reader for cannot stale the plan.
    const cannot = new Map(plan.changes.flatMap((c) => Option.toArray(Option.map(notExecutable(c), (why) => [c.id as string, why] as const))))
    if (options.onProgress !== undefined) yield* options.onProgress({ _tag: "Reading", total: plan.changes.length })
    const observed = yield* observeAll(plan.changes.filter((c) => !cannot.has(c.id)))
    // Read only for the record; one that could not be read is recorded without a before-state.
    const recordOnly = yield* observeForRecord(plan.changes.filter((c) => cannot.has(c.id)))
    const before = new Map([...[...observed].map(([id, o]) => [id, o.before] as const), ...recordOnly])
    const executions = order(plan.changes, before).flatMap((c): ReadonlyArray<ChangeExecution> => {
      const common = { changeId: c.id, resource: c.resource, action: c.action, startedAt }
      const why = cannot.get(c.id)
      if (why !== undefined) {
        const read = recordOnly.get(c.id)
        return [ChangeExecution.make({ ...common, status: "skipped", ...(read === undefined ? {} : { before: read }), reason: why, finishedAt: startedAt })]
      }
      // observeAll read every other change, or failed the deployment as stale.
      const o = observed.get(c.id)
      if (o === undefined) return []
      const skip = skipReason(c, o.before, plan, options)
      return [readExecution({
        ...common,
        status: Option.isSome(skip) ? "skipped" : "would-apply",
        before: o.before,
        ...(Option.isSome(o.inverse) ? { inverse: o.inverse.value } : {}),
        ...(Option.isSome(skip) ? { reason: skip.value, finishedAt: startedAt } : {})
      })]
    })
    const record = yield* Ref.make(
      DeploymentRecord.make({
        id: options.id ?? DeploymentId.make(`deploy-${plan.cycleId}-${startedAt.getTime()}`),
        cycleId: plan.cycleId,
        mode: apply ? "apply" : "dry-run",
        status: apply ? "running" : "dry-run",
        ...(apply ? { approvedBy: options.approval?.approvedBy ?? "cli --approve" } : {}),
        startedAt,
        executions: apply ? executions.filter((e) => e.status === "skipped") : executions
      })
    )
    const run: Run = { plan, record, validation: options.validation ?? DEFAULT_VALIDATION, ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }) }
    if (!apply) return yield* finish(run, "dry-run")
    yield* save(run)
    return yield* runAll(run, executions.filter((e): e is ReadExecution => e.status !== "skipped" && wasRead(e)))
  }).pipe(Effect.withSpan("Deployer.deploy", { attributes: { cycleId: plan.cycleId, changes: plan.changes.length } }))

export interface ResumeOptions {
  /** "complete": finish the remaining changes; "rollback": undo what was applied. */
  readonly mode: "complete" | "rollback"
  readonly validation?: WaitPolicy
  readonly onProgress?: OnDeployProgress
}

/** Recorded "running" before its action was sent, never confirmed: the process died around it. (Read, as every change that ran.) */
const inFlight = (e: ChangeExecution): e is ReadExecution => e.status === "running" && wasRead(e)

/**
 * Continues a deployment whose process died: each change recorded in flight
 * is looked at on the live resource (done: recorded applied; not done: run
 * again, or undone), then the rest is completed, or everything applied is
 * rolled back. A deployment that is not running is returned as it is.
 */
export const resume = (id: DeploymentId, options: ResumeOptions): Effect.Effect<DeploymentRecord, DeployError, LiveResources | DeploymentStore> =>
  Effect.gen(function* () {
    const store = yield* DeploymentStore
    const live = yield* LiveResources
    const stored = yield* store.load(id)
    if (Option.isNone(stored)) return yield* new DeployError({ reason: "NotFound", message: `no deployment ${id}` })
    const { plan, record } = stored.value
    if (record.status !== "running") return record
    const run: Run = { plan, record: yield* Ref.make(record), validation: options.validation ?? DEFAULT_VALIDATION, ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }) }
    for (const e of record.executions.filter(inFlight)) {
      const current = yield* Effect.mapError(live.observe(e.resource), (err) => new DeployError({ reason: "StalePlan", message: `cannot read ${e.resource.id}: ${err.message}` }))
      if (reachedLike(e.action, e.before, current)) {
        yield* put(run, ChangeExecution.make({ ...e, status: "applied", reason: "confirmed on resume", finishedAt: yield* now, ...Option.match(current, { onNone: () => ({}), onSome: (a) => ({ after: a }) }) }))
      }
    }
    if (options.mode === "rollback") return yield* rollbackAll(run, "rolled back on resume")
    const settled = yield* Ref.get(run.record)
    const done = new Set(settled.executions.filter((e) => !inFlight(e)).map((e) => e.changeId))
    // An in-flight change keeps its recorded before-state: the live one may be half-way.
    const recorded = new Map(settled.executions.filter(inFlight).map((e) => [e.changeId, e] as const))
    const remaining = plan.changes.filter((c) => !done.has(c.id))
    const fresh = yield* observeAll(remaining.filter((c) => !recorded.has(c.id)))
    const observed = new Map<string, Observed>([
      ...fresh,
      ...[...recorded].map(([k, e]) => [k, { before: e.before, inverse: Option.fromNullable(e.inverse) }] as const)
    ])
    const before = new Map([...observed].map(([id, o]) => [id, o.before] as const))
    const startedAt = yield* now
    const pending = order(remaining, before).flatMap((c) => {
      const o = observed.get(c.id)
      if (o === undefined) return []
      return [readExecution({ changeId: c.id, resource: c.resource, action: c.action, status: "would-apply", before: o.before, ...(Option.isSome(o.inverse) ? { inverse: o.inverse.value } : {}), startedAt })]
    })
    return yield* runAll(run, pending)
  }).pipe(Effect.withSpan("Deployer.resume", { attributes: { deploymentId: id, mode: options.mode } }))
