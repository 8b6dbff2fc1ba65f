/**
 * Interruption and timeouts against a server that never answers: the SDK's
 * HTTP request must be aborted, not left running after the fiber is gone.
 */
import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Duration, Effect, Fiber, Logger, Queue, Ref } from "effect"
import { AwsClients, Sts } from "./AwsClients.js"
import * as AwsRuntime from "./AwsRuntime.js"

type ServerEvent = "request" | "closed"

/** A loopback HTTP server that accepts requests and never responds; reports each request and each aborted one. */
const silentServer = Effect.gen(function* () {
  const events = yield* Queue.unbounded<ServerEvent>()
  const open = new Set<IncomingMessage>()
  const server = createServer((request, response) => {
    open.add(request)
    Queue.unsafeOffer(events, "request")
    response.on("close", () => {
      open.delete(request)
      Queue.unsafeOffer(events, "closed")
    })
  })
  const listening = yield* Deferred.make<number>()
  server.listen(0, "127.0.0.1", () => Deferred.unsafeDone(listening, Effect.succeed((server.address() as AddressInfo).port)))
  const port = yield* Deferred.await(listening)
  yield* Effect.addFinalizer(() =>
    Effect.async<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
  )
  return { endpoint: `http://127.0.0.1:${port}`, events, open }
})

const env = (endpoint: string) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const saved = process.env.AWS_ENDPOINT_URL_STS
      process.env.AWS_ENDPOINT_URL_STS = endpoint
      return saved
    }),
    (saved) =>
      Effect.sync(() => {
        if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_STS
        else process.env.AWS_ENDPOINT_URL_STS = saved
      })
  )

const credentials = { baseCredentials: () => Promise.resolve({ accessKeyId: "AKIDTEST", secretAccessKey: "secret" }) }

/** Takes the next server event, failing the test instead of hanging. */
const next = (events: Queue.Queue<ServerEvent>) =>
  Queue.take(events).pipe(Effect.timeoutFail({ duration: Duration.seconds(5), onTimeout: () => new Error("no server event within 5 s") }))

describe("AwsClients and a server that never answers", () => {
  it.live("interrupting the fiber aborts the HTTP request", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const server = yield* silentServer
        yield* env(server.endpoint)
        const clients = yield* AwsClients
        const fiber = yield* Effect.fork(clients.call(Sts, {}, new GetCallerIdentityCommand({})))
        expect(yield* next(server.events)).toBe("request")
        yield* Fiber.interrupt(fiber)
        expect(yield* next(server.events)).toBe("closed")
        expect(server.open.size).toBe(0)
      }).pipe(Effect.provide(AwsRuntime.layer({ region: "us-east-1", callTimeout: Duration.minutes(5) }, credentials)))
    ))

  it.live("times out each attempt, aborts it, retries, and fails with Timeout", () =>
    Effect.scoped(
      Effect.gen(function* () {
        const server = yield* silentServer
        yield* env(server.endpoint)
        const clients = yield* AwsClients
        const retries = yield* Ref.make(0)
        const logger = Logger.make(({ message }) => {
          if (String(message).includes("retrying")) Effect.runSync(Ref.update(retries, (n) => n + 1))
        })
        const error = yield* Effect.flip(clients.call(Sts, {}, new GetCallerIdentityCommand({}))).pipe(
          Effect.provide(Logger.replace(Logger.defaultLogger, logger))
        )
        expect(error).toMatchObject({ reason: "Timeout", retryable: true, code: "TimeoutError", operation: "GetCallerIdentity" })
        expect(yield* Ref.get(retries)).toBe(1)
        // Every request that reached the server was aborted when its attempt timed out.
        const counts = { request: 0, closed: 0 }
        const drain: Effect.Effect<void, Error> = Effect.suspend(() =>
          counts.request > 0 && counts.closed === counts.request && server.open.size === 0
            ? Effect.void
            : Effect.flatMap(next(server.events), (event) => {
                counts[event] += 1
                return drain
              })
        )
        yield* drain
        for (const event of yield* Queue.takeAll(server.events)) counts[event] += 1
        expect(counts.closed).toBe(counts.request)
        expect(server.open.size).toBe(0)
        expect(counts.request).toBeGreaterThanOrEqual(1)
        expect(counts.request).toBeLessThanOrEqual(2)
      }).pipe(
        Effect.provide(
          AwsRuntime.layer(
            { region: "us-east-1", callTimeout: Duration.seconds(1), maxAttempts: 2, retryBaseDelay: Duration.millis(1), retryMaxDelay: Duration.millis(2) },
            credentials
          )
        )
      )
    ))
})
