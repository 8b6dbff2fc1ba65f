/**
 * The built webhook bundle (dist/webhook/index.mjs, the Lambda asset) run in
 * a child node process, as Lambda would load it, against the sandbox's SQS
 * and dynalite: a signed labeled issue is accepted and lands on a queue, its
 * replay (in the same container and in another) and a forged delivery are
 * refused, a GET is not allowed.
 */
import { GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from "@aws-sdk/client-sqs"
import { Intake } from "@miyabi/queue"
import { issuesPayload } from "@miyabi/queue/testing/intake"
import { type RunningSandbox, startSandbox } from "@miyabi/sandbox"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { provisionOnlyActions, webhookQueueActions, webhookReplayActions, webhookTableActions } from "../config/Permissions.js"
import { webhookCodeDirectory } from "../testing/Paths.js"

const SECRET = "webhook-test-secret"
const PREFIX = "e2e"

const issuePayload = issuesPayload({ label: "miyabi" })

const event = (body: string, delivery: string, signature: string) => ({
  requestContext: { http: { method: "POST" } },
  headers: { "content-type": "application/json", "x-github-event": "issues", "x-github-delivery": delivery, "x-hub-signature-256": signature },
  body,
  isBase64Encoded: false
})

/** Loads the bundle in a fresh node process and runs the events through its handler, one after the other. */
const runBundle = (events: ReadonlyArray<unknown>, env: Record<string, string>): Promise<ReadonlyArray<{ statusCode: number; body: string }>> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-webhook-"))
  const input = path.join(dir, "events.json")
  fs.writeFileSync(input, JSON.stringify(events))
  const script = [
    `const { handler } = await import(${JSON.stringify(path.join(webhookCodeDirectory, "index.mjs"))});`,
    `const events = JSON.parse((await import("node:fs")).readFileSync(${JSON.stringify(input)}, "utf8"));`,
    "const out = []; for (const e of events) out.push(await handler(e));",
    // The runtime keeps its HTTP connections alive (as Lambda wants): exit once the answers are out.
    "process.stdout.write(JSON.stringify(out), () => process.exit(0));"
  ].join("\n")
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--input-type=module", "-e", script], { env, timeout: 25_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      fs.rmSync(dir, { recursive: true, force: true })
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`))
      else resolve(JSON.parse(stdout) as ReadonlyArray<{ statusCode: number; body: string }>)
    })
  })
}

let sandbox: RunningSandbox

beforeAll(async () => {
  sandbox = await startSandbox({})
}, 120_000)
afterAll(() => sandbox.stop())

describe("webhook bundle", () => {
  it("accepts a signed labeled issue into the queue, refuses its replay (in this container and another), a forgery and a GET", async () => {
    const env: Record<string, string> = {
      PATH: process.env["PATH"] ?? "",
      ...sandbox.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      GITHUB_WEBHOOK_SECRET: SECRET,
      MIYABI_QUEUE_PREFIX: PREFIX,
      // The stack passes URLs of the queues it created; here the queue creates its own in the sandbox.
      MIYABI_QUEUE_PROVISION: "true"
    }
    const signed = Intake.sign(SECRET, issuePayload)
    const results = await runBundle(
      [
        event(issuePayload, "delivery-1", signed),
        event(issuePayload, "delivery-1", signed),
        event(issuePayload, "delivery-2", Intake.sign("not the secret", issuePayload)),
        { requestContext: { http: { method: "GET" } }, headers: {}, body: "" }
      ],
      env
    )
    expect(results.map((r) => r.statusCode)).toEqual([202, 409, 401, 405])
    expect(JSON.parse(results[0]!.body)).toMatchObject({ status: "accepted", taskId: expect.any(String) })

    // Another container (a fresh process): the replay is refused by the DynamoDB replay store, before the queue.
    const [again] = await runBundle([event(issuePayload, "delivery-1", signed)], env)
    expect(again?.statusCode).toBe(409)
    expect(JSON.parse(again!.body)).toEqual({ status: "rejected", reason: "delivery delivery-1 was already received" })

    // Every AWS call the bundle made, but for provisioning, is one its deployed role allows.
    const called = new Set(sandbox.log.requests().map((r) => `${r.service}:${r.operation}`))
    expect(called).toContain("sqs:SendMessage")
    expect(called).toContain("dynamodb:PutItem")
    const granted = new Set([...webhookQueueActions, ...webhookTableActions, ...webhookReplayActions, ...provisionOnlyActions])
    for (const action of called) expect(granted.has(action), `${action} is not granted to the webhook`).toBe(true)

    const sqs = new SQSClient({
      endpoint: sandbox.env["AWS_ENDPOINT_URL"]!,
      region: sandbox.env["AWS_REGION"]!,
      credentials: { accessKeyId: sandbox.env["AWS_ACCESS_KEY_ID"]!, secretAccessKey: sandbox.env["AWS_SECRET_ACCESS_KEY"]! }
    })
    try {
      let visible = 0
      for (const lane of ["high", "standard"]) {
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: `${PREFIX}-${lane}` }))
        const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }))
        visible += Number(Attributes?.["ApproximateNumberOfMessages"] ?? 0)
      }
      expect(visible).toBe(1)
    } finally {
      sqs.destroy()
    }
  })
})
