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
import { assertBuilt, miyabi, startForeground, stopAll } from "../sandbox/testing/BuiltCli.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-intake-test-"))
beforeAll(assertBuilt)
afterEach(stopAll)
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const SECRET = "test-webhook-secret"

const issueEvent = (labels: ReadonlyArray<string>) =>
  JSON.stringify({
    action: "labeled",
    issue: {
      id: 1001,
      number: 42,
      title: "Right-size the idle RDS instances",
      html_url: "https://github.com/acme/infra/issues/42",
      state: "open",
      labels: labels.map((name, i) => ({ id: i + 1, name })),
      user: { login: "octocat" }
    },
    label: { id: 1, name: labels[0] ?? "" },
    repository: { id: 7, full_name: "acme/infra", owner: { login: "acme" } },
    sender: { login: "octocat" }
  })

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

    const body = issueEvent(["miyabi", "priority:high"])
    const accepted = await post(url, body, "delivery-1")
    expect(accepted.body.status).toBe("accepted")
    expect([200, 202]).toContain(accepted.status)
    expect((await post(url, body, "delivery-1")).body.status).not.toBe("accepted")
    expect(await post(url, body, "delivery-2", "not-the-secret")).toMatchObject({ status: 401, body: { status: "rejected" } })
    expect((await post(url, issueEvent(["bug"]), "delivery-3")).body.status).toBe("ignored")

    server.child.kill("SIGTERM")
    expect(await server.exited).toBe(0)

    const listed = JSON.parse(miyabi(["tasks", "list", "--store", store, "--json"]).stdout) as { tasks: Array<{ id: string; priority: string }> }
    expect(listed.tasks).toHaveLength(1)
    expect(listed.tasks[0]).toMatchObject({ id: accepted.body.taskId, priority: "high" })
  })
})
