/**
 * The worker's HTTP endpoints, for ECS health checks and a load balancer:
 *
 *   GET /healthz  200 while the process runs (liveness)
 *   GET /readyz   200 while claiming tasks, 503 while starting or draining
 *   GET /metrics  the worker's counters as JSON
 *
 * node:http keeps this tiny; the server lives for the life of its Scope.
 */
import { Effect, Runtime, Schema, type Scope } from "effect"
import * as http from "node:http"
import type { AddressInfo } from "node:net"

/** What /healthz and /readyz report: the worker's state, and whether it claims tasks now. */
export interface Readiness {
  readonly state: string
  readonly ready: boolean
}

export interface HealthServerOptions {
  readonly host: string
  readonly port: number
  readonly readiness: Effect.Effect<Readiness>
  /** The JSON served at /metrics. */
  readonly metrics: Effect.Effect<unknown>
}

export interface HealthServer {
  readonly port: number
  readonly host: string
}

export class HealthServerError extends Schema.TaggedError<HealthServerError>()("HealthServerError", {
  reason: Schema.Literal("ListenFailed"),
  address: Schema.String,
  detail: Schema.String
}) {
  override get message(): string {
    return `cannot listen on ${this.address}: ${this.detail}`
  }
}

const send = (response: http.ServerResponse, status: number, body: unknown): void => {
  const text = JSON.stringify(body)
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), "cache-control": "no-store" })
  response.end(text)
}

/** Starts the server; it is closed when the Scope closes. */
export const serveHealth = (options: HealthServerOptions): Effect.Effect<HealthServer, HealthServerError, Scope.Scope> =>
  Effect.gen(function* () {
    const runtime = yield* Effect.runtime<never>()
    const run = Runtime.runPromise(runtime)
    const handle = (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
      const url = new URL(request.url ?? "/", "http://worker")
      if (request.method !== "GET" && request.method !== "HEAD") {
        send(response, 405, { error: "method not allowed" })
        return Promise.resolve()
      }
      switch (url.pathname) {
        case "/healthz":
          return run(options.readiness).then(({ state }) => send(response, 200, { status: "ok", state }))
        case "/readyz":
          return run(options.readiness).then(({ ready, state }) => send(response, ready ? 200 : 503, { ready, state }))
        case "/metrics":
          return run(options.metrics).then((metrics) => send(response, 200, metrics))
        default:
          send(response, 404, { error: "not found" })
          return Promise.resolve()
      }
    }
    const server = yield* Effect.acquireRelease(
      Effect.async<http.Server, HealthServerError>((resume) => {
        const server = http.createServer((request, response) => {
          handle(request, response).catch((cause: unknown) => send(response, 500, { error: String(cause) }))
        })
        server.once("error", (cause) => resume(
            Effect.fail(
              new HealthServerError({
                reason: "ListenFailed",
                address: `${options.host}:${options.port}`,
                detail: cause instanceof Error ? cause.message : String(cause)
              })
            )
          ))
        server.listen(options.port, options.host, () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )
    const address = server.address() as AddressInfo
    return { port: address.port, host: address.address }
  })
