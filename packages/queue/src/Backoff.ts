/**
 * Retry delays: exponential in the attempt number, capped, with "equal
 * jitter" (half the step fixed, half random) so that many tasks failing at
 * once spread their retries out but never come back sooner than half a step.
 */
export interface BackoffPolicy {
  /** The step after the first failed attempt, in milliseconds. */
  readonly baseMs: number
  /** No delay is longer than this, in milliseconds. */
  readonly capMs: number
}

export const defaultBackoff: BackoffPolicy = { baseMs: 1_000, capMs: 5 * 60_000 }

/** The exponential step after `attempt` failed attempts (1-based), before jitter. */
export const stepMs = (policy: BackoffPolicy, attempt: number): number =>
  Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1))

/** The delay before the next attempt; `random01` is a number in [0, 1). */
export const delayMs = (policy: BackoffPolicy, attempt: number, random01: number): number => {
  const step = stepMs(policy, attempt)
  return Math.round(step / 2 + (step / 2) * random01)
}
