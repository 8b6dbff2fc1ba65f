/**
 * DynamoDB is not re-implemented: dynalite (a faithful DynamoDB on LevelDB
 * in memory) runs beside the sandbox on its own loopback port and
 * `DynamoDB_20120810.*` requests are forwarded to it unchanged.
 */
import { request } from "node:http"
import type { Server } from "node:http"
import type { AddressInfo } from "node:net"
import { createRequire } from "node:module"
import { Effect, type Scope } from "effect"
import type { RawRequest, RawResponse } from "./ServiceHandler.js"

interface DynaliteOptions {
  readonly createTableMs?: number
  readonly deleteTableMs?: number
  readonly updateTableMs?: number
}

// dynalite is CommonJS without types; loaded through require so importers of
// this package's sources need no ambient declaration.
const dynalite = createRequire(import.meta.url)("dynalite") as (options?: DynaliteOptions) => Server

export type DynamoProxy = (req: RawRequest) => Effect.Effect<RawResponse>

/** Starts dynalite in the current scope and returns the forwarder. */
export const startDynamo: Effect.Effect<DynamoProxy, Error, Scope.Scope> = Effect.gen(function* () {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 })
  const port = yield* Effect.acquireRelease(
    Effect.async<number, Error>((resume) => {
      server.once("error", (error) => resume(Effect.fail(error)))
      server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
    }),
    () => Effect.async<void>((resume) => {
      server.close(() => resume(Effect.void))
    })
  )
  return (req) =>
    Effect.async<RawResponse>((resume) => {
      const headers = { ...req.headers, host: `127.0.0.1:${port}`, "content-length": String(req.body.length) }
      const outgoing = request({ host: "127.0.0.1", port, method: req.method, path: req.path, headers }, (res) => {
        const chunks: Array<Buffer> = []
        res.on("data", (chunk: Buffer) => chunks.push(chunk))
        res.on("end", () => {
          const out: Record<string, string> = {}
          for (const [key, value] of Object.entries(res.headers)) {
            if (value !== undefined && key !== "content-length" && key !== "connection" && key !== "transfer-encoding") out[key] = Array.isArray(value) ? value.join(",") : value
          }
          resume(Effect.succeed({ status: res.statusCode ?? 500, headers: out, body: Buffer.concat(chunks) }))
        })
      })
      outgoing.on("error", (error) =>
        resume(Effect.succeed({ status: 500, headers: { "content-type": "application/x-amz-json-1.0" }, body: JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: String(error) }) }))
      )
      outgoing.end(req.body)
    })
})
