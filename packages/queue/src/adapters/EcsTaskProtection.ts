/**
 * ECS task scale-in protection from inside the container, through the ECS
 * container agent: `PUT ${ECS_AGENT_URI}/task-protection/v1/state` with
 * `{ ProtectionEnabled, ExpiresInMinutes }`. AWS recommends the agent
 * endpoint over the UpdateTaskProtection API for tasks that decide for
 * themselves: no task ARN, cluster or IAM permission is needed. A protected
 * task is not stopped by service scale-in or deployments until it expires
 * (1..2,880 minutes; ECS's default is 120).
 *
 * The agent answers `{ protection: {...} }`, or `{ failure: { Reason } }`
 * (e.g. TASK_NOT_VALID for a task outside a service), or `{ error: { Code,
 * Message } }` (e.g. ThrottlingException).
 */
import { Config, Context, Effect, Layer, Option, Schema } from "effect"

export class EcsProtectionError extends Schema.TaggedError<EcsProtectionError>()("EcsProtectionError", {
  reason: Schema.Literal("Unavailable", "Rejected", "Throttled"),
  detail: Schema.String
}) {
  override get message(): string {
    return `ECS task protection: ${this.reason}: ${this.detail}`
  }
}

export interface ProtectionState {
  readonly enabled: boolean
  readonly expiresAt?: Date | undefined
  readonly taskArn?: string | undefined
}

export interface EcsTaskProtectionShape {
  /** Whether protection reaches ECS (false off ECS: every update is then a no-op). */
  readonly active: boolean
  readonly update: (enabled: boolean, expiresInMinutes?: number) => Effect.Effect<ProtectionState, EcsProtectionError>
}

export class EcsTaskProtection extends Context.Tag("@miyabi/queue/EcsTaskProtection")<EcsTaskProtection, EcsTaskProtectionShape>() {}

const AgentResponse = Schema.Struct({
  protection: Schema.optional(
    Schema.Struct({ ProtectionEnabled: Schema.Boolean, ExpirationDate: Schema.optional(Schema.NullOr(Schema.String)), TaskArn: Schema.optional(Schema.String) })
  ),
  failure: Schema.optional(Schema.Struct({ Reason: Schema.optional(Schema.NullOr(Schema.String)), Detail: Schema.optional(Schema.NullOr(Schema.String)) })),
  error: Schema.optional(Schema.Struct({ Code: Schema.optional(Schema.NullOr(Schema.String)), Message: Schema.optional(Schema.NullOr(Schema.String)) }))
})
const decodeResponse = Schema.decodeUnknown(Schema.parseJson(AgentResponse))

const clampMinutes = (minutes: number): number => Math.min(2_880, Math.max(1, Math.round(minutes)))

/** Protection through the agent at `agentUri` (the value of ECS_AGENT_URI). */
export const fromAgent = (agentUri: string, fetchImpl: typeof fetch = fetch): EcsTaskProtectionShape => ({
  active: true,
  update: (enabled, expiresInMinutes) =>
    Effect.gen(function* () {
      const body = JSON.stringify({ ProtectionEnabled: enabled, ...(enabled && expiresInMinutes !== undefined ? { ExpiresInMinutes: clampMinutes(expiresInMinutes) } : {}) })
      const text = yield* Effect.tryPromise({
        try: (signal) =>
          fetchImpl(`${agentUri.replace(/\/+$/, "")}/task-protection/v1/state`, { method: "PUT", headers: { "content-type": "application/json" }, body, signal }).then((r) =>
            r.text()
          ),
        catch: (cause) => new EcsProtectionError({ reason: "Unavailable", detail: `the ECS agent did not answer: ${String(cause)}` })
      })
      const answer = yield* decodeResponse(text).pipe(
        Effect.mapError(() => new EcsProtectionError({ reason: "Unavailable", detail: `unexpected answer from the ECS agent: ${text.slice(0, 200)}` }))
      )
      if (answer.protection !== undefined) {
        const expiration = answer.protection.ExpirationDate
        return {
          enabled: answer.protection.ProtectionEnabled,
          ...(expiration === undefined || expiration === null ? {} : { expiresAt: new Date(expiration) }),
          ...(answer.protection.TaskArn === undefined ? {} : { taskArn: answer.protection.TaskArn })
        }
      }
      if (answer.error !== undefined) {
        const code = answer.error.Code ?? "Error"
        return yield* new EcsProtectionError({ reason: /Throttl/i.test(code) ? "Throttled" : "Unavailable", detail: `${code}: ${answer.error.Message ?? ""}` })
      }
      return yield* new EcsProtectionError({ reason: "Rejected", detail: `${answer.failure?.Reason ?? "unknown"}: ${answer.failure?.Detail ?? ""}` })
    }).pipe(Effect.withSpan("EcsTaskProtection.update", { attributes: { enabled }, captureStackTrace: false }))
})

/** Off ECS: nothing to protect. */
export const disabled: EcsTaskProtectionShape = { active: false, update: (enabled) => Effect.succeed({ enabled }) }

/** From ECS_AGENT_URI when the container runs on ECS; a no-op elsewhere. */
export const layerConfig: Layer.Layer<EcsTaskProtection> = Layer.effect(
  EcsTaskProtection,
  Config.option(Config.string("ECS_AGENT_URI")).pipe(
    Effect.map(Option.match({ onNone: () => disabled, onSome: (uri) => fromAgent(uri) })),
    Effect.orElseSucceed(() => disabled)
  )
)

export const layer = (shape: EcsTaskProtectionShape): Layer.Layer<EcsTaskProtection> => Layer.succeed(EcsTaskProtection, shape)
