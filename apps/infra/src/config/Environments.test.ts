import { describe, expect, it } from "vitest"
import { configProblem, environments, resolveEnvironment, resourceNames } from "./Environments.js"

describe("environments", () => {
  it("are deployable as configured", () => {
    expect(configProblem(environments.dev)).toBeUndefined()
    expect(configProblem(environments.prod)).toBeUndefined()
    expect(environments.prod.regions.length).toBeGreaterThan(1)
  })

  it.each([
    [{ account: "12345" }, "account must be 12 digits"],
    [{ regions: [] }, "at least one region"],
    [{ regions: ["us-east-1", "us-east-1"] }, "regions repeat"],
    [{ azCount: 1 }, "azCount is 2 or 3"],
    [{ memberRoleName: "bad role/name" }, "not an IAM role name"],
    [{ natGateways: 0 }, "need a NAT gateway"],
    [{ worker: { ...environments.dev.worker, drainSeconds: 110 } }, "exceeds Fargate's 120 s stop timeout"]
  ] as const)("rejects %j", (change, reason) => {
    expect(configProblem({ ...environments.dev, ...change })).toContain(reason)
  })

  it("takes an account from context and refuses a bad one", () => {
    const context = (value: unknown) => (key: string) => (key === "miyabi:prod:account" ? value : undefined)
    expect(resolveEnvironment("prod", context("333333333333")).account).toBe("333333333333")
    expect(resolveEnvironment("prod", context(undefined)).account).toBe(environments.prod.account)
    expect(() => resolveEnvironment("prod", context("nope"))).toThrow("account must be 12 digits")
  })

  it("names resources as the AWS queue adapter derives them from its prefix", () => {
    expect(resourceNames(environments.dev)).toMatchObject({
      prefix: "miyabi-dev",
      table: "miyabi-dev-tasks",
      highQueue: "miyabi-dev-high",
      standardQueue: "miyabi-dev-standard",
      deadLetterQueue: "miyabi-dev-dlq"
    })
  })
})
