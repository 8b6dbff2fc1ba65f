import { describe, expect, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Redacted } from "effect"
import { TaskQueue } from "../TaskQueue.js"
import * as LambdaHandler from "./LambdaHandler.js"
import * as DeliveryStore from "./DeliveryStore.js"
import { config, delivery, issuesPayload, SECRET, TestIntake } from "./testing/Deliveries.js"
import * as MemoryTaskQueue from "./testing/MemoryTaskQueue.js"
import * as WebhookIntake from "./WebhookIntake.js"

const post = (d: { headers: Record<string, string>; body: string }) =>
  Effect.flatMap(WebhookIntake.WebhookIntake, (intake) => intake.handle({ headers: d.headers, body: new TextEncoder().encode(d.body) }))

describe("WebhookIntake", () => {
  it.effect("a valid labeled delivery becomes a task: kind, priority, tenant, idempotency key and payload from the issue", () =>
    Effect.gen(function* () {
      const body = issuesPayload({ labels: ["miyabi", "agent:cost-report", "P1", "tenant:globex", "bug"], label: "miyabi" })
      const response = yield* post(delivery(body, { id: "d-1" }))
      expect(response.statusCode).toBe(202)
      expect(response.body.status).toBe("accepted")
      const tasks = yield* MemoryTaskQueue.MemoryTaskQueueControlTag.pipe(Effect.flatMap((c) => c.tasks))
      expect(tasks).toHaveLength(1)
      const task = tasks[0]!
      expect(response.body).toEqual({ status: "accepted", taskId: task.id })
      expect(task).toMatchObject({ kind: "cost-report", priority: "high", tenant: "globex", idempotencyKey: "d-1", status: "Pending" })
      expect(task.payload).toEqual({ repository: "acme/infra", issueNumber: 42, title: "Right-size the idle RDS instances", url: "https://github.com/acme/infra/issues/42" })
    }).pipe(Effect.provide(TestIntake))
  )

  it.effect("defaults: kind from config, standard priority, the repository owner as tenant; opened issues with the label count", () =>
    Effect.gen(function* () {
      const response = yield* post(delivery(issuesPayload({ action: "opened", labels: ["Miyabi"], owner: "initech" }), { id: "d-2" }))
      expect(response.statusCode).toBe(202)
      const queue = yield* TaskQueue
      const [task] = yield* queue.list({})
      expect(task).toMatchObject({ kind: "aws-cycle", priority: "standard", tenant: "initech" })
    }).pipe(Effect.provide(TestIntake))
  )

  it.effect("ignores (200) other events, other actions and other labels, and enqueues nothing", () =>
    Effect.gen(function* () {
      const cases = [
        delivery('{"zen":"Keep it logically awesome.","hook_id":1}', { id: "p-1", event: "ping" }),
        delivery(issuesPayload({ action: "labeled", labels: ["miyabi", "bug"], label: "bug" }), { id: "i-1" }),
        delivery(issuesPayload({ action: "opened", labels: ["bug"] }), { id: "i-2" }),
        delivery(issuesPayload({ action: "closed", labels: ["miyabi"] }), { id: "i-3" })
      ]
      for (const d of cases) {
        const response = yield* post(d)
        expect(response.statusCode, d.body).toBe(200)
        expect(response.body.status).toBe("ignored")
      }
      expect(yield* Effect.flatMap(TaskQueue, (q) => q.list({}))).toHaveLength(0)
    }).pipe(Effect.provide(TestIntake))
  )

  it.effect("rejects forged, unsigned and malformed signatures with 401, before reading the body", () =>
    Effect.gen(function* () {
      const body = issuesPayload({ label: "miyabi" })
      const forged = yield* post(delivery(body, { id: "f-1", secret: "guessed" }))
      expect(forged).toEqual({ statusCode: 401, body: { status: "rejected", reason: "signature does not match" } })
      const tampered = delivery(body, { id: "f-2" })
      expect((yield* post({ ...tampered, body: body.replace("Right-size", "Delete") })).statusCode).toBe(401)
      expect((yield* post(delivery(body, { id: "f-3", signature: null }))).body).toEqual({ status: "rejected", reason: "signature missing" })
      expect((yield* post(delivery(body, { id: "f-4", signature: "sha1=abc" }))).body).toEqual({ status: "rejected", reason: "signature malformed" })
      // A forged request with garbage is still 401, not 400: nothing unsigned is parsed.
      expect((yield* post(delivery("not json", { id: "f-5", signature: `sha256=${"0".repeat(64)}` }))).statusCode).toBe(401)
      expect(yield* Effect.flatMap(TaskQueue, (q) => q.list({}))).toHaveLength(0)
    }).pipe(Effect.provide(TestIntake))
  )

  it.effect("rejects a replayed delivery id with 409 and enqueues once", () =>
    Effect.gen(function* () {
      const d = delivery(issuesPayload({ label: "miyabi" }), { id: "r-1" })
      expect((yield* post(d)).statusCode).toBe(202)
      const replay = yield* post(d)
      expect(replay.statusCode).toBe(409)
      expect(replay.body).toEqual({ status: "rejected", reason: "delivery r-1 was already received" })
      // A different delivery of the same issue is new work.
      expect((yield* post(delivery(issuesPayload({ label: "miyabi" }), { id: "r-2" }))).statusCode).toBe(202)
      expect(yield* Effect.flatMap(TaskQueue, (q) => q.list({}))).toHaveLength(2)
    }).pipe(Effect.provide(TestIntake))
  )

  it.effect("rejects malformed deliveries with 400: bad JSON, missing fields, bad agent label, missing headers", () =>
    Effect.gen(function* () {
      const bad = [
        delivery("{not json", { id: "m-1" }),
        delivery(JSON.stringify({ action: "labeled", issue: { number: 1 } }), { id: "m-2" }),
        delivery(issuesPayload({ labels: ["miyabi", "agent:Not A Kind"], label: "miyabi" }), { id: "m-3" })
      ]
      for (const d of bad) {
        const response = yield* post(d)
        expect(response.statusCode, d.body).toBe(400)
        expect(response.body.status).toBe("rejected")
      }
      const noId = delivery(issuesPayload({ label: "miyabi" }))
      const { ["X-GitHub-Delivery"]: _, ...withoutId } = noId.headers
      expect(yield* post({ ...noId, headers: withoutId })).toEqual({ statusCode: 400, body: { status: "rejected", reason: "missing X-GitHub-Delivery header" } })
      expect(yield* post({ ...noId, headers: { ...noId.headers, "X-GitHub-Delivery": "" } })).toEqual({ statusCode: 400, body: { status: "rejected", reason: "missing X-GitHub-Delivery header" } })
      const { ["X-GitHub-Event"]: _event, ...withoutEvent } = noId.headers
      expect(yield* post({ ...noId, headers: withoutEvent })).toEqual({ statusCode: 400, body: { status: "rejected", reason: "missing X-GitHub-Event header" } })
      expect(yield* post({ ...noId, headers: { ...noId.headers, "X-GitHub-Event": "" } })).toEqual({ statusCode: 400, body: { status: "rejected", reason: "missing X-GitHub-Event header" } })
      // A malformed delivery is not remembered: its redelivery is 400 again, not 409.
      expect((yield* post(bad[0]!)).statusCode).toBe(400)
      expect(yield* Effect.flatMap(TaskQueue, (q) => q.list({}))).toHaveLength(0)
    }).pipe(Effect.provide(TestIntake))
  )

  it.effect("answers 503 when the queue is down and accepts the redelivery once it is back", () =>
    Effect.gen(function* () {
      const control = yield* MemoryTaskQueue.MemoryTaskQueueControlTag
      const d = delivery(issuesPayload({ label: "miyabi" }), { id: "q-1" })
      yield* control.setUnavailable(true)
      const down = yield* post(d)
      expect(down.statusCode).toBe(503)
      yield* control.setUnavailable(false)
      expect((yield* post(d)).statusCode).toBe(202)
    }).pipe(Effect.provide(TestIntake))
  )

  it.effect("answers 503 and enqueues nothing when the replay store cannot say whether a delivery is new", () =>
    Effect.gen(function* () {
      const failing: DeliveryStore.DeliveryStoreShape = {
        remember: () => Effect.fail(new DeliveryStore.DeliveryStoreError({ reason: "Unavailable", operation: "remember", detail: "dynamodb:PutItem failed (Throttled)" })),
        forget: () => Effect.void
      }
      const intake = WebhookIntake.layer(config).pipe(Layer.provideMerge(Layer.merge(MemoryTaskQueue.layer, Layer.succeed(DeliveryStore.DeliveryStore, failing))))
      const response = yield* post(delivery(issuesPayload({ label: "miyabi" }), { id: "s-1" })).pipe(
        Effect.zipLeft(Effect.flatMap(TaskQueue, (q) => q.list({})).pipe(Effect.tap((tasks) => expect(tasks).toHaveLength(0)))),
        Effect.provide(intake)
      )
      expect(response).toEqual({ statusCode: 503, body: { status: "rejected", reason: "replay store remember: dynamodb:PutItem failed (Throttled)" } })
    })
  )

  it.effect("the Lambda handler: API Gateway proxy events in, {statusCode, body} out, base64 bodies verified as raw bytes", () =>
    Effect.gen(function* () {
      const d = delivery(issuesPayload({ label: "miyabi" }), { id: "l-1" })
      const accepted = yield* LambdaHandler.handle({ httpMethod: "POST", headers: d.headers, body: Buffer.from(d.body).toString("base64"), isBase64Encoded: true })
      expect(accepted.statusCode).toBe(202)
      expect(JSON.parse(accepted.body)).toMatchObject({ status: "accepted" })
      // HTTP API (payload 2.0) lower-cases header names.
      const lower = Object.fromEntries(Object.entries(d.headers).map(([k, v]) => [k.toLowerCase(), v]))
      const replay = yield* LambdaHandler.handle({ requestContext: { http: { method: "POST" } }, headers: lower, body: d.body })
      expect(replay.statusCode).toBe(409)
      const forged = yield* LambdaHandler.handle({ httpMethod: "POST", headers: { ...d.headers, "X-GitHub-Delivery": "l-2" }, body: d.body.replace("42", "43") })
      expect(forged.statusCode).toBe(401)
      expect((yield* LambdaHandler.handle({ httpMethod: "GET", headers: {}, body: null })).statusCode).toBe(405)
      expect(accepted.headers["content-type"]).toBe("application/json")
    }).pipe(Effect.provide(TestIntake))
  )

  it.effect("reads its configuration from the environment, with the documented defaults", () =>
    Effect.gen(function* () {
      const config = yield* WebhookIntake.intakeConfig.pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["GITHUB_WEBHOOK_SECRET", SECRET], ["MIYABI_DEFAULT_PRIORITY", "high"]])))
      )
      expect(Redacted.value(config.secret)).toBe(SECRET)
      expect(config).toMatchObject({ triggerLabel: "miyabi", defaultKind: "aws-cycle", defaultPriority: "high" })
      const missing = yield* Effect.flip(WebhookIntake.intakeConfig.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map()))))
      expect(String(missing)).toMatch(/GITHUB_WEBHOOK_SECRET/)
      const badKind = yield* Effect.flip(
        WebhookIntake.intakeConfig.pipe(Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["GITHUB_WEBHOOK_SECRET", "x"], ["MIYABI_DEFAULT_KIND", "Not Valid"]]))))
      )
      expect(String(badKind)).toMatch(/MIYABI_DEFAULT_KIND/)
      // The layer built from it serves deliveries signed with that secret.
      const live = WebhookIntake.layerConfig.pipe(
        Layer.provide(Layer.merge(MemoryTaskQueue.layer, DeliveryStore.layerMemory())),
        Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["GITHUB_WEBHOOK_SECRET", SECRET]]))))
      )
      const response = yield* post(delivery(issuesPayload({ label: "miyabi" }), { id: "c-1" })).pipe(Effect.provide(live))
      expect(response.statusCode).toBe(202)
    })
  )
})
