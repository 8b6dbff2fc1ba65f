import { describe, expect, it } from "@effect/vitest"
import { Cycle } from "@miyabi/aws-agent"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { HandlerRegistry, type TaskContext, TaskFailure } from "@miyabi/queue"
import { Lease, Task, TaskId, TaskKind, WorkerId } from "@miyabi/types"
import { ConfigError, Effect, Layer, Option } from "effect"
import { type AwsLayer, builtinHandlers, type CycleStores } from "./BuiltinHandlers.js"

/** AWS settings that cannot be read, and cycle stores that cannot be reached: no handler gets past its layer. */
const noAws = Layer.fail(ConfigError.MissingData(["AWS_REGION"], "Expected AWS_REGION to exist in the process context"))
const unreachableStores: CycleStores = Layer.fail(new Cycle.CycleStore.CycleStoreError({ reason: "ReadFailed", cycleId: "-", detail: "the table did not answer" }))

const at = new Date("2026-11-27T10:00:00.000Z")
const attemptOf = (kind: string): TaskContext => {
  const id = TaskId.make("01JBUILTIN")
  const task = new Task({ id, kind: TaskKind.make(kind), payload: {}, priority: "standard", status: "InProgress", attempts: 1, maxAttempts: 3, createdAt: at, updatedAt: at, availableAt: at })
  return { task, lease: new Lease({ taskId: id, workerId: WorkerId.make("w"), token: "t", expiresAt: at, attempt: 1 }), attempt: 1, workerId: WorkerId.make("w") }
}

/** Settings that read (no call is made: every store fails first). */
const someAws = AwsRuntime.layer({ region: "us-east-1" })

const failureOf = (kind: string, payload: unknown, aws: AwsLayer = noAws) =>
  Effect.gen(function* () {
    const registry = yield* HandlerRegistry.make(builtinHandlers(aws, unreachableStores))
    const handler = Option.getOrThrow(registry.get(TaskKind.make(kind)))
    return yield* Effect.flip(handler.run(payload, attemptOf(kind))).pipe(Effect.filterOrDieMessage((e): e is TaskFailure => e instanceof TaskFailure, "not a TaskFailure"))
  })

describe("builtinHandlers (worker)", () => {
  it.effect("registers each built-in kind once, with its timeout", () =>
    Effect.gen(function* () {
      const handlers = builtinHandlers(noAws, unreachableStores)
      expect(handlers.map((h) => [h.kind, h.timeout])).toEqual([["echo", undefined], ["account-vend", "30 minutes"], ["cost-report", "30 minutes"], ["aws-cycle", "6 hours"]])
      expect((yield* HandlerRegistry.make(handlers)).kinds).toHaveLength(4)
    }))

  it.effect("AWS settings it cannot read fail account-vend and cost-report for good, naming the setting", () =>
    Effect.gen(function* () {
      const vend = yield* failureOf("account-vend", { name: "pool-1", email: "aws+pool-1@example.com", ouPath: "Workloads" })
      expect(vend.reason).toBe("Permanent")
      expect(vend.message).toMatch(/^AWS settings: .*AWS_REGION/)
      const report = yield* failureOf("cost-report", { month: "2026-10", source: "ce" })
      expect(report).toMatchObject({ reason: "Permanent", message: vend.message })
    }))

  it.effect("aws-cycle: cycle stores that could not be read are retried, AWS settings that cannot be read are not", () =>
    Effect.gen(function* () {
      const cycle = yield* failureOf("aws-cycle", { cycleId: "c-1" }, someAws)
      expect(cycle).toMatchObject({ reason: "Transient", message: "cycle -: ReadFailed: the table did not answer" })
      const noSettings = yield* failureOf("aws-cycle", { cycleId: "c-1" })
      expect(noSettings.reason).toBe("Permanent")
      expect(noSettings.message).toMatch(/^AWS settings: .*AWS_REGION/)
    }))

  it.effect("a malformed payload is refused with the field named", () =>
    Effect.gen(function* () {
      const failure = yield* failureOf("cost-report", { month: "2026-10", source: "cur" })
      expect(failure.reason).toBe("InvalidPayload")
      expect(failure.message).toMatch(/curPath is required when source is cur/)
    }))
})
