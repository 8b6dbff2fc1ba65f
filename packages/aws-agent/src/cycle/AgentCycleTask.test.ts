import { describe, expect, it } from "@effect/vitest"
import { AwsError } from "@miyabi/aws-runtime"
import { decodeInput, InvalidInput } from "@miyabi/types"
import { Effect } from "effect"
import { definition } from "./AgentCycleTask.js"
import { CycleError } from "./CycleRunner.js"
import { CycleStoreError } from "./CycleStoreError.js"

const awsError = (retryable: boolean) =>
  new AwsError({ reason: retryable ? "Throttled" : "AccessDenied", service: "ec2", operation: "DescribeInstances", region: "us-east-1", code: retryable ? "RequestLimitExceeded" : "UnauthorizedOperation", awsMessage: "from AWS", retryable })

const phaseFailed = (cause: unknown) => new CycleError({ reason: "PhaseFailed", cycleId: "c-1", phase: "discover", detail: "the phase failed", cause })

describe("AgentCycleTask.definition", () => {
  it("is the aws-cycle kind with a 6-hour timeout", () => {
    expect(definition.kind).toBe("aws-cycle")
    expect(definition.timeout).toBe("6 hours")
  })

  it.effect("decodes a payload with θ5's default watch window, and names a bad field", () =>
    Effect.gen(function* () {
      const decode = decodeInput(definition.payload, "payload of task kind aws-cycle")
      expect(yield* decode({ cycleId: "c-1" })).toEqual({ cycleId: "c-1", watchSeconds: 1_800 })
      const bad = yield* Effect.flip(decode({ cycleId: "c-1", top: 0 }))
      expect(bad).toBeInstanceOf(InvalidInput)
      expect(bad.path).toBe("top")
    }))

  it("retries a phase AWS failed retryably and a store that could not be read or written; nothing else", () => {
    expect(definition.isTransient(phaseFailed(awsError(true)))).toBe(true)
    expect(definition.isTransient(phaseFailed(awsError(false)))).toBe(false)
    expect(definition.isTransient(phaseFailed(new Error("a bug")))).toBe(false)
    for (const reason of ["NotFound", "PlanMismatch", "AlreadyExists", "StoredOutputInvalid"] as const) {
      expect(definition.isTransient(new CycleError({ reason, cycleId: "c-1", detail: "d", cause: awsError(true) }))).toBe(false)
    }
    expect(definition.isTransient(new CycleStoreError({ reason: "ReadFailed", cycleId: "c-1", detail: "table unreachable" }))).toBe(true)
    expect(definition.isTransient(new CycleStoreError({ reason: "WriteFailed", cycleId: "c-1", detail: "throttled" }))).toBe(true)
    expect(definition.isTransient(new CycleStoreError({ reason: "Corrupt", cycleId: "c-1", detail: "bad JSON" }))).toBe(false)
  })
})
