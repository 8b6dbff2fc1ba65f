/**
 * The sandbox's clock: wall time plus an offset tests can advance, so
 * time-based behaviour (CreateAccount finishing, SQS visibility timeouts,
 * message retention) is tested without sleeping.
 */
export interface SandboxClock {
  readonly now: () => Date
  /** Moves the sandbox's time forward by `ms` (never backward). */
  readonly advance: (ms: number) => void
}

export const makeClock = (base: () => number = Date.now): SandboxClock => {
  let offset = 0
  return {
    now: () => new Date(base() + offset),
    advance: (ms) => {
      offset += Math.max(0, ms)
    }
  }
}
