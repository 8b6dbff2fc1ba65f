/**
 * The cycle runner: runs an ordered list of phases, persisting each phase's
 * output through the CycleStore before the next phase starts, so a cycle can
 * resume from its last completed phase and be replayed or audited.
 */
import type { MicroUsd } from "@miyabi/types"
import { Clock, Effect, Schema } from "effect"
import { CycleStore, type CycleStoreError, type StoredPhase } from "./CycleStore.js"
import { execute, type ExternalExecutor, type PhaseConfig, type PhaseExecutorError } from "./PhaseExecutor.js"

export class CycleError extends Schema.TaggedError<CycleError>("CycleError")("CycleError", {
  reason: Schema.Literal(
    /** A phase failed; the outputs of the phases before it are stored. */
    "PhaseFailed",
    /** resume: no such cycle in the store. */
    "NotFound",
    /** resume: the stored phases are not a prefix of the phases given. */
    "PlanMismatch",
    /** run: a cycle with this id was already begun (use resume). */
    "AlreadyExists",
    /** A stored phase output no longer decodes as the phase's output. */
    "StoredOutputInvalid"
  ),
  cycleId: Schema.String,
  phase: Schema.optional(Schema.String),
  detail: Schema.String,
  cause: Schema.optional(Schema.Unknown)
}) {
  override get message(): string {
    return `cycle ${this.cycleId}${this.phase === undefined ? "" : ` phase ${this.phase}`}: ${this.reason}: ${this.detail}`
  }
}

/** What a phase sees: the cycle's input and every earlier output, by phase name. */
export interface PhaseContext {
  readonly cycleId: string
  readonly input: unknown
  /** The output of the phase just before (the input for the first phase). */
  readonly previous: unknown
  readonly outputs: Readonly<Record<string, unknown>>
}

/** One phase: its output must be a JSON value (it is stored). */
export interface Phase<E = never, R = never> {
  readonly name: string
  readonly run: (context: PhaseContext) => Effect.Effect<unknown, E, R>
}

export interface PhaseRecord {
  readonly phase: string
  readonly output: unknown
  /** true when the output came from the store (the phase did not run again). */
  readonly resumed: boolean
}

export interface CycleResult {
  readonly cycleId: string
  readonly phases: ReadonlyArray<PhaseRecord>
}

const describe = (cause: unknown): string =>
  typeof cause === "object" && cause !== null && "message" in cause && typeof cause.message === "string" ? cause.message : String(cause)

const phaseNamePattern = /^[A-Za-z0-9_-]+$/

const runFrom = <E, R>(
  cycleId: string,
  phases: ReadonlyArray<Phase<E, R>>,
  input: unknown,
  stored: ReadonlyArray<StoredPhase>
): Effect.Effect<CycleResult, CycleError | CycleStoreError, R | CycleStore> =>
  Effect.gen(function*() {
    const store = yield* CycleStore
    const records: Array<PhaseRecord> = []
    const outputs: Record<string, unknown> = {}
    let previous = input
    for (const [index, phase] of phases.entries()) {
      const done = stored[index]
      if (done !== undefined) {
        records.push({ phase: phase.name, output: done.output, resumed: true })
        outputs[phase.name] = done.output
        previous = done.output
        continue
      }
      const output = yield* phase.run({ cycleId, input, previous, outputs: { ...outputs } }).pipe(
        Effect.mapError((cause) => new CycleError({ reason: "PhaseFailed", cycleId, phase: phase.name, detail: describe(cause), cause })),
        Effect.withSpan("CycleRunner.phase", { attributes: { cycleId, phase: phase.name, index } })
      )
      const completedAt = new Date(yield* Clock.currentTimeMillis).toISOString()
      yield* store.savePhase(cycleId, { index, phase: phase.name, output, completedAt })
      // Keep what was stored (a JSON round trip), so a run and a resume see the same values.
      const kept: unknown = output === undefined ? null : JSON.parse(JSON.stringify(output))
      records.push({ phase: phase.name, output: kept, resumed: false })
      outputs[phase.name] = kept
      previous = kept
    }
    return { cycleId, phases: records }
  })

const checkNames = <E, R>(cycleId: string, phases: ReadonlyArray<Phase<E, R>>): Effect.Effect<void, CycleError> => {
  const names = phases.map((phase) => phase.name)
  const bad = names.find((name, i) => !phaseNamePattern.test(name) || names.indexOf(name) !== i)
  return bad === undefined
    ? Effect.void
    : Effect.fail(new CycleError({ reason: "PlanMismatch", cycleId, phase: bad, detail: "phase names must be unique and use letters, digits, '_' or '-'" }))
}

/** Starts a new cycle: stores the input, then runs every phase in order. */
export const run = <E, R>(
  cycleId: string,
  phases: ReadonlyArray<Phase<E, R>>,
  input: unknown
): Effect.Effect<CycleResult, CycleError | CycleStoreError, R | CycleStore> =>
  Effect.gen(function*() {
    yield* checkNames(cycleId, phases)
    const store = yield* CycleStore
    if ((yield* store.load(cycleId)) !== undefined) {
      return yield* new CycleError({ reason: "AlreadyExists", cycleId, detail: "a cycle with this id was already begun; resume it" })
    }
    yield* store.begin(cycleId, input)
    return yield* runFrom(cycleId, phases, input, [])
  }).pipe(Effect.withSpan("CycleRunner.run", { attributes: { cycleId } }))

/**
 * Continues a stored cycle: phases whose output is stored are not run again
 * (their stored output is used), the rest run in order.
 */
export const resume = <E, R>(
  cycleId: string,
  phases: ReadonlyArray<Phase<E, R>>
): Effect.Effect<CycleResult, CycleError | CycleStoreError, R | CycleStore> =>
  Effect.gen(function*() {
    yield* checkNames(cycleId, phases)
    const store = yield* CycleStore
    const cycle = yield* store.load(cycleId)
    if (cycle === undefined) return yield* new CycleError({ reason: "NotFound", cycleId, detail: "no stored cycle with this id" })
    const mismatch = cycle.phases.find((stored, i) => stored.index !== i || phases[i]?.name !== stored.phase)
    if (mismatch !== undefined) {
      return yield* new CycleError({
        reason: "PlanMismatch",
        cycleId,
        phase: mismatch.phase,
        detail: `stored phase ${mismatch.index} is ${mismatch.phase}, the plan has ${phases[mismatch.index]?.name ?? "nothing"} there`
      })
    }
    return yield* runFrom(cycleId, phases, cycle.input, cycle.phases)
  }).pipe(Effect.withSpan("CycleRunner.resume", { attributes: { cycleId } }))

/**
 * A phase delegated to an external executor: `world_state` is the output of
 * the phase named `worldFrom` (or the cycle input when absent), and
 * `previous_output` the previous phase's output.
 */
export const externalPhase = (
  name: string,
  executor: ExternalExecutor,
  config: PhaseConfig,
  worldFrom?: string
): Phase<PhaseExecutorError> => ({
  name,
  run: (context) =>
    execute(executor, {
      phase: name,
      config,
      context: {
        world_state: worldFrom === undefined ? context.input : (context.outputs[worldFrom] ?? null),
        previous_output: context.previous ?? null
      }
    })
})

/** The measures of one world compared between cycles. */
export interface WorldSnapshot {
  readonly monthlyCost: MicroUsd
  /** Security score, 0..100. */
  readonly score: number
  /** Mean utilization of the measured resources, percent. */
  readonly utilizationPct: number
}

export interface WorldDelta {
  readonly before: WorldSnapshot
  readonly after: WorldSnapshot
  /** after - before, micro-dollars (negative is a saving). */
  readonly costDelta: number
  /** Percent change of cost from before (negative is a saving); 0 when before is 0. */
  readonly costChangePct: number
  readonly scoreDelta: number
  readonly utilizationDelta: number
}

/** World_n -> World_n+1. */
export const worldDelta = (before: WorldSnapshot, after: WorldSnapshot): WorldDelta => ({
  before,
  after,
  costDelta: after.monthlyCost - before.monthlyCost,
  costChangePct: before.monthlyCost === 0 ? 0 : ((after.monthlyCost - before.monthlyCost) / before.monthlyCost) * 100,
  scoreDelta: after.score - before.score,
  utilizationDelta: after.utilizationPct - before.utilizationPct
})
