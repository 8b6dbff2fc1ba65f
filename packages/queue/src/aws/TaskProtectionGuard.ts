/**
 * Keeps the ECS task protected while it runs tasks and unprotected while it
 * is idle, so that service scale-in (and deployments) only ever stop idle
 * workers. It listens to the worker runtime's events: the first claim of an
 * idle worker turns protection on, the last finished task turns it off.
 * Protection expires by itself (a crashed worker is not protected forever);
 * it is renewed on events once half its time has passed.
 *
 * A failure to reach the ECS agent is logged, never fatal: the worker keeps
 * working unprotected rather than stop.
 */
import { Clock, Effect, Ref } from "effect"
import type { EcsTaskProtectionShape } from "../adapters/EcsTaskProtection.js"
import type { WorkerEvent } from "../WorkerMetrics.js"

export interface GuardOptions {
  /** How long one protection lasts (default 120 minutes, ECS's own default). */
  readonly expiresInMinutes?: number
}

interface GuardState {
  readonly inFlight: number
  /** When protection was last turned on (epoch ms), or undefined when off. */
  readonly protectedAt: number | undefined
}

export interface TaskProtectionGuard {
  readonly record: (event: WorkerEvent) => Effect.Effect<void>
  readonly state: Effect.Effect<GuardState>
}

export const make = (protection: EcsTaskProtectionShape, options: GuardOptions = {}): Effect.Effect<TaskProtectionGuard> =>
  Effect.gen(function* () {
    const minutes = options.expiresInMinutes ?? 120
    const state = yield* Ref.make<GuardState>({ inFlight: 0, protectedAt: undefined })
    // One update at a time, in event order: on, off, on must reach ECS in that order.
    const lock = yield* Effect.makeSemaphore(1)

    const update = (enabled: boolean) =>
      protection.update(enabled, enabled ? minutes : undefined).pipe(
        Effect.zipRight(Clock.currentTimeMillis),
        Effect.flatMap((now) => Ref.update(state, (s) => ({ ...s, protectedAt: enabled ? now : undefined }))),
        Effect.catchAll((error) => Effect.logWarning(`task protection ${enabled ? "on" : "off"} failed: ${error.message}`))
      )

    const record = (event: WorkerEvent): Effect.Effect<void> =>
      !protection.active || (event._tag !== "Claimed" && event._tag !== "Finished")
        ? Effect.void
        : lock.withPermits(1)(
            Effect.gen(function* () {
              const now = yield* Clock.currentTimeMillis
              const next = yield* Ref.updateAndGet(state, (s) => ({ ...s, inFlight: Math.max(0, s.inFlight + (event._tag === "Claimed" ? 1 : -1)) }))
              const stale = next.protectedAt !== undefined && now - next.protectedAt > (minutes * 60_000) / 2
              if (next.inFlight > 0 && (next.protectedAt === undefined || stale)) yield* update(true)
              else if (next.inFlight === 0 && next.protectedAt !== undefined) yield* update(false)
            })
          )

    return { record, state: Ref.get(state) }
  })
