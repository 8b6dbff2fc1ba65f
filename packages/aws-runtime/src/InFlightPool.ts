/**
 * The global cap on AWS requests in flight: a first-in, first-out pool of
 * permits where each release hands its permit to exactly one waiter.
 *
 * Why not Effect's Semaphore: in Effect 3 a release wakes every waiting
 * fiber, each re-checks the count and all but one wait again. Discovery keeps
 * hundreds of fibers wanting a call (accounts x regions x services, pages,
 * per-bucket reads); with 512 of them waiting on 64 permits a call cost
 * 14.7 ms of CPU instead of 3.9 ms (tools/bench discovery profile), and the
 * runtime's call-overhead bench at 512 callers did not finish in two minutes.
 *
 * A waiter can be interrupted while it waits (it leaves the line); a holder
 * interrupted while it runs gives its permit back. The state is plain
 * counters and a Set (insertion-ordered, O(1) removal) owned by one pool:
 * every change happens in one synchronous step, so no Ref is needed.
 */
import { Effect } from "effect"

export interface InFlightPool {
  /** Runs `effect` holding one permit; waits in arrival order while none is free. */
  readonly withPermit: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** Permits free now and callers waiting: for tests and diagnostics. */
  readonly snapshot: () => { readonly free: number; readonly waiting: number }
}

export const makeInFlightPool = (permits: number): Effect.Effect<InFlightPool> => Effect.sync(() => {
  let free = Math.max(1, Math.floor(permits))
  const waiters = new Set<() => void>()

  const release = Effect.sync(() => {
    const next = waiters.values().next()
    if (next.done === true) {
      free++
      return
    }
    waiters.delete(next.value)
    next.value()
  })

  const acquire = Effect.async<void>((resume) => {
    if (free > 0) {
      free--
      resume(Effect.void)
      return
    }
    const handOver = () => resume(Effect.void)
    waiters.add(handOver)
    // Interrupted while waiting: leave the line (a handed-over permit resumes the fiber, so this never runs after one).
    return Effect.sync(() => waiters.delete(handOver))
  })

  return {
    withPermit: (effect) => Effect.uninterruptibleMask((restore) => Effect.zipRight(restore(acquire), Effect.ensuring(restore(effect), release))),
    snapshot: () => ({ free, waiting: waiters.size })
  }
})
