import { it } from "@effect/vitest"
import { Effect, Ref } from "effect"
import { describe, expect } from "vitest"
import { serveHealth } from "./HealthServer.js"

const get = (port: number, path: string) =>
  Effect.promise(async () => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`)
    return { status: response.status, body: (await response.json()) as unknown }
  })

const readinessOf = (state: Ref.Ref<string>) => Effect.map(Ref.get(state), (current) => ({ state: current, ready: current === "running" }))

describe("serveHealth", () => {
  it.scoped("answers liveness always and readiness only while ready", () =>
    Effect.gen(function* () {
      const state = yield* Ref.make("starting")
      const server = yield* serveHealth({ host: "127.0.0.1", port: 0, readiness: readinessOf(state), metrics: Effect.succeed({ completed: 3 }) })
      expect(server.port).toBeGreaterThan(0)

      expect(yield* get(server.port, "/healthz")).toEqual({ status: 200, body: { status: "ok", state: "starting" } })
      expect(yield* get(server.port, "/readyz")).toEqual({ status: 503, body: { ready: false, state: "starting" } })

      yield* Ref.set(state, "running")
      expect(yield* get(server.port, "/readyz")).toEqual({ status: 200, body: { ready: true, state: "running" } })

      yield* Ref.set(state, "draining")
      expect(yield* get(server.port, "/readyz")).toEqual({ status: 503, body: { ready: false, state: "draining" } })
      expect((yield* get(server.port, "/healthz")).status).toBe(200)
    })
  )

  it.scoped("serves metrics as JSON and 404 for anything else", () =>
    Effect.gen(function* () {
      const state = yield* Ref.make("running")
      const server = yield* serveHealth({ host: "127.0.0.1", port: 0, readiness: readinessOf(state), metrics: Effect.succeed({ completed: 3, failed: 1 }) })
      expect(yield* get(server.port, "/metrics")).toEqual({ status: 200, body: { completed: 3, failed: 1 } })
      expect((yield* get(server.port, "/nope")).status).toBe(404)
    })
  )

  it.scoped("fails with the address when the port is taken", () =>
    Effect.gen(function* () {
      const state = yield* Ref.make("running")
      const first = yield* serveHealth({ host: "127.0.0.1", port: 0, readiness: readinessOf(state), metrics: Effect.succeed({}) })
      const error = yield* Effect.flip(serveHealth({ host: "127.0.0.1", port: first.port, readiness: readinessOf(state), metrics: Effect.succeed({}) }))
      expect(error.message).toContain(`cannot listen on 127.0.0.1:${first.port}`)
    })
  )
})
