/**
 * Requests per second the sandbox sustains through the real AWS SDK: a cheap
 * JSON 1.0 call (SQS GetQueueUrl) and a cheap query call (STS
 * GetCallerIdentity) at concurrency 1, 16 and 64, and the JSON call as raw
 * HTTP without the SDK (the server's own capacity). Client and sandbox share
 * this process (and the machine's cores), so the numbers are a floor for what
 * a separate sandbox process would serve. Bounded: each run stops after
 * `requests` calls or 5 s, and a watchdog ends the process after 2 minutes.
 *
 * Usage: npm run bench:sandbox -w @miyabi/bench [-- requests]   (default 3,000 per run)
 */
import { Agent, request } from "node:http"
import { GetQueueUrlCommand, SQSClient, CreateQueueCommand } from "@aws-sdk/client-sqs"
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts"
import { startSandbox } from "@miyabi/sandbox"
import { measure, type Measurement } from "./Measure.js"

const requests = Number(process.argv[2] ?? "3000")
const watchdog = setTimeout(() => {
  console.error("sandbox bench: watchdog fired after 120 s")
  process.exit(2)
}, 120_000)

const sandbox = await startSandbox({ dynamodb: false })
const httpAgent = new Agent({ keepAlive: true, maxSockets: 64 })
const common = { endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, maxAttempts: 1, requestHandler: { httpAgent } }
const sqs = new SQSClient(common)
const sts = new STSClient(common)
await sqs.send(new CreateQueueCommand({ QueueName: "bench" }))

// The same JSON call without the SDK: what the server alone sustains, to tell
// server capacity from client-side SDK cost (both share this process).
const authorization = `AWS4-HMAC-SHA256 Credential=${sandbox.credentials.accessKeyId}/20261127/${sandbox.region}/sqs/aws4_request, SignedHeaders=host, Signature=0`
const rawGetQueueUrl = () =>
  new Promise<void>((resolve, reject) => {
    const req = request(
      `${sandbox.endpoint}/`,
      { method: "POST", agent: httpAgent, headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.GetQueueUrl", authorization } },
      (res) => {
        res.resume()
        res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))))
      }
    )
    req.on("error", reject)
    req.end('{"QueueName":"bench"}')
  })

const ops: ReadonlyArray<readonly [string, () => Promise<unknown>]> = [
  ["SQS GetQueueUrl (JSON 1.0)", () => sqs.send(new GetQueueUrlCommand({ QueueName: "bench" }))],
  ["STS GetCallerIdentity (query)", () => sts.send(new GetCallerIdentityCommand({}))],
  ["GetQueueUrl raw HTTP, no SDK", rawGetQueueUrl]
]

console.log(`sandbox bench: ${requests} requests per run (or 5 s), client and server in one process, Node ${process.version}`)
console.log("operation                        conc   requests  errors   req/s   vs conc 1")
for (const [name, call] of ops) {
  await measure(call, { concurrency: 4, maxRequests: 200, maxMs: 2_000 }) // warm-up: JIT, sockets
  let first: Measurement | undefined
  for (const concurrency of [1, 16, 64]) {
    const m = await measure(call, { concurrency, maxRequests: requests, maxMs: 5_000 })
    first ??= m
    console.log(
      `${name.padEnd(32)} ${String(concurrency).padStart(4)} ${String(m.requests).padStart(10)} ${String(m.errors).padStart(7)} ${m.perSecond.toFixed(0).padStart(7)}   ${(m.perSecond / first.perSecond).toFixed(2)}x`
    )
  }
}
console.log(`requests logged by the sandbox: ${sandbox.log.requests().length} (bounded log)`)
httpAgent.destroy()
await sandbox.stop()
clearTimeout(watchdog)
