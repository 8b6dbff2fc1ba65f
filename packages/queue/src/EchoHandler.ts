/**
 * The built-in `echo` task kind: waits `workMs`, fails on purpose for its
 * first `failTimes` attempts, then returns its message. It exercises the
 * whole runtime (leases, heartbeats, retries, dead-letters) in the demo and
 * in tests without touching anything outside the process.
 */
import { TaskKind } from "@miyabi/types"
import { Effect, Schema } from "effect"
import { handler, TaskFailure } from "./HandlerRegistry.js"

export const kind = TaskKind.make("echo")

export const EchoPayload = Schema.Struct({
  message: Schema.String,
  /** How long the work takes, in milliseconds (at most an hour). */
  workMs: Schema.optional(Schema.Int.pipe(Schema.between(0, 3_600_000))),
  /** How many attempts fail (transiently) before one succeeds. */
  failTimes: Schema.optional(Schema.Int.pipe(Schema.between(0, 100)))
})
export type EchoPayload = typeof EchoPayload.Type

export const EchoHandler = handler({
  kind,
  payload: EchoPayload,
  run: (payload, context) =>
    Effect.gen(function* () {
      if (payload.workMs !== undefined && payload.workMs > 0) yield* Effect.sleep(payload.workMs)
      if (context.attempt <= (payload.failTimes ?? 0)) {
        return yield* new TaskFailure({
          reason: "Transient",
          message: `echo fails on purpose on attempt ${context.attempt} of the first ${payload.failTimes ?? 0}`
        })
      }
      return { echo: payload.message, attempt: context.attempt }
    })
})
