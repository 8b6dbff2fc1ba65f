import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { AllocationPolicy, CostLine, decodeInput, decodeInputEither } from "./index.js"

const aLine = {
  date: "2026-10-01",
  account: "111111111111",
  service: "AmazonEC2",
  tags: { CostCenter: "acme" },
  unblended: 1_234_567,
  amortized: 1_000_000
}

describe("Cost", () => {
  it("round-trips a cost line", () => {
    const line = Schema.decodeUnknownSync(CostLine)(aLine)
    expect(line.unblended).toBe(1_234_567)
    expect(Schema.encodeSync(CostLine)(line)).toEqual(aLine)
  })

  it("rejects fractional micro-dollars", () => {
    // The only issue is the amount: the rest of the line is valid (see the round trip above).
    const result = decodeInputEither(CostLine, "line")({ ...aLine, unblended: 1.5 })
    expect(result._tag === "Left" && [result.left.path, /more\)$/.test(result.left.reason)]).toEqual(["unblended", false])
  })

  it("defaults the customer tag to CostCenter, the measure to unblended and the key to even", () => {
    const policy = Schema.decodeUnknownSync(AllocationPolicy)({
      accounts: [{ account: "111111111111", kind: "silo", customers: ["acme"] }]
    })
    expect(policy.customerTag).toBe("CostCenter")
    expect(policy.measure).toBe("unblended")
    expect(policy.defaultKey).toEqual({ _tag: "even" })
  })

  it.effect("names the field of a bad account role", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(
        decodeInput(AllocationPolicy, "policy.json")({ accounts: [{ account: "1", kind: "tenant", customers: [] }] })
      )
      expect(error.path).toBe("accounts[0].kind")
    }))

  it("decodes a tasks key with per-customer counts", () => {
    const policy = Schema.decodeUnknownSync(AllocationPolicy)({
      defaultKey: { _tag: "tasks", tasks: { acme: 10, globex: 0 } },
      accounts: []
    })
    expect(policy.defaultKey).toEqual({ _tag: "tasks", tasks: { acme: 10, globex: 0 } })
  })
})
