/**
 * The ECS agent's task-protection endpoint, played by a loopback HTTP server
 * answering what the agent answers.
 */
import { createServer, type IncomingMessage } from "node:http"
import type { AddressInfo } from "node:net"
import { describe, expect, it } from "@effect/vitest"
import { Effect, TestClock } from "effect"
import * as TaskProtectionGuard from "../aws/TaskProtectionGuard.js"
import { fromAgent } from "./EcsTaskProtection.js"

interface Seen {
  readonly method: string
  readonly path: string
  readonly body: unknown
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = ""
    req.on("data", (chunk: Buffer) => (text += chunk.toString()))
    req.on("end", () => resolve(text))
  })

/** A fake agent on 127.0.0.1; `answer` decides each response body. */
const fakeAgent = (answer: (body: { ProtectionEnabled?: boolean }) => unknown) =>
  Effect.acquireRelease(
    Effect.async<{ uri: string; seen: Array<Seen>; close: () => void }>((resume) => {
      const seen: Array<Seen> = []
      const server = createServer((req, res) => {
        void readBody(req).then((text) => {
          const body = JSON.parse(text) as { ProtectionEnabled?: boolean }
          seen.push({ method: req.method ?? "", path: req.url ?? "", body })
          res.writeHead(200, { "content-type": "application/json" })
          res.end(JSON.stringify(answer(body)))
        })
      })
      server.listen(0, "127.0.0.1", () =>
        resume(Effect.succeed({ uri: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/abc`, seen, close: () => server.close() }))
      )
    }),
    (agent) => Effect.sync(agent.close)
  )

const protectedAnswer = (body: { ProtectionEnabled?: boolean }) => ({
  protection: { ProtectionEnabled: body.ProtectionEnabled === true, ExpirationDate: body.ProtectionEnabled === true ? "2026-01-01T02:00:00Z" : null, TaskArn: "arn:aws:ecs:us-east-1:123456789012:task/c/t1" }
})

describe("EcsTaskProtection", () => {
  it.scoped("PUTs the state to the agent and reads its answer", () =>
    Effect.gen(function* () {
      const agent = yield* fakeAgent(protectedAnswer)
      const state = yield* fromAgent(agent.uri).update(true, 90)
      expect(state).toEqual({ enabled: true, expiresAt: new Date("2026-01-01T02:00:00Z"), taskArn: "arn:aws:ecs:us-east-1:123456789012:task/c/t1" })
      yield* fromAgent(agent.uri).update(false)
      expect(agent.seen).toEqual([
        { method: "PUT", path: "/api/abc/task-protection/v1/state", body: { ProtectionEnabled: true, ExpiresInMinutes: 90 } },
        { method: "PUT", path: "/api/abc/task-protection/v1/state", body: { ProtectionEnabled: false } }
      ])
    })
  )

  it.scoped("turns the agent's failure and error answers into typed errors", () =>
    Effect.gen(function* () {
      const failing = yield* fakeAgent(() => ({ failure: { Arn: "arn", Reason: "TASK_NOT_VALID", Detail: null } }))
      const rejected = yield* Effect.flip(fromAgent(failing.uri).update(true, 10))
      expect([rejected.reason, rejected.detail]).toEqual(["Rejected", "TASK_NOT_VALID: "])
      const throttling = yield* fakeAgent(() => ({ error: { Arn: "arn", Code: "ThrottlingException", Message: "Rate exceeded" } }))
      const throttled = yield* Effect.flip(fromAgent(throttling.uri).update(true, 10))
      expect(throttled.reason).toBe("Throttled")
      const gone = yield* Effect.flip(fromAgent("http://127.0.0.1:9").update(true, 10))
      expect(gone.reason).toBe("Unavailable")
    })
  )

  it.scoped("the guard protects while tasks are in flight and releases when idle, renewing long protection", () =>
    Effect.gen(function* () {
      const agent = yield* fakeAgent(protectedAnswer)
      const guard = yield* TaskProtectionGuard.make(fromAgent(agent.uri), { expiresInMinutes: 10 })
      const at = new Date(0)
      const claimed = guard.record({ _tag: "Claimed", at })
      const finished = guard.record({ _tag: "Finished", outcome: "completed", durationMs: 1, at })
      yield* claimed
      yield* claimed
      yield* finished
      // Still one in flight: protection stays; after half its time it is renewed on the next event.
      yield* TestClock.adjust("6 minutes")
      yield* claimed
      yield* finished
      yield* finished
      yield* guard.record({ _tag: "State", state: "draining" })
      expect(agent.seen.map((s) => s.body)).toEqual([
        { ProtectionEnabled: true, ExpiresInMinutes: 10 },
        { ProtectionEnabled: true, ExpiresInMinutes: 10 },
        { ProtectionEnabled: false }
      ])
      expect(yield* guard.state).toEqual({ inFlight: 0, protectedAt: undefined })
    })
  )
})
