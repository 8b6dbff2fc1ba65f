/**
 * θ4's internals shared by `deploy`, `resume` and `rollbackChanges`: a run
 * (the plan, the record being written, the validation policy), recording an
 * execution (persisted at every step, so a crash leaves a record to resume),
 * applying one change (recorded "running" first, with its inverse), validating
 * it on the live resource, and undoing executions with their inverses.
 */
import { type Change, type ChangeAction, type ChangeExecution, DeploymentRecord, type DeploymentStatus, type ExecutionPlan, type ReadExecution, readExecution, type Resource, wasRead } from "@miyabi/types"
import { Clock, Duration, Effect, Option, Ref, Schedule } from "effect"
import { reachedLike } from "./Actions.js"
import { DeployError } from "./DeployError.js"
import type { DeployStep, OnDeployProgress } from "./DeployProgress.js"
import { DeploymentStore, StoredDeployment } from "./DeploymentStore.js"
import { type ApplyError, LiveResources, type WaitPolicy } from "./LiveResources.js"

export interface Run {
  readonly plan: ExecutionPlan
  readonly record: Ref.Ref<DeploymentRecord>
  readonly validation: WaitPolicy
  readonly onProgress?: OnDeployProgress
}

/** Where a change is within the changes being applied (or rolled back), 1-based. */
export interface Position {
  readonly index: number
  readonly total: number
}

/** Tells the run's progress callback, if any, that `execution` reached `step`. */
export const progress = (run: Run, execution: ChangeExecution, step: DeployStep, at: Position): Effect.Effect<void> =>
  run.onProgress === undefined
    ? Effect.void
    : run.onProgress({ _tag: "Change", step, ...at, changeId: execution.changeId, action: execution.action._tag, resource: execution.resource.id })

/** Validation polling after each change: every 5 s for 15 minutes (an RDS class change takes minutes). */
export const DEFAULT_VALIDATION: WaitPolicy = { spacing: Duration.seconds(5), timeout: Duration.minutes(15) }

export const now = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))

export const save = (run: Run) =>
  Effect.flatMap(Ref.get(run.record), (record) => Effect.flatMap(DeploymentStore, (store) => store.save(StoredDeployment.make({ record, plan: run.plan }))))

/** Replaces (or appends) the execution of one change and persists the record. */
export const put = (run: Run, execution: ChangeExecution) =>
  Ref.update(run.record, (r) => {
    const rest = r.executions.filter((e) => e.changeId !== execution.changeId)
    const at = r.executions.findIndex((e) => e.changeId === execution.changeId)
    const executions = at === -1 ? [...rest, execution] : [...rest.slice(0, at), execution, ...rest.slice(at)]
    return DeploymentRecord.make({ ...r, executions })
  }).pipe(Effect.zipRight(save(run)))

export const finish = (run: Run, status: DeploymentStatus) =>
  Effect.flatMap(now, (at) => Ref.update(run.record, (r) => DeploymentRecord.make({ ...r, status, finishedAt: at }))).pipe(
    Effect.zipRight(save(run)),
    Effect.zipRight(Ref.get(run.record))
  )

export const describe = (e: ApplyError): { readonly reason: string; readonly errorCode?: string } =>
  e._tag === "AwsError" ? { reason: e.message, errorCode: e.code } : { reason: e._tag === "DeployError" ? e.message : `${e.instanceId} did not reach ${e.waitedFor}` }

/** Polls the live resource until it shows `action` done, or fails after the timeout. */
const validate = (run: Run, execution: ReadExecution, action: ChangeAction) =>
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

/** Applies one change: recorded "running" first (with its inverse), then applied, validated and recorded applied. Only a read change can be applied. */
export const applyOne = (run: Run, execution: ReadExecution, at: Position): Effect.Effect<ReadExecution, { readonly execution: ReadExecution; readonly error: ApplyError }, LiveResources | DeploymentStore> =>
  Effect.gen(function* () {
    const live = yield* LiveResources
    const store = yield* DeploymentStore
    const startedAt = yield* now
    let current = readExecution({ ...execution, status: "running", startedAt })
    yield* Effect.mapError(put(run, current), (error) => ({ execution: current, error }))
    yield* progress(run, current, "applying", at)
    // The snapshot id is the inverse of the deletion: recorded before the volume is deleted.
    const snapshotTaken = (snapshotId: string) => {
      const volumeType = current.before.details._tag === "ebs-volume" ? current.before.details.volumeType : "gp3"
      current = readExecution({ ...current, inverse: { _tag: "RestoreVolumeFromSnapshot", snapshotId, volumeType } })
      return Effect.orDie(Effect.provideService(put(run, current), DeploymentStore, store))
    }
    const after = yield* live.apply(execution.resource, execution.action, { wait: run.validation, before: execution.before, snapshotTaken }).pipe(
      Effect.zipRight(progress(run, current, "waiting", at)),
      Effect.zipRight(validate(run, current, execution.action)),
      Effect.mapError((error) => ({ execution: current, error }))
    )
    const applied = readExecution({ ...current, status: "applied", finishedAt: yield* now, ...Option.match(after, { onNone: () => ({}), onSome: (a) => ({ after: a }) }) })
    yield* Effect.mapError(put(run, applied), (error) => ({ execution: applied, error }))
    yield* progress(run, applied, "applied", at)
    return applied
  })

/** Undoes one execution with its inverse, unless the live resource already is as before; recorded rolled-back or rollback-failed with `why`. Only a read change (one that ran) can be undone. */
export const rollbackOne = (run: Run, execution: ReadExecution, why: string, at: Position) =>
  Effect.gen(function* () {
    yield* progress(run, execution, "rolling-back", at)
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
    const rolled = readExecution({
      ...execution,
      status: outcome._tag === "Right" && inverse !== undefined ? "rolled-back" : "rollback-failed",
      finishedAt,
      reason: outcome._tag === "Right" ? `${why}; ${outcome.right}` : `${why}; rollback failed: ${describe(outcome.left).reason}`
    })
    yield* put(run, rolled)
    yield* progress(run, rolled, rolled.status === "rolled-back" ? "rolled-back" : "rollback-failed", at)
    return rolled
  })

/**
 * Whether an execution may have changed its resource: applied, or recorded
 * running and never confirmed. Such an execution was read (the schema refuses
 * one without its before-state); the guard says so to the type.
 */
export const touched = (e: ChangeExecution): e is ReadExecution => (e.status === "applied" || e.status === "running") && wasRead(e)

/** Undoes the given executions newest first (the reverse of the record's order). */
export const rollbackEach = (run: Run, executions: ReadonlyArray<ReadExecution>, why: string) =>
  Effect.gen(function* () {
    const order = (yield* Ref.get(run.record)).executions.map((e) => e.changeId)
    const newestFirst = [...executions].sort((a, b) => order.indexOf(b.changeId) - order.indexOf(a.changeId))
    return yield* Effect.forEach(newestFirst, (e, i) => rollbackOne(run, e, why, { index: i + 1, total: newestFirst.length }))
  })

/** Rolls back every touched execution of the record (and `failed`, the change that just failed), newest first. */
export const rollbackAll = (run: Run, why: string, failed?: ReadExecution) =>
  Effect.gen(function* () {
    const record = yield* Ref.get(run.record)
    const results = yield* rollbackEach(run, record.executions.filter((e): e is ReadExecution => touched(e) || (e.changeId === failed?.changeId && wasRead(e))), why)
    return yield* finish(run, results.every((e) => e.status === "rolled-back") ? "rolled-back" : "failed")
  })

/** Runs the given executions in order; on the first failure, rolls everything back. */
export const runAll = (run: Run, pending: ReadonlyArray<ReadExecution>) =>
  Effect.gen(function* () {
    for (const [i, execution] of pending.entries()) {
      const at = { index: i + 1, total: pending.length }
      const result = yield* Effect.either(applyOne(run, execution, at))
      if (result._tag === "Left") {
        const { reason, errorCode } = describe(result.left.error)
        const failed = readExecution({ ...result.left.execution, status: "failed", reason, ...(errorCode === undefined ? {} : { errorCode }) })
        yield* put(run, failed)
        yield* progress(run, failed, "failed", at)
        // The failed change may have half-happened (a stop without the start): it is rolled back too.
        return yield* rollbackAll(run, `deployment failed at ${failed.changeId}: ${reason}`, failed)
      }
    }
    return yield* finish(run, "succeeded")
  })

export interface Observed {
  readonly before: Resource
  readonly inverse: Option.Option<ChangeAction>
}

/**
 * Reads the resource of every change the deployer executes; a missing one
 * means the plan is stale. (What it does not execute is decided before, from
 * the plan alone, and read only for the record: observeForRecord.)
 */
export const observeAll = (changes: ReadonlyArray<Change>) =>
  Effect.flatMap(LiveResources, (live) =>
    Effect.forEach(
      changes,
      (c) => {
        const stale = (message: string) => new DeployError({ reason: "StalePlan", message })
        return live.observe(c.resource).pipe(
          Effect.mapError((e) => stale(`cannot read ${c.resource.id}: ${e.message}`)),
          Effect.flatMap(Option.match({ onNone: () => Effect.fail(stale(`${c.resource.kind} ${c.resource.id} no longer exists`)), onSome: (r) => Effect.succeed(r) })),
          Effect.flatMap((r) =>
            Effect.map(
              Effect.mapError(live.inverse(c.resource, c.action, r), (e) => stale(`cannot read ${c.resource.id}: ${e.message}`)),
              (inverse) => [c.id, { before: r, inverse }] as const
            )
          )
        )
      },
      { concurrency: 4 }
    )
  ).pipe(Effect.map((pairs) => new Map<string, Observed>(pairs)))

/**
 * Reads the resources of changes the deployer will not execute, only to
 * record them: a failed or empty read is no reason to stop the deployment,
 * the change is recorded without a before-state. The map holds the read ones.
 */
export const observeForRecord = (changes: ReadonlyArray<Change>) =>
  Effect.flatMap(LiveResources, (live) =>
    Effect.forEach(
      changes,
      (c) =>
        live.observe(c.resource).pipe(
          Effect.option,
          Effect.map((r) => Option.match(Option.flatten(r), { onNone: () => [], onSome: (before) => [[c.id as string, before] as const] }))
        ),
      { concurrency: 4 }
    )
  ).pipe(Effect.map((pairs) => new Map<string, Resource>(pairs.flat())))
