/**
 * Status updates back to GitHub: a pluggable notifier, and a GitHub
 * implementation over plain fetch against a configurable base URL (GitHub
 * Enterprise, or a local fake in tests).
 *
 * GitHub allows 5,000 requests an hour per token, so the notifier holds
 * several tokens and sends each call with the one that has the most budget
 * left, as the X-RateLimit-Remaining / X-RateLimit-Reset headers of earlier
 * responses say. When every token is spent it waits, on the Effect Clock,
 * until the earliest reset.
 */
import { Clock, Context, Duration, Effect, Layer, Redacted, Ref, Schedule, Schema } from "effect"

export interface IssueRef {
  /** "owner/name". */
  readonly repository: string
  readonly issueNumber: number
}

export class NotifierError extends Schema.TaggedError<NotifierError>()("NotifierError", {
  operation: Schema.String,
  reason: Schema.Literal("RequestFailed", "Rejected", "RateLimited", "InvalidIssue"),
  status: Schema.optional(Schema.Int),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.operation}: ${this.reason}${this.status === undefined ? "" : ` (HTTP ${this.status})`}: ${this.detail}`
  }
}

export interface NotifierShape {
  readonly comment: (issue: IssueRef, body: string) => Effect.Effect<void, NotifierError>
  readonly addLabels: (issue: IssueRef, labels: ReadonlyArray<string>) => Effect.Effect<void, NotifierError>
}

export class Notifier extends Context.Tag("@miyabi/queue/Notifier")<Notifier, NotifierShape>() {}

export interface GitHubNotifierOptions {
  /** "https://api.github.com", or a GitHub Enterprise "https://host/api/v3". */
  readonly baseUrl: string
  readonly tokens: ReadonlyArray<Redacted.Redacted<string>>
  readonly userAgent?: string
  /** Longest wait for a rate-limit reset before failing with RateLimited. */
  readonly maxWait?: Duration.DurationInput
}

/** What the last response said about one token; undefined remaining = not used yet. */
interface Budget {
  readonly remaining: number | undefined
  readonly resetAtMs: number
}

/** The index of the token to use, or the time to wait until one is available. */
type Choice = { readonly index: number } | { readonly waitUntilMs: number }

const choose = (budgets: ReadonlyArray<Budget>, now: number): Choice => {
  let best = -1
  let bestRemaining = -1
  budgets.forEach((budget, i) => {
    // Unknown or past its reset: assume a full budget.
    const remaining = budget.remaining === undefined || budget.resetAtMs <= now ? Number.MAX_SAFE_INTEGER : budget.remaining
    if (remaining > bestRemaining) {
      best = i
      bestRemaining = remaining
    }
  })
  if (best >= 0 && bestRemaining > 0) return { index: best }
  return { waitUntilMs: Math.min(...budgets.map((b) => b.resetAtMs)) }
}

// owner/name as GitHub allows them; never "." or "..", which would walk the URL path.
const REPOSITORY = /^[A-Za-z0-9][A-Za-z0-9-]*\/(?!\.\.?$)[A-Za-z0-9_.-]+$/

export const makeGitHub = (options: GitHubNotifierOptions): Effect.Effect<NotifierShape> =>
  Effect.gen(function* () {
    const budgets = yield* Ref.make<ReadonlyArray<Budget>>(options.tokens.map(() => ({ remaining: undefined, resetAtMs: 0 })))
    const maxWaitMs = Duration.toMillis(options.maxWait ?? "1 hour")
    const base = options.baseUrl.replace(/\/+$/, "")

    /** Picks a token and reserves one request of its budget, waiting for a reset if all are spent. */
    const acquire = (operation: string): Effect.Effect<number, NotifierError> =>
      Effect.gen(function* () {
        const now = yield* Clock.currentTimeMillis
        const pick = yield* Ref.modify(budgets, (current): readonly [Choice, ReadonlyArray<Budget>] => {
          const choice = choose(current, now)
          if (!("index" in choice)) return [choice, current]
          const next = current.map((b, i) =>
            i !== choice.index ? b : { remaining: b.remaining === undefined || b.resetAtMs <= now ? undefined : b.remaining - 1, resetAtMs: b.resetAtMs }
          )
          return [choice, next]
        })
        if ("index" in pick) return pick.index
        if (options.tokens.length === 0) return yield* new NotifierError({ operation, reason: "RateLimited", detail: "no GitHub token configured" })
        const wait = pick.waitUntilMs - now
        if (wait > maxWaitMs) {
          return yield* new NotifierError({ operation, reason: "RateLimited", detail: `every token is spent until ${new Date(pick.waitUntilMs).toISOString()}` })
        }
        yield* Effect.logInfo(`GitHub rate limit spent on all ${options.tokens.length} tokens; waiting ${Math.ceil(wait / 1000)} s for the reset`)
        yield* Effect.sleep(Duration.millis(Math.max(wait, 0)))
        // After the reset every token's budget counts as full again.
        const after = yield* Clock.currentTimeMillis
        return yield* Ref.modify(budgets, (current) => {
          const choice = choose(current, after)
          return "index" in choice ? ([choice.index, current] as const) : ([0, current] as const)
        })
      })

    const record = (index: number, headers: Headers) => {
      const remaining = Number(headers.get("x-ratelimit-remaining"))
      const reset = Number(headers.get("x-ratelimit-reset"))
      if (headers.get("x-ratelimit-remaining") === null || !Number.isFinite(remaining)) return Effect.void
      return Ref.update(budgets, (current) =>
        current.map((b, i) => (i === index ? { remaining, resetAtMs: Number.isFinite(reset) ? reset * 1000 : b.resetAtMs } : b))
      )
    }

    const send = (operation: string, issue: IssueRef, path: string, payload: unknown): Effect.Effect<void, NotifierError> =>
      Effect.gen(function* () {
        if (!REPOSITORY.test(issue.repository) || !Number.isInteger(issue.issueNumber) || issue.issueNumber < 1) {
          return yield* new NotifierError({ operation, reason: "InvalidIssue", detail: `${issue.repository}#${issue.issueNumber}` })
        }
        const index = yield* acquire(operation)
        const token = options.tokens[index]!
        const response = yield* Effect.tryPromise({
          try: (signal) =>
            fetch(`${base}/repos/${issue.repository}/issues/${issue.issueNumber}/${path}`, {
              method: "POST",
              signal,
              headers: {
                accept: "application/vnd.github+json",
                authorization: `Bearer ${Redacted.value(token)}`,
                "content-type": "application/json",
                "user-agent": options.userAgent ?? "miyabi-platform",
                "x-github-api-version": "2022-11-28"
              },
              body: JSON.stringify(payload)
            }),
          catch: (error) => new NotifierError({ operation, reason: "RequestFailed", detail: error instanceof Error ? error.message : String(error) })
        })
        yield* record(index, response.headers)
        const text = yield* Effect.promise(() => response.text().catch(() => ""))
        // GitHub signals a spent primary limit as 403 or 429 with X-RateLimit-Remaining: 0.
        const limited = (response.status === 403 || response.status === 429) && response.headers.get("x-ratelimit-remaining") === "0"
        if (limited) return yield* new NotifierError({ operation, reason: "RateLimited", status: response.status, detail: text.slice(0, 200) })
        if (!response.ok) return yield* new NotifierError({ operation, reason: "Rejected", status: response.status, detail: text.slice(0, 200) })
      }).pipe(
        // A rate-limited token is now marked spent: try the next one, at most once per token.
        Effect.retry({ schedule: Schedule.recurs(options.tokens.length), while: (error) => error.reason === "RateLimited" && error.status !== undefined }),
        Effect.withSpan(`Notifier.${operation}`, { attributes: { repository: issue.repository, issue: issue.issueNumber } })
      )

    return {
      comment: (issue, body) => send("comment", issue, "comments", { body }),
      addLabels: (issue, labels) => send("addLabels", issue, "labels", { labels })
    }
  })

export const layerGitHub = (options: GitHubNotifierOptions): Layer.Layer<Notifier> => Layer.effect(Notifier, makeGitHub(options))
