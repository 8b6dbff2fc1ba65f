import { describe, expect, it } from "@effect/vitest"
import { Clock, Effect, Fiber, Redacted, TestClock } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import * as Notifier from "./Notifier.js"

interface Seen {
  readonly token: string
  readonly method: string
  readonly path: string
  readonly body: unknown
  readonly headers: IncomingMessage["headers"]
}

/**
 * A fake GitHub REST API on loopback: per-token budgets, rate-limit headers
 * on every response, 403 with remaining 0 once a budget is spent.
 */
const fakeGitHub = (budgets: Map<string, { remaining: number; reset: number }>) =>
  Effect.acquireRelease(
    Effect.async<{ url: string; seen: Array<Seen>; server: ReturnType<typeof createServer> }>((resume) => {
      const seen: Array<Seen> = []
      const server = createServer((req: IncomingMessage, res: ServerResponse) => {
        const chunks: Array<Buffer> = []
        req.on("data", (c: Buffer) => chunks.push(c))
        req.on("end", () => {
          const token = (req.headers.authorization ?? "").replace(/^Bearer /, "")
          const budget = budgets.get(token)
          seen.push({ token, method: req.method ?? "", path: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString() || "null"), headers: req.headers })
          if (budget === undefined) {
            res.writeHead(401, { "content-type": "application/json" })
            return res.end('{"message":"Bad credentials"}')
          }
          if (budget.remaining <= 0) {
            res.writeHead(403, { "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(budget.reset), "content-type": "application/json" })
            return res.end('{"message":"API rate limit exceeded"}')
          }
          budget.remaining -= 1
          res.writeHead(201, { "x-ratelimit-remaining": String(budget.remaining), "x-ratelimit-reset": String(budget.reset), "content-type": "application/json" })
          res.end("{}")
        })
      })
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v3/`, seen, server })))
    }),
    ({ server }) => Effect.async<void>((resume) => {
      server.close(() => resume(Effect.void))
      server.closeAllConnections()
    })
  )

const issue = { repository: "acme/infra", issueNumber: 42 }
const tokens = (...names: Array<string>) => names.map((n) => Redacted.make(n))

describe("Notifier (GitHub)", () => {
  it.scoped("posts a comment and adds labels through the REST API at the configured base URL", () =>
    Effect.gen(function* () {
      const github = yield* fakeGitHub(new Map([["t-a", { remaining: 100, reset: 3600 }]]))
      const notifier = yield* Notifier.makeGitHub({ baseUrl: github.url, tokens: tokens("t-a") })
      yield* notifier.comment(issue, "Task t1 completed: 3 findings, report attached.")
      yield* notifier.addLabels(issue, ["miyabi:done"])
      expect(github.seen.map((s) => [s.method, s.path, s.body])).toEqual([
        ["POST", "/api/v3/repos/acme/infra/issues/42/comments", { body: "Task t1 completed: 3 findings, report attached." }],
        ["POST", "/api/v3/repos/acme/infra/issues/42/labels", { labels: ["miyabi:done"] }]
      ])
      expect(github.seen[0]?.headers["accept"]).toBe("application/vnd.github+json")
      expect(github.seen[0]?.headers["x-github-api-version"]).toBe("2022-11-28")
      const bad = yield* Effect.flip(Notifier.makeGitHub({ baseUrl: github.url, tokens: tokens("t-unknown") }).pipe(Effect.flatMap((n) => n.comment(issue, "x"))))
      expect(bad).toMatchObject({ reason: "Rejected", status: 401 })
      for (const repository of ["../etc", "acme/..", "acme", "acme/infra/x"]) {
        const invalid = yield* Effect.flip(notifier.comment({ repository, issueNumber: 1 }, "x"))
        expect(invalid.reason, repository).toBe("InvalidIssue")
      }
      expect(github.seen).toHaveLength(3)
      const none = yield* Effect.flip(Notifier.makeGitHub({ baseUrl: github.url, tokens: [] }).pipe(Effect.flatMap((n) => n.comment(issue, "x"))))
      expect(none.detail).toBe("no GitHub token configured")
    })
  )

  it.scoped("spreads calls over tokens by their remaining budget", () =>
    Effect.gen(function* () {
      const github = yield* fakeGitHub(
        new Map([
          ["t-low", { remaining: 5, reset: 3600 }],
          ["t-high", { remaining: 20, reset: 3600 }]
        ])
      )
      const notifier = yield* Notifier.makeGitHub({ baseUrl: github.url, tokens: tokens("t-low", "t-high") })
      for (let i = 0; i < 20; i++) yield* notifier.comment(issue, `update ${i}`)
      const used = github.seen.map((s) => s.token)
      // Each token is tried once to learn its budget; then the fuller one is used until the two are level.
      expect(used.slice(0, 2)).toEqual(["t-low", "t-high"])
      expect(used.slice(2, 17).every((t) => t === "t-high")).toBe(true)
      expect(used.filter((t) => t === "t-low").length).toBeGreaterThan(1)
      expect(github.seen.every((s) => s.headers["authorization"] !== undefined)).toBe(true)
    })
  )

  it.scoped("moves to the next token on a spent limit, and waits on the clock for the reset when all are spent", () =>
    Effect.gen(function* () {
      const budgets = new Map([
        ["t-a", { remaining: 0, reset: 60 }],
        ["t-b", { remaining: 0, reset: 90 }]
      ])
      const github = yield* fakeGitHub(budgets)
      const notifier = yield* Notifier.makeGitHub({ baseUrl: github.url, tokens: tokens("t-a", "t-b") })
      const fiber = yield* Effect.fork(notifier.comment(issue, "done"))
      // Real I/O: wait (bounded) until both tokens came back spent.
      for (let i = 0; i < 200 && github.seen.length < 2; i++) yield* Effect.promise(() => new Promise((r) => setTimeout(r, 10)))
      expect(github.seen.map((s) => s.token)).toEqual(["t-a", "t-b"])
      // GitHub resets t-a at 60 s (epoch seconds; the test clock starts at 0).
      budgets.set("t-a", { remaining: 5000, reset: 3660 })
      yield* TestClock.adjust("59 seconds")
      yield* Effect.promise(() => new Promise((r) => setTimeout(r, 50)))
      expect(github.seen).toHaveLength(2)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(github.seen.map((s) => s.token)).toEqual(["t-a", "t-b", "t-a"])
      expect(yield* Clock.currentTimeMillis).toBeGreaterThanOrEqual(60_000)
    })
  )

  it.scoped("fails with RateLimited instead of waiting longer than maxWait", () =>
    Effect.gen(function* () {
      const github = yield* fakeGitHub(new Map([["t-a", { remaining: 0, reset: 7200 }]]))
      const notifier = yield* Notifier.makeGitHub({ baseUrl: github.url, tokens: tokens("t-a"), maxWait: "10 minutes" })
      const error = yield* Effect.flip(notifier.comment(issue, "x"))
      expect(error.reason).toBe("RateLimited")
      expect(github.seen).toHaveLength(1)
    })
  )
})
