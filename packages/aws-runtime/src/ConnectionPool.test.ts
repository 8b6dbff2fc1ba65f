/**
 * The shared connection pool, seen from the server: real STS clients (query
 * protocol over loopback HTTP) against a server that counts the TCP
 * connections it accepts and answers every request as GetCallerIdentity.
 */
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Schedule, Scope } from "effect"
import { createServer, type RequestListener } from "node:http"
import type { AddressInfo } from "node:net"
import { makeConnectionPool } from "./ConnectionPool.js"

const IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn><UserId>AIDAALICE</UserId><Account>123456789012</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`

const answer: RequestListener = (request, response) => {
  request.resume()
  request.on("end", () => response.writeHead(200, { "content-type": "text/xml" }).end(IDENTITY))
}

/** A loopback server counting accepted connections and those still open. */
const countingServer = Effect.acquireRelease(
  Effect.async<{ readonly url: string; readonly accepted: () => number; readonly open: () => number; readonly close: () => void }>((resume) => {
    let accepted = 0
    let open = 0
    const server = createServer(answer)
    server.on("connection", (socket) => {
      accepted += 1
      open += 1
      socket.on("close", () => (open -= 1))
    })
    server.listen(0, "127.0.0.1", () =>
      resume(
        Effect.succeed({
          url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          accepted: () => accepted,
          open: () => open,
          close: () => {
            server.closeAllConnections()
            server.close()
          }
        })
      )
    )
  }),
  (server) => Effect.sync(server.close)
)

const stsClient = (url: string, keyId: string, requestHandler?: ReturnType<Effect.Effect.Success<typeof makeConnectionPool>["handler"]>) =>
  new STSClient({
    region: "us-east-1",
    endpoint: url,
    maxAttempts: 1,
    credentials: { accessKeyId: keyId, secretAccessKey: "secret" },
    ...(requestHandler === undefined ? {} : { requestHandler })
  })

const whoAmI = (client: STSClient) => Effect.promise(() => client.send(new GetCallerIdentityCommand({}))).pipe(Effect.map((out) => out.Account))

describe("ConnectionPool", () => {
  it.scoped("clients of different accounts reuse one connection, and a destroyed client leaves it open", () =>
    Effect.gen(function* () {
      const server = yield* countingServer
      const pool = yield* makeConnectionPool
      const alice = stsClient(server.url, "AKIAALICE", pool.handler())
      const bob = stsClient(server.url, "AKIABOB", pool.handler())
      for (let i = 0; i < 3; i++) {
        expect(yield* whoAmI(alice)).toBe("123456789012")
        expect(yield* whoAmI(bob)).toBe("123456789012")
      }
      expect(server.accepted()).toBe(1)

      alice.destroy()
      expect(yield* whoAmI(bob)).toBe("123456789012")
      expect(server.accepted()).toBe(1)
      expect(server.open()).toBe(1)
    })
  )

  it.scoped("without the pool, each client opens its own connection", () =>
    Effect.gen(function* () {
      const server = yield* countingServer
      const alice = stsClient(server.url, "AKIAALICE")
      const bob = stsClient(server.url, "AKIABOB")
      yield* Effect.addFinalizer(() => Effect.sync(() => [alice, bob].forEach((c) => c.destroy())))
      yield* whoAmI(alice)
      yield* whoAmI(bob)
      expect(server.accepted()).toBe(2)
    })
  )

  it.scopedLive("closing the pool's scope closes its connections", () =>
    Effect.gen(function* () {
      const server = yield* countingServer
      const scope = yield* Scope.make()
      const pool = yield* makeConnectionPool.pipe(Scope.extend(scope))
      yield* whoAmI(stsClient(server.url, "AKIAALICE", pool.handler()))
      expect(server.open()).toBe(1)

      yield* Scope.close(scope, Exit.void)
      // The server sees the close a moment later: look again every 10 ms, for up to 2 s.
      yield* Effect.sync(server.open).pipe(Effect.repeat({ schedule: Schedule.spaced("10 millis"), until: (n) => n === 0, times: 200 }))
      expect(server.open()).toBe(0)
    })
  )
})
