/**
 * The webhook on a local HTTP port (node:http), for `miyabi intake serve`
 * and tests: POST any path with a GitHub delivery; GET /health answers 200.
 * Scoped: the server closes when the scope does.
 */
import { Effect, Runtime, Schema, type Scope } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { WebhookIntake } from "./WebhookIntake.js"

export class LocalServerError extends Schema.TaggedError<LocalServerError>()("LocalServerError", {
  reason: Schema.Literal("ListenFailed"),
  detail: Schema.String
}) {
  override get message(): string {
    return `${this.reason}: ${this.detail}`
  }
}

export interface LocalServerOptions {
  /** 0 picks a free port. */
  readonly port: number
  /** Loopback by default; put a tunnel or proxy in front to expose it. */
  readonly host?: string
  /** Largest body accepted, bytes (GitHub caps payloads at 25 MB). */
  readonly maxBodyBytes?: number
}

export interface LocalServer {
  readonly port: number
  readonly host: string
  readonly url: string
}

const send = (res: ServerResponse, statusCode: number, body: unknown) => {
  res.writeHead(statusCode, { "content-type": "application/json" })
  res.end(JSON.stringify(body))
}

/** Reads the body up to a limit; undefined when it is larger (the rest is read and dropped, so a 413 can be sent). */
const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size <= limit) chunks.push(chunk)
    })
    req.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)))
    req.on("error", reject)
  })

export const serve = (options: LocalServerOptions): Effect.Effect<LocalServer, LocalServerError, WebhookIntake | Scope.Scope> =>
  Effect.gen(function* () {
    const intake = yield* WebhookIntake
    const runtime = yield* Effect.runtime<never>()
    const run = Runtime.runPromise(runtime)
    const host = options.host ?? "127.0.0.1"
    const limit = options.maxBodyBytes ?? 5 * 1024 * 1024

    const onRequest = (req: IncomingMessage, res: ServerResponse) => {
      if (req.method === "GET" && req.url === "/health") return send(res, 200, { status: "ok" })
      if (req.method !== "POST") return send(res, 405, { status: "rejected", reason: `method ${req.method ?? "?"} not allowed` })
      readBody(req, limit).then(
        (body) =>
          body === undefined
            ? send(res, 413, { status: "rejected", reason: `body larger than ${limit} bytes` })
            : run(intake.handle({ headers: req.headers, body })).then(
                (response) => send(res, response.statusCode, response.body),
                (error: unknown) => send(res, 500, { status: "rejected", reason: String(error) })
              ),
        () => send(res, 400, { status: "rejected", reason: "could not read the request body" })
      )
    }

    const server = yield* Effect.acquireRelease(
      Effect.async<ReturnType<typeof createServer>, LocalServerError>((resume) => {
        const server = createServer(onRequest)
        server.once("error", (error) => resume(Effect.fail(new LocalServerError({ reason: "ListenFailed", detail: `${host}:${options.port}: ${error.message}` }))))
        server.listen(options.port, host, () => resume(Effect.succeed(server)))
      }),
      (server) =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )
    const port = (server.address() as AddressInfo).port
    yield* Effect.logInfo(`webhook intake listening on http://${host}:${port}`)
    return { port, host, url: `http://${host}:${port}` }
  }).pipe(Effect.withSpan("LocalServer.serve"))
