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
  type ChangeAction,
  ChangeExecution,
  type CycleId,
  DeploymentId,
  DeploymentRecord,
  type DeploymentStatus,
  type ExecutionPlan,
  type MicroUsd,
  type Resource,
  type Risk
} from "@miyabi/types"
import { Clock, Duration, Effect, Option, Ref, Schedule } from "effect"
import { order, reachedLike, supported } from "./Actions.js"
import { DeployError } from "./DeployError.js"
import { DeploymentStore, StoredDeployment } from "./DeploymentStore.js"
import { type ApplyError, LiveResources, type WaitPolicy } from "./LiveResources.js"

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
}

export const DEFAULT_PROTECTED_TAGS: Readonly<Record<string, string>> = { "miyabi:protected": "true" }
const DEFAULT_VALIDATION: WaitPolicy = { spacing: Duration.seconds(5), timeout: Duration.minutes(15) }
const RISK_RANK: Readonly<Record<Risk, number>> = { low: 0, medium: 1, high: 2 }
/** Marks an execution recorded before it ran and not yet confirmed (the record has no "running" status per change). */
export const IN_FLIGHT = "in-flight: recorded before applying, not confirmed"

const refuse = (message: string) => new DeployError({ reason: "BlastRadiusExceeded", message })

/** Refuses a plan over the limits, before anything is read or changed. */
export const checkBlastRadius = (plan: ExecutionPlan, options: DeployOptions): Effect.Effect<void, DeployError> => {
  const executable = plan.changes.filter((c) => supported(c.action))
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
  if (!supported(change.action)) return Option.some(`${change.action._tag} is advice or not executed by the deployer`)
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

interface Run {
  readonly plan: ExecutionPlan
  readonly record: Ref.Ref<DeploymentRecord>
  readonly validation: WaitPolicy
}

const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))

const save = (run: Run) =>
  Effect.flatMap(Ref.get(run.record), (record) => Effect.flatMap(DeploymentStore, (store) => store.save(StoredDeployment.make({ record, plan: run.plan }))))

/** Replaces (or appends) the execution of one change and persists the record. */
const put = (run: Run, execution: ChangeExecution) =>
  Ref.update(run.record, (r) => {
    const rest = r.executions.filter((e) => e.changeId !== execution.changeId)
    const at = r.executions.findIndex((e) => e.changeId === execution.changeId)
    const executions = at === -1 ? [...rest, execution] : [...rest.slice(0, at), execution, ...rest.slice(at)]
    return DeploymentRecord.make({ ...r, executions })
  }).pipe(Effect.zipRight(save(run)))

const finish = (run: Run, status: DeploymentStatus) =>
  Effect.flatMap(now, (at) => Ref.update(run.record, (r) => DeploymentRecord.make({ ...r, status, finishedAt: at }))).pipe(
    Effect.zipRight(save(run)),
    Effect.zipRight(Ref.get(run.record))
  )

const describe = (e: ApplyError): { readonly reason: string; readonly errorCode?: string } =>
  e._tag === "AwsError" ? { reason: e.message, errorCode: e.code } : { reason: e._tag === "DeployError" ? e.message : `${e.instanceId} did not reach ${e.waitedFor}` }

/** Polls the live resource until it shows `action` done, or fails after the timeout. */
const validate = (run: Run, execution: ChangeExecution, action: ChangeAction) =>
  Effect.flatMap(LiveResources, (live) =>
    live.observe(execution.resource).pipe(
      // passthrough: the result is the last observation, the resource as it ended up.
      Effect.repeat(Schedule.spaced(run.validation.spacing).pipe(Schedule.whileInput((r: Option.Option<Resource>) => !reachedLike(action, execution.before, r)), Schedule.passthrough)),
      Effect.timeoutFail({
        duration: run.validation.timeout,
        onTimeout: () => new DeployError({ reason: "ValidationFailed", message: `validation: ${execution.resource.id} did not reach ${action._tag} within ${Duration.format(run.validation.timeout)}` })
      })
    )
  )

/** Applies one change: recorded first (in flight, with its inverse), then applied, validated and recorded applied. */
const applyOne = (run: Run, execution: ChangeExecution): Effect.Effect<ChangeExecution, { readonly execution: ChangeExecution; readonly error: ApplyError }, LiveResources | DeploymentStore> =>
  Effect.gen(function* () {
    const live = yield* LiveResources
    const store = yield* DeploymentStore
    const startedAt = yield* now
    let current = ChangeExecution.make({ ...execution, status: "failed", reason: IN_FLIGHT, startedAt })
    yield* Effect.mapError(put(run, current), (error) => ({ execution: current, error }))
    // The snapshot id is the inverse of the deletion: recorded before the volume is deleted.
    const snapshotTaken = (snapshotId: string) => {
      const volumeType = current.before.details._tag === "ebs-volume" ? current.before.details.volumeType : "gp3"
      current = ChangeExecution.make({ ...current, inverse: { _tag: "RestoreVolumeFromSnapshot", snapshotId, volumeType } })
      return Effect.orDie(Effect.provideService(put(run, current), DeploymentStore, store))
    }
    const after = yield* live.apply(execution.resource, execution.action, { wait: run.validation, before: execution.before, snapshotTaken }).pipe(
      Effect.zipRight(validate(run, current, execution.action)),
      Effect.mapError((error) => ({ execution: current, error }))
    )
    const { reason: _inFlight, ...rest } = current
    const applied = ChangeExecution.make({ ...rest, status: "applied", finishedAt: yield* now, ...Option.match(after, { onNone: () => ({}), onSome: (a) => ({ after: a }) }) })
    yield* Effect.mapError(put(run, applied), (error) => ({ execution: applied, error }))
    return applied
  })

/** Undoes one execution with its inverse, unless the live resource already is as before. */
const rollbackOne = (run: Run, execution: ChangeExecution, why: string) =>
  Effect.gen(function* () {
    const live = yield* LiveResources
    const inverse = execution.inverse
    const current = yield* Effect.either(live.observe(execution.resource))
    const untouched = current._tag === "Right" && Option.isSome(current.right) && inverse !== undefined && reachedLike(inverse, execution.before, current.right)
    const result = untouched || inverse === undefined
      ? Effect.succeed(inverse === undefined ? "no inverse" : "already as before")
      : live.apply(execution.resource, inverse, { wait: run.validation, before: execution.before, snapshotTaken: () => Effect.void }).pipe(
          Effect.zipRight(validate(run, execution, inverse)),
          Effect.as("rolled back")
        )
    const outcome = yield* Effect.either(result)
    const finishedAt = yield* now
    const rolled = ChangeExecution.make({
      ...execution,
      status: outcome._tag === "Right" && inverse !== undefined ? "rolled-back" : "rollback-failed",
      finishedAt,
      reason: outcome._tag === "Right" ? `${why}; ${outcome.right}` : `${why}; rollback failed: ${describe(outcome.left).reason}`
    })
    yield* put(run, rolled)
    return rolled
  })

/** Rolls back the applied executions (and the in-flight ones) of the record, newest first. */
const rollbackAll = (run: Run, why: string) =>
  Effect.gen(function* () {
    const record = yield* Ref.get(run.record)
    const touched = record.executions.filter((e) => e.status === "applied" || (e.status === "failed" && e.finishedAt === undefined))
    const results = yield* Effect.forEach([...touched].reverse(), (e) => rollbackOne(run, e, why))
    return yield* finish(run, results.every((e) => e.status === "rolled-back") ? "rolled-back" : "failed")
  })

/** Runs the given executions in order; on the first failure, rolls everything back. */
const runAll = (run: Run, pending: ReadonlyArray<ChangeExecution>) =>
  Effect.gen(function* () {
    for (const execution of pending) {
      const result = yield* Effect.either(applyOne(run, execution))
      if (result._tag === "Left") {
        const { reason, errorCode } = describe(result.left.error)
        const failed = ChangeExecution.make({ ...result.left.execution, status: "failed", reason, ...(errorCode === undefined ? {} : { errorCode }) })
        yield* put(run, failed)
        // The failed change may have half-happened (a stop without the start): it is rolled back too.
        return yield* rollbackAll(run, `deployment failed at ${failed.changeId}: ${reason}`)
      }
    }
    return yield* finish(run, "succeeded")
  })

/** Reads every resource of the plan; a missing one means the plan is stale. */
const observeAll = (changes: ReadonlyArray<Change>) =>
  Effect.flatMap(LiveResources, (live) =>
    Effect.forEach(
      changes,
      (c) =>
        live.observe(c.resource).pipe(
          Effect.mapError((e) => new DeployError({ reason: "StalePlan", message: `cannot read ${c.resource.id}: ${e.message}` })),
          Effect.flatMap(Option.match({ onNone: () => Effect.fail(new DeployError({ reason: "StalePlan", message: `${c.resource.kind} ${c.resource.id} no longer exists` })), onSome: (r) => Effect.succeed(r) })),
          Effect.flatMap((r) =>
            Effect.map(
              Effect.mapError(live.inverse(c.resource, c.action, r), (e) => new DeployError({ reason: "StalePlan", message: `cannot read ${c.resource.id}: ${e.message}` })),
              (inverse) => [c.id, { before: r, inverse }] as const
            )
          )
        ),
      { concurrency: 4 }
    )
  ).pipe(Effect.map((pairs) => new Map<string, Observed>(pairs)))

interface Observed {
  readonly before: Resource
  readonly inverse: Option.Option<ChangeAction>
}

export const deploy = (plan: ExecutionPlan, options: DeployOptions = {}): Effect.Effect<DeploymentRecord, DeployError, LiveResources | DeploymentStore> =>
  Effect.gen(function* () {
    yield* checkBlastRadius(plan, options)
    if (options.approval !== undefined && options.approval.cycleId !== plan.cycleId) {
      return yield* new DeployError({ reason: "ApprovalMismatch", message: `the approval is for cycle ${options.approval.cycleId}, the plan is cycle ${plan.cycleId}` })
    }
    const apply = options.approve === true || options.approval !== undefined
    const startedAt = yield* now
    const observed = yield* observeAll(plan.changes)
    const before = new Map([...observed].map(([id, o]) => [id, o.before] as const))
    const executions = order(plan.changes, before).flatMap((c) => {
      const o = observed.get(c.id)
      if (o === undefined) return []
      const b = o.before
      const skip = skipReason(c, b, plan, options)
      const inverse = o.inverse
      return [ChangeExecution.make({
        changeId: c.id,
        resource: c.resource,
        action: c.action,
        status: Option.isSome(skip) ? "skipped" : "would-apply",
        before: b,
        ...(Option.isSome(inverse) ? { inverse: inverse.value } : {}),
        startedAt,
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
    const run: Run = { plan, record, validation: options.validation ?? DEFAULT_VALIDATION }
    if (!apply) return yield* finish(run, "dry-run")
    yield* save(run)
    return yield* runAll(run, executions.filter((e) => e.status !== "skipped"))
  }).pipe(Effect.withSpan("Deployer.deploy", { attributes: { cycleId: plan.cycleId, changes: plan.changes.length } }))

export interface ResumeOptions {
  /** "complete": finish the remaining changes; "rollback": undo what was applied. */
  readonly mode: "complete" | "rollback"
  readonly validation?: WaitPolicy
}

const inFlight = (e: ChangeExecution): boolean => e.status === "failed" && e.finishedAt === undefined

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
    const run: Run = { plan, record: yield* Ref.make(record), validation: options.validation ?? DEFAULT_VALIDATION }
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
      return [ChangeExecution.make({ changeId: c.id, resource: c.resource, action: c.action, status: "would-apply", before: o.before, ...(Option.isSome(o.inverse) ? { inverse: o.inverse.value } : {}), startedAt })]
    })
    return yield* runAll(run, pending)
  }).pipe(Effect.withSpan("Deployer.resume", { attributes: { deploymentId: id, mode: options.mode } }))
