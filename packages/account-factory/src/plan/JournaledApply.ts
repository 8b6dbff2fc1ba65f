/**
 * `applyPlan` with its progress journaled in the `ApplyJournalStore`: the
 * run is recorded before the first step, each step's outcome as soon as it
 * is done, and the run's end. A killed apply leaves its run unfinished; the
 * next apply of the same spec (planned again against the live organization,
 * so what was done is not planned again) reports the run it resumes and
 * carries it in `interrupted`.
 */
import { Clock, Effect, Option } from "effect"
import type { Organizations } from "../org/Organizations.js"
import { ApplyJournalStore, startJournal, type ApplyJournal, type ApplyJournalError, type JournalEntry } from "./ApplyJournal.js"
import { applyPlan, type ApplyError, type ApplyOptions, type ApplyResult } from "./PlanApply.js"
import { describeStep } from "./PlanRender.js"
import type { OrgPlan } from "./PlanStep.js"

export interface JournaledApplyOptions extends ApplyOptions {
  /**
   * A step's outcome could not be journaled: with this, the apply goes on
   * (every step checks the live organization first, so a rerun is safe
   * without the journal); without it, the apply stops with the error.
   */
  readonly onJournalError?: (error: ApplyJournalError) => Effect.Effect<void>
}

export interface JournaledApplyResult {
  readonly result: ApplyResult
  /** This run's journal as recorded, finished. */
  readonly journal: ApplyJournal
  /** The earlier run of the same spec that stopped before finishing, if any. */
  readonly resumed: Option.Option<ApplyJournal>
}

const iso = Effect.map(Clock.currentTimeMillis, (ms) => new Date(ms))

/** Applies `plan` for the spec keyed `spec` (see the module comment). */
export const applyJournaled = (
  plan: OrgPlan,
  spec: string,
  options: JournaledApplyOptions = {}
): Effect.Effect<JournaledApplyResult, ApplyError | ApplyJournalError, Organizations | ApplyJournalStore> =>
  Effect.gen(function* () {
    const store = yield* ApplyJournalStore
    const previous = yield* store.latest(spec)
    const resumed = Option.filter(previous, (run) => !run.finished)
    const journal = startJournal(Option.getOrUndefined(previous), spec, plan.steps.length, yield* iso)
    const run = { spec, startedAt: journal.startedAt }
    yield* store.begin(journal)
    const entries: Array<JournalEntry> = []
    const result = yield* applyPlan(plan, {
      ...options,
      onStep: (index, step, outcome) =>
        Effect.gen(function* () {
          const entry: JournalEntry = { step: index, description: describeStep(step).trim(), outcome, at: (yield* iso).toISOString() }
          entries.push(entry)
          const recorded = store.record(run, entry)
          yield* options.onJournalError === undefined ? recorded : Effect.catchAll(recorded, options.onJournalError)
          if (options.onStep !== undefined) yield* options.onStep(index, step, outcome)
        })
    })
    yield* store.finish(run)
    return { result, journal: { ...journal, entries, finished: true }, resumed }
  }).pipe(Effect.withSpan("JournaledApply.applyJournaled", { attributes: { spec, steps: plan.steps.length } }))
