/**
 * The webhook receiver's core, shared by the Lambda handler and the local
 * HTTP server: signature check, replay check, issue-event mapping, enqueue.
 * Every outcome is a response (never a failure), so both front ends only
 * translate it to their wire format.
 *
 * 202 accepted (task id) | 200 ignored | 400 malformed | 401 bad signature |
 * 409 replayed delivery | 503 queue or replay store unavailable (GitHub may redeliver).
 */
import { Priority, TaskKind } from "@miyabi/types"
import { Config, Context, Duration, Effect, Either, Layer, Redacted, Schema, type ConfigError } from "effect"
import { TaskQueue } from "../TaskQueue.js"
import { DeliveryStore } from "./DeliveryStore.js"
import { IssuesEvent, toEnqueueRequest } from "./IssueEvent.js"
import { verifySignature } from "./WebhookSignature.js"

export interface IntakeConfig {
  /** The webhook secret configured on the GitHub side. */
  readonly secret: Redacted.Redacted<string>
  /** The label that asks the platform to work on an issue, e.g. "miyabi". */
  readonly triggerLabel: string
  /** The task kind when the issue has no `agent:<kind>` label. */
  readonly defaultKind: TaskKind
  /** Priority without a priority label. */
  readonly defaultPriority: Priority
  /** How long a delivery id is remembered. */
  readonly replayWindow: Duration.DurationInput
}

/** A delivery as received: header names in any case, the body as raw bytes. */
export interface IntakeRequest {
  readonly headers: Readonly<Record<string, string | ReadonlyArray<string> | undefined>>
  readonly body: Uint8Array
}

export type IntakeOutcome =
  | { readonly status: "accepted"; readonly taskId: string }
  | { readonly status: "ignored"; readonly reason: string }
  | { readonly status: "rejected"; readonly reason: string }

export interface IntakeResponse {
  readonly statusCode: 200 | 202 | 400 | 401 | 409 | 503
  readonly body: IntakeOutcome
}

export interface WebhookIntakeShape {
  readonly handle: (request: IntakeRequest) => Effect.Effect<IntakeResponse>
}

export class WebhookIntake extends Context.Tag("@miyabi/queue/WebhookIntake")<WebhookIntake, WebhookIntakeShape>() {}

const header = (headers: IntakeRequest["headers"], name: string): string | undefined => {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined) continue
    return typeof value === "string" ? value : value[0]
  }
  return undefined
}

const reject = (statusCode: IntakeResponse["statusCode"], reason: string): IntakeResponse => ({ statusCode, body: { status: "rejected", reason } })
const ignore = (reason: string): IntakeResponse => ({ statusCode: 200, body: { status: "ignored", reason } })

const decodeJson = Schema.decodeUnknownEither(Schema.parseJson(IssuesEvent), { errors: "first" })

export const make = (config: IntakeConfig): Effect.Effect<WebhookIntakeShape, never, TaskQueue | DeliveryStore> =>
  Effect.gen(function* () {
    const queue = yield* TaskQueue
    const deliveries = yield* DeliveryStore
    const secret = Redacted.value(config.secret)

    const handle = (request: IntakeRequest): Effect.Effect<IntakeResponse> =>
      Effect.gen(function* () {
        const check = verifySignature(secret, request.body, header(request.headers, "x-hub-signature-256"))
        if (check !== "valid") {
          yield* Effect.annotateCurrentSpan("signature", check)
          return reject(401, check === "mismatch" ? "signature does not match" : `signature ${check}`)
        }
        const deliveryId = header(request.headers, "x-github-delivery")?.trim()
        if (deliveryId === undefined || deliveryId === "") return reject(400, "missing X-GitHub-Delivery header")
        yield* Effect.annotateCurrentSpan("delivery", deliveryId)
        const eventName = header(request.headers, "x-github-event")?.trim()
        if (eventName === undefined || eventName === "") return reject(400, "missing X-GitHub-Event header")

        // Decode before remembering, so a malformed delivery stays 400 when redelivered.
        let event: IssuesEvent | undefined
        if (eventName === "issues") {
          const decoded = decodeJson(new TextDecoder().decode(request.body))
          if (Either.isLeft(decoded)) return reject(400, `malformed issues event: ${decoded.left.message.split("\n")[0]}`)
          event = decoded.right
        }
        const fresh = yield* deliveries.remember(deliveryId, config.replayWindow).pipe(Effect.either)
        // Without the replay store nothing is enqueued: GitHub redelivers on a 5xx.
        if (Either.isLeft(fresh)) return reject(503, fresh.left.message)
        if (!fresh.right) return reject(409, `delivery ${deliveryId} was already received`)
        if (event === undefined) return ignore(`event ${eventName} is not handled`)

        const mapped = toEnqueueRequest(event, deliveryId, config)
        if (Either.isLeft(mapped)) return reject(400, mapped.left)
        if (mapped.right._tag === "Ignore") return ignore(mapped.right.reason)

        return yield* queue.enqueue(mapped.right.request).pipe(
          Effect.map(({ created, task }): IntakeResponse =>
            created
              ? { statusCode: 202, body: { status: "accepted", taskId: task.id } }
              : reject(409, `delivery ${deliveryId} already enqueued as task ${task.id}`)
          ),
          // Let GitHub's redelivery try again once the queue is back.
          Effect.catchAll((error) =>
            deliveries.forget(deliveryId).pipe(
              // If the id cannot be dropped either, GitHub's redelivery is refused as a replay until it expires; say so in the logs.
              Effect.catchAll((forgetError) => Effect.logWarning(`delivery ${deliveryId} stays remembered: ${forgetError.message}`)),
              Effect.as(reject(503, `queue unavailable: ${error.message}`))
            )
          )
        )
      }).pipe(
        Effect.tap((response) => Effect.annotateCurrentSpan("status", response.statusCode)),
        Effect.withSpan("WebhookIntake.handle")
      )

    return { handle }
  })

export const layer = (config: IntakeConfig): Layer.Layer<WebhookIntake, never, TaskQueue | DeliveryStore> =>
  Layer.effect(WebhookIntake, make(config))

/**
 * The configuration from the environment: GITHUB_WEBHOOK_SECRET (required),
 * MIYABI_TRIGGER_LABEL (miyabi), MIYABI_DEFAULT_KIND (aws-cycle),
 * MIYABI_DEFAULT_PRIORITY (standard), MIYABI_REPLAY_WINDOW (72 hours).
 */
export const intakeConfig: Config.Config<IntakeConfig> = Config.all({
  secret: Config.redacted("GITHUB_WEBHOOK_SECRET"),
  triggerLabel: Config.string("MIYABI_TRIGGER_LABEL").pipe(Config.withDefault("miyabi")),
  defaultKind: Schema.Config("MIYABI_DEFAULT_KIND", TaskKind).pipe(Config.withDefault(TaskKind.make("aws-cycle"))),
  defaultPriority: Schema.Config("MIYABI_DEFAULT_PRIORITY", Priority).pipe(Config.withDefault<Priority>("standard")),
  replayWindow: Config.duration("MIYABI_REPLAY_WINDOW").pipe(Config.withDefault(Duration.hours(72)))
})

export const layerConfig: Layer.Layer<WebhookIntake, ConfigError.ConfigError, TaskQueue | DeliveryStore> = Layer.effect(
  WebhookIntake,
  Effect.flatMap(intakeConfig, make)
)
