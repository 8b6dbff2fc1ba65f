/**
 * Faults on demand: added latency, throttling at a rate, 5xx at a rate,
 * per-account request-rate limits and an access-denied list. Decisions are
 * deterministic for a seed: the n-th request matching rule r draws
 * hash(seed, r, n), so a replay of the same request sequence fails the same way.
 */

/** Matches requests; absent fields match everything. `service` is the SigV4 signing name ("sqs", "monitoring", "organizations"). */
export interface FaultRule {
  readonly service?: string
  readonly operation?: string
  readonly accountId?: string
  readonly latencyMs?: number
  /** 0..1: share of matching requests answered with the service's throttling error. */
  readonly throttleRate?: number
  /** 0..1: share answered with the service's internal error (5xx). */
  readonly errorRate?: number
}

/**
 * A token bucket per account, and per service / operation when those are
 * named (AWS's per-account, per-API request quotas): `perSecond` sustained,
 * `burst` at once. Without `accountId` every account gets its own bucket.
 */
export interface RateLimit {
  readonly accountId?: string
  readonly service?: string
  readonly operation?: string
  readonly perSecond: number
  readonly burst?: number
}

export interface FaultConfig {
  readonly seed?: number
  readonly rules?: ReadonlyArray<FaultRule>
  readonly rateLimits?: ReadonlyArray<RateLimit>
  /** Requests acting for these accounts, and AssumeRole into them, get AccessDenied. */
  readonly deniedAccounts?: ReadonlyArray<string>
}

export interface FaultDecision {
  readonly latencyMs: number
  readonly fail?: "throttle" | "internal" | "denied"
}

export interface FaultControl {
  readonly get: () => FaultConfig
  /** Replaces the configuration and restarts the deterministic draws. */
  readonly set: (config: FaultConfig) => void
  readonly update: (f: (config: FaultConfig) => FaultConfig) => void
  readonly reset: () => void
  readonly isDenied: (accountId: string) => boolean
}

export interface Faults extends FaultControl {
  readonly decide: (service: string, operation: string, accountId: string, nowMs: number) => FaultDecision
}

/** 32-bit mix (a murmur3 finalizer over three words) -> [0, 1). */
const draw = (seed: number, rule: number, n: number): number => {
  let h = (seed ^ Math.imul(rule + 1, 0x9e3779b1) ^ Math.imul(n + 1, 0x85ebca6b)) >>> 0
  h ^= h >>> 16
  h = Math.imul(h, 0x7feb352d)
  h ^= h >>> 15
  h = Math.imul(h, 0x846ca68b)
  h ^= h >>> 16
  return (h >>> 0) / 4294967296
}

const matches = (rule: { readonly service?: string; readonly operation?: string; readonly accountId?: string }, service: string, operation: string, accountId: string): boolean =>
  (rule.service === undefined || rule.service === service) &&
  (rule.operation === undefined || rule.operation === operation) &&
  (rule.accountId === undefined || rule.accountId === accountId)

export const makeFaults = (initial: FaultConfig = {}): Faults => {
  let config = initial
  let counters: Array<number> = []
  let buckets = new Map<string, { tokens: number; at: number }>()

  const set = (next: FaultConfig): void => {
    config = next
    counters = []
    buckets = new Map()
  }

  const takeToken = (index: number, limit: RateLimit, key: string, nowMs: number): boolean => {
    const burst = Math.max(1, limit.burst ?? limit.perSecond)
    const id = `${index}/${key}`
    const bucket = buckets.get(id) ?? { tokens: burst, at: nowMs }
    const refilled = Math.min(burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * limit.perSecond)
    const ok = refilled >= 1
    buckets.set(id, { tokens: ok ? refilled - 1 : refilled, at: nowMs })
    return ok
  }

  const decide = (service: string, operation: string, accountId: string, nowMs: number): FaultDecision => {
    if (config.deniedAccounts?.includes(accountId) === true) return { latencyMs: 0, fail: "denied" }
    let latencyMs = 0
    let fail: FaultDecision["fail"]
    const rules = config.rules ?? []
    rules.forEach((rule, r) => {
      if (!matches(rule, service, operation, accountId)) return
      latencyMs += rule.latencyMs ?? 0
      const n = counters[r] ?? 0
      counters[r] = n + 1
      if (fail !== undefined) return
      const x = draw(config.seed ?? 0, r, n)
      if (x < (rule.throttleRate ?? 0)) fail = "throttle"
      else if (x < (rule.throttleRate ?? 0) + (rule.errorRate ?? 0)) fail = "internal"
    })
    if (fail === undefined) {
      ;(config.rateLimits ?? []).forEach((limit, i) => {
        if (fail !== undefined || !matches(limit, service, operation, accountId)) return
        const key = `${accountId}/${limit.service === undefined ? "*" : service}/${limit.operation === undefined ? "*" : operation}`
        if (!takeToken(i, limit, key, nowMs)) fail = "throttle"
      })
    }
    return fail === undefined ? { latencyMs } : { latencyMs, fail }
  }

  return {
    get: () => config,
    set,
    update: (f) => set(f(config)),
    reset: () => set({ seed: config.seed ?? 0 }),
    isDenied: (accountId) => config.deniedAccounts?.includes(accountId) === true,
    decide
  }
}
