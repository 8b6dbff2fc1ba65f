import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Ref, TestClock } from "effect"
import * as RequestBudget from "./RequestBudget.js"

const key = { account: "111111111111", region: "us-east-1", service: "ec2" }

/** Forks `n` takes of `key` and returns a counter of those that got their token. */
const forkTakes = (budget: RequestBudget.RequestBudgetShape, n: number, k: RequestBudget.BudgetKey = key) =>
  Effect.gen(function* () {
    const done = yield* Ref.make(0)
    const fibers = yield* Effect.forEach(
      Array.from({ length: n }),
      () => Effect.fork(Effect.zipRight(budget.take(k), Ref.update(done, (d) => d + 1))),
      { concurrency: "unbounded" }
    )
    yield* Effect.yieldNow()
    return { done, join: Fiber.joinAll(fibers) }
  })

describe("RequestBudget", () => {
  it.effect("lets a burst through, then one call per refill interval", () =>
    Effect.gen(function* () {
      const budget = yield* RequestBudget.make({ limits: { ec2: { perSecond: 10, burst: 5 } }, defaultLimit: { perSecond: 1, burst: 1 }, maxConcurrency: 100 })
      const { done, join } = yield* forkTakes(budget, 25)
      expect(yield* Ref.get(done)).toBe(5)
      // 20 more tokens at 10/s: the last one is granted at 2 s.
      yield* TestClock.adjust(Duration.millis(1000))
      expect(yield* Ref.get(done)).toBe(15)
      yield* TestClock.adjust(Duration.millis(999))
      expect(yield* Ref.get(done)).toBe(24)
      yield* TestClock.adjust(Duration.millis(1))
      expect(yield* Ref.get(done)).toBe(25)
      yield* join
    }))

  it.effect("refills up to the burst while idle, never beyond", () =>
    Effect.gen(function* () {
      const budget = yield* RequestBudget.make({ limits: { ec2: { perSecond: 20, burst: 100 } }, defaultLimit: { perSecond: 1, burst: 1 }, maxConcurrency: 1000 })
      yield* (yield* forkTakes(budget, 100)).join
      // Idle for 60 s refills only to 100, so 150 calls need 50 more tokens: 2.5 s.
      yield* TestClock.adjust(Duration.seconds(60))
      const { done, join } = yield* forkTakes(budget, 150)
      expect(yield* Ref.get(done)).toBe(100)
      yield* TestClock.adjust(Duration.millis(2499))
      expect(yield* Ref.get(done)).toBe(149)
      yield* TestClock.adjust(Duration.millis(1))
      expect(yield* Ref.get(done)).toBe(150)
      yield* join
    }))

  it.effect("keeps one bucket per account, region and service", () =>
    Effect.gen(function* () {
      const budget = yield* RequestBudget.make({ limits: {}, defaultLimit: { perSecond: 1, burst: 2 }, maxConcurrency: 100 })
      const a = yield* forkTakes(budget, 3, { ...key, service: "rds" })
      const b = yield* forkTakes(budget, 3, { ...key, service: "rds", account: "222222222222" })
      const c = yield* forkTakes(budget, 3, { ...key, service: "rds", region: "eu-west-1" })
      expect([yield* Ref.get(a.done), yield* Ref.get(b.done), yield* Ref.get(c.done)]).toEqual([2, 2, 2])
      yield* TestClock.adjust(Duration.seconds(1))
      expect([yield* Ref.get(a.done), yield* Ref.get(b.done), yield* Ref.get(c.done)]).toEqual([3, 3, 3])
      expect(budget.limitFor("rds")).toEqual({ perSecond: 1, burst: 2 })
    }))

  it.effect("caps the requests in flight across all buckets", () =>
    Effect.gen(function* () {
      const budget = yield* RequestBudget.make({ limits: {}, defaultLimit: { perSecond: 1000, burst: 1000 }, maxConcurrency: 2 })
      const running = yield* Ref.make(0)
      const peak = yield* Ref.make(0)
      const request = budget.inFlight(
        Effect.acquireUseRelease(
          Effect.flatMap(Ref.updateAndGet(running, (n) => n + 1), (n) => Ref.update(peak, (p) => Math.max(p, n))),
          () => Effect.sleep(Duration.seconds(1)),
          () => Ref.update(running, (n) => n - 1)
        )
      )
      const fiber = yield* Effect.fork(Effect.all(Array.from({ length: 6 }, () => request), { concurrency: "unbounded" }))
      // Six one-second requests two at a time take three seconds.
      yield* TestClock.adjust(Duration.millis(2999))
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust(Duration.millis(1))
      yield* Fiber.join(fiber)
      expect(yield* Ref.get(peak)).toBe(2)
    }))

  it.effect("gives each operation its own bucket where the service throttles per API", () =>
    Effect.gen(function* () {
      const budget = yield* RequestBudget.make({
        limits: { ec2: { perSecond: 1, burst: 2, perOperation: true }, rds: { perSecond: 1, burst: 2 }, "rds:DescribeDBInstances": { perSecond: 1, burst: 1 } },
        defaultLimit: { perSecond: 1, burst: 1 },
        maxConcurrency: 100
      })
      const volumes = yield* forkTakes(budget, 3, { ...key, operation: "DescribeVolumes" })
      const instances = yield* forkTakes(budget, 3, { ...key, operation: "DescribeInstances" })
      // EC2: separate buckets per operation, two each at once.
      expect([yield* Ref.get(volumes.done), yield* Ref.get(instances.done)]).toEqual([2, 2])
      // RDS: one shared bucket, except the operation with a limit of its own.
      const clusters = yield* forkTakes(budget, 3, { ...key, service: "rds", operation: "DescribeDBClusters" })
      const events = yield* forkTakes(budget, 3, { ...key, service: "rds", operation: "DescribeEvents" })
      const dbs = yield* forkTakes(budget, 3, { ...key, service: "rds", operation: "DescribeDBInstances" })
      expect([yield* Ref.get(clusters.done), yield* Ref.get(events.done), yield* Ref.get(dbs.done)]).toEqual([2, 0, 1])
      expect(budget.limitFor("rds", "DescribeDBInstances")).toEqual({ perSecond: 1, burst: 1 })
      expect(budget.limitFor("rds", "DescribeEvents")).toEqual({ perSecond: 1, burst: 2 })
      yield* TestClock.adjust(Duration.seconds(10))
      yield* Effect.all([volumes.join, instances.join, clusters.join, events.join, dbs.join])
    }))
})
