import { describe, expect, it } from "vitest"
import { makeFaults } from "./Faults.js"

const run = (seed: number, n: number) => {
  const faults = makeFaults({ seed, rules: [{ service: "sqs", throttleRate: 0.25, errorRate: 0.25 }] })
  return Array.from({ length: n }, () => faults.decide("sqs", "SendMessage", "1", 0).fail ?? "ok")
}

describe("Faults", () => {
  it("draws the same failures for the same seed and request sequence, and different ones for another seed", () => {
    expect(run(1, 200)).toEqual(run(1, 200))
    expect(run(1, 200)).not.toEqual(run(2, 200))
  })

  it("fails close to the configured rates", () => {
    const outcomes = run(3, 4_000)
    const share = (x: string) => outcomes.filter((o) => o === x).length / outcomes.length
    expect(share("throttle")).toBeGreaterThan(0.2)
    expect(share("throttle")).toBeLessThan(0.3)
    expect(share("internal")).toBeGreaterThan(0.2)
    expect(share("internal")).toBeLessThan(0.3)
  })

  it("matches rules by service, operation and account and adds their latency", () => {
    const faults = makeFaults({ rules: [{ service: "sts", latencyMs: 10 }, { operation: "GetCallerIdentity", latencyMs: 5 }, { accountId: "2", latencyMs: 100 }] })
    expect(faults.decide("sts", "GetCallerIdentity", "1", 0)).toEqual({ latencyMs: 15 })
    expect(faults.decide("sqs", "GetCallerIdentity", "2", 0)).toEqual({ latencyMs: 105 })
    expect(faults.decide("sqs", "SendMessage", "1", 0)).toEqual({ latencyMs: 0 })
  })

  it("refills per-account token buckets over time", () => {
    const faults = makeFaults({ rateLimits: [{ perSecond: 2, burst: 2 }] })
    const at = (ms: number, account = "1") => faults.decide("sqs", "X", account, ms).fail ?? "ok"
    expect([at(0), at(0), at(0)]).toEqual(["ok", "ok", "throttle"])
    expect(at(0, "2")).toBe("ok")
    expect(at(499)).toBe("throttle")
    expect(at(1_000)).toBe("ok")
  })

  it("holds a burst above the rate, and never more than the burst however long the account was quiet", () => {
    const faults = makeFaults({ rateLimits: [{ perSecond: 1, burst: 3 }] })
    const at = (ms: number) => faults.decide("sqs", "X", "1", ms).fail ?? "ok"
    expect([at(0), at(0), at(0), at(0)]).toEqual(["ok", "ok", "ok", "throttle"])
    // An hour later the bucket is full again: 3 tokens, not 3,600.
    expect([at(3_600_000), at(3_600_000), at(3_600_000), at(3_600_000)]).toEqual(["ok", "ok", "ok", "throttle"])
  })

  it("lets the first matching rule that fails decide how", () => {
    const faults = makeFaults({ rules: [{ service: "sqs", throttleRate: 1 }, { errorRate: 1 }] })
    expect(faults.decide("sqs", "X", "1", 0).fail).toBe("throttle")
    expect(faults.decide("sts", "X", "1", 0).fail).toBe("internal")
  })

  it("limits one operation without touching the others", () => {
    const faults = makeFaults({ rateLimits: [{ service: "organizations", operation: "CreateAccount", perSecond: 1, burst: 1 }] })
    expect(faults.decide("organizations", "CreateAccount", "1", 0).fail).toBeUndefined()
    expect(faults.decide("organizations", "CreateAccount", "1", 10).fail).toBe("throttle")
    expect(faults.decide("organizations", "ListAccounts", "1", 10).fail).toBeUndefined()
  })

  it("denies listed accounts and forgets everything on reset", () => {
    const faults = makeFaults({ seed: 9, deniedAccounts: ["7"], rules: [{ throttleRate: 1 }] })
    expect(faults.decide("sts", "X", "7", 0).fail).toBe("denied")
    expect(faults.isDenied("7")).toBe(true)
    faults.reset()
    expect(faults.decide("sts", "X", "7", 0)).toEqual({ latencyMs: 0 })
    expect(faults.get()).toEqual({ seed: 9 })
  })
})
