/**
 * `miyabi intake serve` as users run it: signed GitHub deliveries become
 * tasks on --store, forged and replayed ones do not; the secret is required;
 * SIGTERM stops it with exit 0.
 */
import { createHmac } from "node:crypto"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest"
import { issuesPayload } from "@miyabi/queue/testing/intake"
import { startSandbox } from "@miyabi/sandbox"
import { assertBuilt, miyabi, startForeground, stopAll } from "../sandbox/testing/BuiltCli.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-intake-test-"))
beforeAll(assertBuilt)
afterEach(stopAll)
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const SECRET = "test-webhook-secret"

const post = (url: string, body: string, delivery: string, secret = SECRET) =>
  fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-github-event": "issues",
      "x-github-delivery": delivery,
      "x-hub-signature-256": `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`
    },
    body
  }).then(async (response) => ({ status: response.status, body: (await response.json()) as { status: string; taskId?: string } }))

describe("miyabi intake serve (built)", () => {
  it("says in one line that GITHUB_WEBHOOK_SECRET is required", () => {
    const result = miyabi(["intake", "serve", "--store", path.join(tmp, "none.db"), "--port", "0"], { GITHUB_WEBHOOK_SECRET: "" })
    expect(result).toMatchObject({
      code: 1,
      stdout: "",
      stderr: "miyabi: env GITHUB_WEBHOOK_SECRET: is not set; export the webhook secret configured on GitHub\n"
    })
  })

  it("enqueues a signed labelled issue once, rejects forged and replayed deliveries, and stops on SIGTERM", async () => {
    const store = path.join(tmp, "intake.db")
    const server = startForeground(["intake", "serve", "--store", store, "--port", "0", "--json"], "\n}\n", { GITHUB_WEBHOOK_SECRET: SECRET })
    const { url } = JSON.parse(await server.ready) as { url: string }
    expect((await fetch(`${url}/health`)).status).toBe(200)

    const body = issuesPayload({ labels: ["miyabi", "priority:high"], label: "miyabi" })
    const accepted = await post(url, body, "delivery-1")
    expect(accepted.body.status).toBe("accepted")
    expect([200, 202]).toContain(accepted.status)
    expect((await post(url, body, "delivery-1")).body.status).not.toBe("accepted")
    expect(await post(url, body, "delivery-2", "not-the-secret")).toMatchObject({ status: 401, body: { status: "rejected" } })
    expect((await post(url, issuesPayload({ labels: ["bug"], label: "bug" }), "delivery-3")).body.status).toBe("ignored")

    server.child.kill("SIGTERM")
    expect(await server.exited).toBe(0)

    const listed = JSON.parse(miyabi(["tasks", "list", "--store", store, "--json"]).stdout) as { tasks: Array<{ id: string; priority: string }> }
    expect(listed.tasks).toHaveLength(1)
    expect(listed.tasks[0]).toMatchObject({ id: accepted.body.taskId, priority: "high" })
  })

  it("on an aws: store keeps delivery ids in DynamoDB: a replay to another intake process is refused too", async () => {
    const sandbox = await startSandbox({})
    try {
      const env = { ...sandbox.env, GITHUB_WEBHOOK_SECRET: SECRET, MIYABI_REPLAY_STORE: "" }
      const store = "aws:prefix=intake-test,provision"
      const first = startForeground(["intake", "serve", "--store", store, "--port", "0", "--json"], "\n}\n", env)
      const second = startForeground(["intake", "serve", "--store", store, "--port", "0", "--json"], "\n}\n", env)
      const [a, b] = (await Promise.all([first.ready, second.ready])).map((text) => JSON.parse(text) as { url: string; replayStore: string })
      expect([a?.replayStore, b?.replayStore]).toEqual(["dynamodb", "dynamodb"])
      const body = issuesPayload({ label: "miyabi" })
      expect(await post(a!.url, body, "aws-delivery-1")).toMatchObject({ status: 202, body: { status: "accepted" } })
      expect(await post(b!.url, body, "aws-delivery-1")).toEqual({ status: 409, body: { status: "rejected", reason: "delivery aws-delivery-1 was already received" } })
      // "already received" is the replay store's answer; the queue's idempotency key would say "already enqueued as task".
      expect(sandbox.log.requests().some((r) => r.service === "dynamodb" && r.operation === "PutItem")).toBe(true)
      first.child.kill("SIGTERM")
      second.child.kill("SIGTERM")
      expect(await Promise.all([first.exited, second.exited])).toEqual([0, 0])
    } finally {
      await sandbox.stop()
    }
  })

  it("keeps delivery ids in memory beside SQLite, and says so", async () => {
    const server = startForeground(["intake", "serve", "--store", path.join(tmp, "memory.db"), "--port", "0", "--json"], "\n}\n", { GITHUB_WEBHOOK_SECRET: SECRET, MIYABI_REPLAY_STORE: "" })
    expect(JSON.parse(await server.ready)).toMatchObject({ replayStore: "memory" })
    const wrong = miyabi(["intake", "serve", "--store", path.join(tmp, "memory.db"), "--port", "0"], { GITHUB_WEBHOOK_SECRET: SECRET, MIYABI_REPLAY_STORE: "dynamodb" })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(/^miyabi: env MIYABI_REPLAY_STORE: .*needs an aws: store/)
  })
})
