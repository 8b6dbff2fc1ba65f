/**
 * The SDK clients of one AwsClients layer, one per (service, account,
 * region): made on first use, destroyed once unused for `idle`, and all
 * destroyed when the layer's scope closes.
 *
 * Why not RcMap: taking an RcMap reference costs a Scope and its finalizers
 * on every call (72 Effect operations, about a third of `AwsClients.call`'s
 * CPU in `bench:call-overhead`). Here a call only counts itself in and out
 * of its entry; a sweeper fiber, forked in the layer's scope while the
 * cache holds clients, destroys the entries nobody has used for `idle` (and
 * ends when none is left, so an empty cache schedules nothing). The state is
 * a Map owned by this cache, changed in single synchronous steps.
 */
import { Clock, Duration, Effect, Scope } from "effect"
import type { SdkClient } from "./ServiceDescriptor.js"

interface Entry {
  readonly client: SdkClient
  /** Calls using the client now. */
  inUse: number
  /** When the last call ended (epoch ms). */
  lastUsed: number
}

export interface ClientCache {
  /** Runs `use` with the client of `key`, made with `make` when there is none. */
  readonly use: <A, E>(key: string, make: () => SdkClient, use: (client: SdkClient) => Effect.Effect<A, E>) => Effect.Effect<A, E>
  /** The client of `key`, kept alive while the caller's scope is open (for streams and waiters, which `use` cannot wrap). */
  readonly hold: (key: string, make: () => SdkClient) => Effect.Effect<SdkClient, never, Scope.Scope>
  /** How many clients are alive: for tests. */
  readonly size: () => number
}

export const makeClientCache = (idle: Duration.DurationInput): Effect.Effect<ClientCache, never, Scope.Scope> =>
  Effect.gen(function* () {
    const scope = yield* Effect.scope
    const entries = new Map<string, Entry>()
    const idleMillis = Duration.toMillis(idle)
    let sweeping = false

    const leave = (entry: Entry) =>
      Effect.map(Clock.currentTimeMillis, (now) => {
        entry.inUse--
        entry.lastUsed = now
      })

    const sweep = Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.sync(() => {
        for (const [key, entry] of entries) {
          if (entry.inUse === 0 && now - entry.lastUsed >= idleMillis) {
            entries.delete(key)
            entry.client.destroy()
          }
        }
      })
    )

    // A client idle for `idle` is destroyed within half of `idle` more.
    const sweeper = Effect.zipRight(Effect.sleep(Duration.millis(Math.max(1, idleMillis / 2))), sweep).pipe(
      Effect.repeat({ until: () => entries.size === 0 }),
      Effect.ensuring(Effect.sync(() => {
        sweeping = false
      }))
    )

    const enter = (key: string, make: () => SdkClient) =>
      Effect.suspend(() => {
        const entry = entries.get(key) ?? { client: make(), inUse: 0, lastUsed: 0 }
        entries.set(key, entry)
        entry.inUse++
        if (sweeping) return Effect.succeed(entry)
        sweeping = true
        // Forked from an acquire, which is uninterruptible: the sweeper must not inherit that, or closing the scope would wait for it forever.
        return Effect.as(Effect.forkIn(Effect.interruptible(sweeper), scope), entry)
      })

    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        for (const entry of entries.values()) entry.client.destroy()
        entries.clear()
      })
    )

    return {
      use: (key, make, use) => Effect.acquireUseRelease(enter(key, make), (entry) => use(entry.client), leave),
      hold: (key, make) => Effect.map(Effect.acquireRelease(enter(key, make), leave), (entry) => entry.client),
      size: () => entries.size
    }
  })
