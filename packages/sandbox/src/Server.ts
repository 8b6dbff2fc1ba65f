/**
 * The loopback HTTP server: reads a request, hands it to the router, writes
 * the answer. Bound to 127.0.0.1 on a free port by default; closed (with its
 * in-flight fibers interrupted) when the scope closes.
 */
import { createServer, type IncomingMessage, type Server as HttpServer } from "node:http"
import type { AddressInfo } from "node:net"
import { Clock, Effect, FiberSet, type Scope } from "effect"
import type { RawRequest, RawResponse } from "./ServiceHandler.js"

const MAX_BODY_BYTES = 16 * 1024 * 1024

export interface ServerOptions {
  readonly host?: string
  readonly port?: number
}

export interface RunningServer {
  readonly host: string
  readonly port: number
  readonly url: string
}

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(new Error("request body too large"))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

const flattenHeaders = (req: IncomingMessage): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(",") : value
  }
  return out
}

/** Starts the server in the current scope. */
export const serve = (
  handle: (req: RawRequest) => Effect.Effect<RawResponse>,
  options: ServerOptions = {}
): Effect.Effect<RunningServer, Error, Scope.Scope> =>
  Effect.gen(function* () {
    const run = yield* FiberSet.makeRuntimePromise<never>()
    // Requests run on wall time even when the caller's scope uses a TestClock
    // (e.g. @effect/vitest's it.scoped): latency faults and long polls must elapse.
    const liveClock = Clock.make()
    const host = options.host ?? "127.0.0.1"
    const server: HttpServer = createServer((req, res) => {
      readBody(req)
        .then((body) => {
          const url = new URL(req.url ?? "/", "http://sandbox")
          return run(
            Effect.withClock(liveClock)(handle({
              method: req.method ?? "GET",
              path: url.pathname,
              query: url.searchParams,
              headers: flattenHeaders(req),
              body
            }))
          )
        })
        .then((response) => {
          const body = response.body ?? ""
          res.writeHead(response.status, { ...response.headers, "content-length": String(Buffer.byteLength(body)) })
          res.end(req.method === "HEAD" ? undefined : body)
        })
        .catch((error: unknown) => {
          if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" })
          res.end(String(error))
        })
    })
    server.keepAliveTimeout = 5_000
    const port = yield* Effect.acquireRelease(
      Effect.async<number, Error>((resume) => {
        server.once("error", (error) => resume(Effect.fail(error)))
        server.listen(options.port ?? 0, host, () => resume(Effect.succeed((server.address() as AddressInfo).port)))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        })
    )
    return { host, port, url: `http://${host}:${port}` }
  })
