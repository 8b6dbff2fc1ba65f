/**
 * A benchmark worker on BullMQ: one Worker with concurrency 1 and a no-op
 * processor. argv: <redis port> <queue name>
 */
import { createInterface } from "node:readline"
import { Worker } from "bullmq"

const [port = "6379", queueName = "bench"] = process.argv.slice(2)

const worker = new Worker(queueName, async () => undefined, {
  connection: { host: "127.0.0.1", port: Number(port), maxRetriesPerRequest: null },
  concurrency: 1,
  autorun: false
})
let done = 0
let lastAt = 0
let cpu0 = process.cpuUsage()
worker.on("completed", () => {
  done++
  lastAt = Date.now()
})

const main = async () => {
  await worker.waitUntilReady()
  createInterface({ input: process.stdin }).on("line", (line) => {
    if (line === "go") {
      cpu0 = process.cpuUsage()
      void worker.run()
    }
    if (line === "stop") {
      const cpu = process.cpuUsage(cpu0)
      void worker.close().then(() => {
        console.log(JSON.stringify({ done, lastAt, cpuMs: (cpu.user + cpu.system) / 1_000 }))
        process.exit(0)
      })
    }
  })
  console.log("ready")
}

main().catch((error: unknown) => {
  console.error(String(error))
  process.exit(1)
})
