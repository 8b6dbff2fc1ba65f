import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { TaskQueue } from "../TaskQueue.js"
import * as LocalServer from "./LocalServer.js"
import { delivery, issuesPayload, TestIntake } from "./testing/Deliveries.js"

const post = (url: string, d: { headers: Record<string, string>; body: string }) =>
  Effect.promise(async () => {
    const response = await fetch(url, { method: "POST", headers: d.headers, body: d.body, signal: AbortSignal.timeout(5000) })
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  })

describe("LocalServer", () => {
  it.scoped("serves the intake over loopback HTTP: valid, forged, replayed and malformed deliveries", () =>
    Effect.gen(function* () {
      const server = yield* LocalServer.serve({ port: 0 })
      expect(server.host).toBe("127.0.0.1")
      const url = `${server.url}/webhook`

      const valid = delivery(issuesPayload({ labels: ["miyabi", "priority:high"], label: "miyabi" }), { id: "h-1" })
      const accepted = yield* post(url, valid)
      expect(accepted.status).toBe(202)
      const [task] = yield* Effect.flatMap(TaskQueue, (q) => q.list({}))
      expect(accepted.body).toEqual({ status: "accepted", taskId: task?.id })
      expect(task?.priority).toBe("high")

      expect((yield* post(url, delivery(valid.body, { id: "h-2", secret: "wrong" }))).status).toBe(401)
      expect((yield* post(url, delivery(valid.body, { id: "h-3", signature: null }))).status).toBe(401)
      expect((yield* post(url, valid)).status).toBe(409)
      expect((yield* post(url, delivery("{\"action\":", { id: "h-4" }))).status).toBe(400)
      expect((yield* post(url, delivery(issuesPayload({ labels: ["bug"], action: "opened" }), { id: "h-5" }))).status).toBe(200)
      expect(yield* Effect.flatMap(TaskQueue, (q) => q.list({}))).toHaveLength(1)

      const health = yield* Effect.promise(() => fetch(`${server.url}/health`, { signal: AbortSignal.timeout(5000) }))
      expect(health.status).toBe(200)
    }).pipe(Effect.provide(TestIntake))
  )

  it.scoped("answers 413 to bodies over the limit", () =>
    Effect.gen(function* () {
      const server = yield* LocalServer.serve({ port: 0, maxBodyBytes: 1024 })
      const big = delivery(issuesPayload({ labels: ["miyabi", "x".repeat(2000)], label: "miyabi" }), { id: "b-1" })
      expect((yield* post(server.url, big)).status).toBe(413)
    }).pipe(Effect.provide(TestIntake))
  )

  it.effect("closes the port when its scope closes, and reports a port in use", () =>
    Effect.gen(function* () {
      const port = yield* Effect.scoped(
        Effect.gen(function* () {
          const first = yield* LocalServer.serve({ port: 0 })
          const clash = yield* Effect.flip(LocalServer.serve({ port: first.port }))
          expect(clash.reason).toBe("ListenFailed")
          return first.port
        })
      )
      const refused = yield* Effect.promise(() =>
        fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5000) }).then(
          () => false,
          () => true
        )
      )
      expect(refused).toBe(true)
    }).pipe(Effect.provide(TestIntake))
  )
})
