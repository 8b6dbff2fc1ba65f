/**
 * The one error of the cycle stores, and the checks and JSON codec every
 * store shares, so that all stores refuse and report the same things.
 */
import { Effect, Schema } from "effect"

export class CycleStoreError extends Schema.TaggedError<CycleStoreError>("CycleStoreError")("CycleStoreError", {
  reason: Schema.Literal(
    "ReadFailed",
    "WriteFailed",
    /** Stored data does not decode (bad JSON, a missing or mismatched chunk, a row of the wrong shape). */
    "Corrupt",
    /** A cycle id or phase name outside `[A-Za-z0-9][A-Za-z0-9._-]*` (ids become file names and keys). */
    "InvalidId",
    /** begin: a cycle with this id was already begun. */
    "AlreadyExists",
    /** savePhase: the cycle was never begun. */
    "NotBegun"
  ),
  cycleId: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `cycle ${this.cycleId}: ${this.reason}: ${this.detail}`
  }
}

const validId = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/
const validPhase = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/

export const isValidCycleId = (cycleId: string): boolean => validId.test(cycleId)

export const checkId = (cycleId: string): Effect.Effect<void, CycleStoreError> =>
  isValidCycleId(cycleId) ? Effect.void : Effect.fail(new CycleStoreError({ reason: "InvalidId", cycleId, detail: "use letters, digits, '.', '_' or '-'" }))

/** A phase is stored under its index and name; both end up in file names and keys. */
export const checkPhase = (cycleId: string, phase: { readonly index: number; readonly phase: string }): Effect.Effect<void, CycleStoreError> =>
  Effect.zipRight(
    checkId(cycleId),
    Number.isInteger(phase.index) && phase.index >= 0 && phase.index <= 99 && validPhase.test(phase.phase)
      ? Effect.void
      : Effect.fail(new CycleStoreError({ reason: "InvalidId", cycleId, detail: `phase ${phase.index} "${phase.phase}": index 0..99, name of letters, digits, '_' or '-'` }))
  )

/** JSON text of a value: every store keeps exactly what a JSON file would. */
export const toJson = (cycleId: string, value: unknown, indent?: number): Effect.Effect<string, CycleStoreError> =>
  Effect.try({
    try: () => JSON.stringify(value ?? null, null, indent),
    catch: (cause) => new CycleStoreError({ reason: "WriteFailed", cycleId, detail: `not JSON-serializable: ${String(cause)}` })
  })

export const fromJson = (cycleId: string, text: string, what: string): Effect.Effect<unknown, CycleStoreError> =>
  Effect.try({
    try: (): unknown => JSON.parse(text),
    catch: (cause) => new CycleStoreError({ reason: "Corrupt", cycleId, detail: `${what}: ${String(cause)}` })
  })

export const corrupt = (cycleId: string, detail: string): CycleStoreError => new CycleStoreError({ reason: "Corrupt", cycleId, detail })
