/**
 * The webhook as an AWS Lambda behind API Gateway (REST or HTTP API proxy
 * integration). The app's entry point builds one runtime and runs this:
 *
 *   const runtime = ManagedRuntime.make(WebhookIntake.layer(config).pipe(Layer.provide(...)))
 *   export const handler = (event: ProxyEvent) => runtime.runPromise(LambdaHandler.handle(event))
 */
import { Effect } from "effect"
import { WebhookIntake } from "./WebhookIntake.js"

/** The fields of an API Gateway proxy event (payload 1.0 or 2.0) the webhook reads. */
export interface ProxyEvent {
  readonly httpMethod?: string
  readonly requestContext?: { readonly http?: { readonly method?: string } }
  readonly headers?: Readonly<Record<string, string | undefined>> | null
  readonly body?: string | null
  readonly isBase64Encoded?: boolean
}

export interface ProxyResult {
  readonly statusCode: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

const json = (statusCode: number, body: unknown): ProxyResult => ({
  statusCode,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body)
})

export const handle = (event: ProxyEvent): Effect.Effect<ProxyResult, never, WebhookIntake> =>
  Effect.gen(function* () {
    const method = (event.httpMethod ?? event.requestContext?.http?.method ?? "POST").toUpperCase()
    if (method !== "POST") return json(405, { status: "rejected", reason: `method ${method} not allowed` })
    // The signature covers the exact bytes GitHub sent: decode base64 bodies, never re-serialize.
    const raw = event.body ?? ""
    const body = event.isBase64Encoded === true ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8")
    const intake = yield* WebhookIntake
    const response = yield* intake.handle({ headers: event.headers ?? {}, body })
    return json(response.statusCode, response.body)
  }).pipe(Effect.withSpan("LambdaHandler.handle"))
