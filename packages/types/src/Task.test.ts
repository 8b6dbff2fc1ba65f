import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Schema } from "effect"
import { decodeInput, decodeInputEither, InvalidInput } from "./index.js"
import { EnqueueRequest, Task } from "./Task.js"

const aTask = {
  id: "01JTASK",
  kind: "noop",
  payload: { n: 1 },
  priority: "high",
  status: "Pending",
  attempts: 0,
  maxAttempts: 3,
  createdAt: "2026-11-27T10:00:00.000Z",
  updatedAt: "2026-11-27T10:00:00.000Z",
  availableAt: "2026-11-27T10:00:00.000Z"
}

describe("Task", () => {
  it("round-trips through its JSON encoding", () => {
    const task = Schema.decodeUnknownSync(Task)(aTask)
    expect(task.createdAt).toBeInstanceOf(Date)
    expect(Schema.encodeSync(Task)(task)).toEqual(aTask)
  })

  it("defaults priority and attempts of an enqueue request", () => {
    const request = Schema.decodeUnknownSync(EnqueueRequest)({ kind: "noop", payload: null })
    expect(request.priority).toBe("standard")
    expect(request.maxAttempts).toBe(3)
  })

  it.effect("names the field of bad input", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decodeInput(Task, "task.json")({ ...aTask, priority: "urgent" }))
      expect(error).toBeInstanceOf(InvalidInput)
      expect(error.path).toBe("priority")
      expect(error.message).toMatch(/^task\.json, field priority: /)
    }))

  it("rejects a kind with upper-case letters", () => {
    expect(Either.isRight(Schema.decodeUnknownEither(EnqueueRequest)({ kind: "good-kind", payload: 1 }))).toBe(true)
    const result = decodeInputEither(EnqueueRequest, "request")({ kind: "Bad-Kind", payload: 1 })
    expect(result._tag === "Left" && [result.left.path, /more\)$/.test(result.left.reason)]).toEqual(["kind", false])
  })
})
