import { describe, expect, it } from "@effect/vitest"
import { defineTask, InvalidInput, Lease, Task, TaskId, TaskKind, WorkerId } from "@miyabi/types"
import { ConfigError, Context, Effect, Layer, Ref, Schema } from "effect"
import { failureOf, make } from "./DefinitionHandler.js"
import { type TaskContext, TaskFailure } from "./HandlerRegistry.js"

class Shelf extends Context.Tag("@miyabi/queue/test/Shelf")<Shelf, { readonly take: (item: string) => Effect.Effect<string, ShelfError> }>() {}

class ShelfError extends Schema.TaggedError<ShelfError>()("ShelfError", {
  reason: Schema.Literal("Busy", "Gone"),
  item: Schema.String
}) {
  override get message(): string {
    return `${this.item}: ${this.reason === "Busy" ? "the shelf is busy" : "no such item"}`
  }
}

const fetchTask = defineTask({
  kind: TaskKind.make("fetch"),
  payload: Schema.Struct({ item: Schema.String.pipe(Schema.minLength(1)), count: Schema.optionalWith(Schema.Int, { default: () => 1 }) }),
  timeout: "5 minutes",
  run: (payload) => Effect.flatMap(Shelf, (shelf) => shelf.take(payload.item)).pipe(Effect.map((taken) => ({ taken, count: payload.count }))),
  isTransient: (error) => error.reason === "Busy"
})

/** A shelf that fails `item`s named "busy" and "gone", and counts how often it is built. */
const shelfLayer = (built: Ref.Ref<number>) =>
  Layer.effect(
    Shelf,
    Ref.update(built, (n) => n + 1).pipe(
      Effect.as({
        take: (item: string) => (item === "busy" || item === "gone" ? Effect.fail(new ShelfError({ reason: item === "busy" ? "Busy" : "Gone", item })) : Effect.succeed(item))
      })
    )
  )

const now = new Date("2026-11-27T10:00:00.000Z")
const context: TaskContext = {
  task: new Task({ id: TaskId.make("01JFETCH"), kind: fetchTask.kind, payload: {}, priority: "standard", status: "InProgress", attempts: 1, maxAttempts: 3, createdAt: now, updatedAt: now, availableAt: now }),
  lease: new Lease({ taskId: TaskId.make("01JFETCH"), workerId: WorkerId.make("w-1"), token: "t", expiresAt: now, attempt: 1 }),
  attempt: 1,
  workerId: WorkerId.make("w-1")
}

/** The TaskFailure an attempt ended with (a handler's error channel is `unknown`). */
const failed = (attempt: Effect.Effect<unknown, unknown>) =>
  Effect.flip(attempt).pipe(Effect.filterOrDieMessage((error): error is TaskFailure => error instanceof TaskFailure, "the attempt did not end with a TaskFailure"))

describe("DefinitionHandler.make", () => {
  it.effect("runs the decoded payload with the layer's services, building the layer for every attempt", () =>
    Effect.gen(function* () {
      const built = yield* Ref.make(0)
      const handler = make(fetchTask, shelfLayer(built))
      expect(handler.kind).toBe("fetch")
      expect(handler.timeout).toBe("5 minutes")
      expect(yield* handler.run({ item: "apple" }, context)).toEqual({ taken: "apple", count: 1 })
      expect(yield* handler.run({ item: "pear", count: 2 }, context)).toEqual({ taken: "pear", count: 2 })
      expect(yield* Ref.get(built)).toBe(2)
    }))

  it.effect("a failure the definition calls transient is a Transient TaskFailure, any other a Permanent one, with the failure's message", () =>
    Effect.gen(function* () {
      const handler = make(fetchTask, shelfLayer(yield* Ref.make(0)))
      const busy = yield* failed(handler.run({ item: "busy" }, context))
      expect(busy).toMatchObject({ _tag: "TaskFailure", reason: "Transient", message: "busy: the shelf is busy" })
      const gone = yield* failed(handler.run({ item: "gone" }, context))
      expect(gone).toMatchObject({ _tag: "TaskFailure", reason: "Permanent", message: "gone: no such item" })
    }))

  it.effect("a setting the layer cannot read is a Permanent TaskFailure naming the AWS settings", () =>
    Effect.gen(function* () {
      const handler = make(fetchTask, Layer.fail(ConfigError.MissingData(["AWS_REGION"], "Expected AWS_REGION to exist in the process context")))
      const failure = yield* failed(handler.run({ item: "apple" }, context))
      expect(failure.reason).toBe("Permanent")
      expect(failure.message).toMatch(/^AWS settings: .*AWS_REGION/)
    }))

  it.effect("an InvalidInput from the layer is Permanent with its own message", () =>
    Effect.gen(function* () {
      const invalid = new InvalidInput({ source: "env MIYABI_STORE", reason: "not a store" })
      const failure = yield* failed(make(fetchTask, Layer.fail(invalid)).run({ item: "apple" }, context))
      expect(failure).toMatchObject({ reason: "Permanent", message: invalid.message })
    }))

  it.effect("a payload that does not decode is refused with the field named, and the layer is never built", () =>
    Effect.gen(function* () {
      const built = yield* Ref.make(0)
      const failure = yield* failed(make(fetchTask, shelfLayer(built)).run({ item: "" }, context))
      expect(failure.reason).toBe("InvalidPayload")
      expect(failure.message).toMatch(/payload of task kind fetch.*field item/)
      const missing = yield* failed(make(fetchTask, shelfLayer(built)).run({ count: 2 }, context))
      expect(missing.message).toMatch(/field item/)
      expect(yield* Ref.get(built)).toBe(0)
    }))
})

describe("DefinitionHandler.failureOf", () => {
  it("classifies without running anything", () => {
    const failure = failureOf(fetchTask)
    expect(failure(new ShelfError({ reason: "Busy", item: "x" })).retryable).toBe(true)
    expect(failure(new ShelfError({ reason: "Gone", item: "x" })).retryable).toBe(false)
    expect(failure(ConfigError.InvalidData(["AWS_MAX_ATTEMPTS"], "not a number")).message).toMatch(/^AWS settings: /)
  })
})
