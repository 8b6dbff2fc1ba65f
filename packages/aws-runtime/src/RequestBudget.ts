/**
 * The request budget: a token bucket per (account, region, service) and a
 * global cap on requests in flight, so a discovery across hundreds of
 * accounts stays under AWS's rate limits instead of drowning in throttling.
 *
 * A caller reserves a token; when the bucket is empty the reservation drives
 * it below zero and the caller sleeps exactly until its token has been
 * refilled. Waiters are served in arrival order and nobody polls. The
 * in-flight cap is an `InFlightPool`: first in, first out, one waiter woken
 * per release.
 */
import { Clock, Context, Duration, Effect, Layer, Ref } from "effect"
import { AwsConfig } from "./AwsConfig.js"
import { makeInFlightPool } from "./InFlightPool.js"
import type { BucketLimit } from "./RateLimits.js"

export interface BudgetKey {
  readonly account: string
  readonly region: string
  readonly service: string
  readonly operation?: string
}

export interface RequestBudgetShape {
  /** Waits for a token of the key's bucket. */
  readonly take: (key: BudgetKey) => Effect.Effect<void>
  /** Runs `effect` holding one of the global in-flight permits. */
  readonly inFlight: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
  /** The limit that applies to an operation of a service ("service:Operation" entries first, then "service"). */
  readonly limitFor: (service: string, operation?: string) => BucketLimit
}

export class RequestBudget extends Context.Tag("@miyabi/aws-runtime/RequestBudget")<RequestBudget, RequestBudgetShape>() {}

interface BucketState {
  /** May be negative: tokens already promised to sleeping callers. */
  readonly tokens: number
  readonly atMillis: number
}

export interface RequestBudgetOptions {
  readonly limits: Readonly<Record<string, BucketLimit>>
  readonly defaultLimit: BucketLimit
  readonly maxConcurrency: number
}

export const make = (options: RequestBudgetOptions): Effect.Effect<RequestBudgetShape> =>
  Effect.gen(function* () {
    const pool = yield* makeInFlightPool(options.maxConcurrency)
    // Buckets are created on first use; the map belongs to this service instance only.
    const buckets = yield* Ref.make(new Map<string, Ref.Ref<BucketState>>())
    const limitFor = (service: string, operation?: string): BucketLimit =>
      (operation === undefined ? undefined : options.limits[`${service}:${operation}`]) ?? options.limits[service] ?? options.defaultLimit

    /** Which bucket a call draws from: its operation's own when it has a limit of its own or the service is per-operation. */
    const bucketId = (key: BudgetKey): string => {
      const own = key.operation !== undefined && options.limits[`${key.service}:${key.operation}`] !== undefined
      const separate = key.operation !== undefined && (own || limitFor(key.service).perOperation === true)
      return `${key.account}/${key.region}/${key.service}${separate ? `:${key.operation}` : ""}`
    }

    const bucketFor = (key: BudgetKey, limit: BucketLimit, now: number) =>
      Effect.flatMap(Ref.get(buckets), (map) => {
        const id = bucketId(key)
        const existing = map.get(id)
        if (existing !== undefined) return Effect.succeed(existing)
        return Effect.flatMap(Ref.make<BucketState>({ tokens: limit.burst, atMillis: now }), (created) =>
          Ref.modify(buckets, (current) => {
            const raced = current.get(id)
            if (raced !== undefined) return [raced, current] as const
            return [created, new Map(current).set(id, created)] as const
          })
        )
      })

    const take = (key: BudgetKey): Effect.Effect<void> =>
      Effect.gen(function* () {
        const limit = limitFor(key.service, key.operation)
        const now = yield* Clock.currentTimeMillis
        const bucket = yield* bucketFor(key, limit, now)
        const waitMillis = yield* Ref.modify(bucket, (state) => {
          const elapsed = Math.max(0, now - state.atMillis)
          const refilled = Math.min(limit.burst, state.tokens + (elapsed * limit.perSecond) / 1000)
          const tokens = refilled - 1
          const wait = tokens >= 0 ? 0 : Math.ceil((-tokens * 1000) / limit.perSecond)
          return [wait, { tokens, atMillis: Math.max(now, state.atMillis) }] as const
        })
        if (waitMillis > 0) yield* Effect.sleep(Duration.millis(waitMillis))
      })

    return {
      take,
      inFlight: pool.withPermit,
      limitFor
    }
  })

/** The budget configured by `AwsConfig`. */
export const layer: Layer.Layer<RequestBudget, never, AwsConfig> = Layer.effect(
  RequestBudget,
  Effect.flatMap(AwsConfig, (config) =>
    make({ limits: config.rateLimits, defaultLimit: config.defaultRateLimit, maxConcurrency: config.maxConcurrency })
  )
)
