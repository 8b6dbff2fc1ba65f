/**
 * One HTTP connection pool for every SDK client of an AwsClients layer.
 *
 * Left to itself, each SDK client builds its own keep-alive agent, so a
 * discovery over 20 accounts x 4 regions x 6 services holds about 480 pools
 * and opens a fresh connection (a TCP and, on AWS, a TLS handshake) for most
 * of its calls: 1,789 connections for 3,700 calls in the discovery bench.
 * Connections are not tied to credentials (SigV4 signs each request), so the
 * clients of every account share the agents here and reuse each other's
 * connections to the same endpoint.
 *
 * The agents are not capped: the in-flight pool (RequestBudget) already
 * bounds how many calls are open at once. Each client gets its own handler
 * whose `destroy` leaves the shared agents alone (a client destroyed by the
 * cache must not close its neighbours' connections); the agents are
 * destroyed when the layer's scope closes.
 */
import { NodeHttpHandler } from "@smithy/node-http-handler"
import { Effect, type Scope } from "effect"
import { Agent as HttpAgent } from "node:http"
import { Agent as HttpsAgent } from "node:https"

/** A client's view of the shared agents: everything of NodeHttpHandler but `destroy`. */
class SharedAgentsHandler extends NodeHttpHandler {
  override destroy(): void {}
}

export interface ConnectionPool {
  /** A request handler for one new SDK client, on the shared agents. */
  readonly handler: () => NodeHttpHandler
}

export const makeConnectionPool: Effect.Effect<ConnectionPool, never, Scope.Scope> = Effect.map(
  Effect.acquireRelease(
    Effect.sync(() => ({ httpAgent: new HttpAgent({ keepAlive: true }), httpsAgent: new HttpsAgent({ keepAlive: true }) })),
    (agents) =>
      Effect.sync(() => {
        agents.httpAgent.destroy()
        agents.httpsAgent.destroy()
      })
  ),
  (agents) => ({ handler: () => new SharedAgentsHandler(agents) })
)
