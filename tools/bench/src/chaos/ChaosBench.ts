/**
 * The chaos run of the AWS queue, full size: 2,000 tasks on the sandbox's
 * SQS + dynalite, 4 worker processes SIGKILLed at random and restarted, 10 %
 * of SQS requests throttled and 2 % answered with 5xx. Prints the outcome:
 * every task completed exactly once by its record, none lost, the designed
 * failures Failed, and the SQS dead-letter queue holding only the poison
 * messages. Exits 1 when any of that does not hold.
 *
 *   npm run bench:chaos -w @miyabi/bench [-- --tasks 2000 --workers 4 --kills 12]
 *
 * The scenario itself (settings, tasks, poison, faults, when it is over) is
 * packages/queue/test/aws/ChaosScenario.ts, shared with the CI-sized test.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { QueueStore, TaskQueue, type AwsTaskQueueShape } from "@miyabi/queue"
import { startSandbox } from "@miyabi/sandbox"
import type { Task } from "@miyabi/types"
import { Context, Effect, Layer } from "effect"
// The scenario the queue's chaos test runs at CI size, from the queue's tests (as is the chaos-worker.ts
// this bench spawns): `@miyabi/queue/testing/chaos` exists only under the workspace's source condition.
import { chaosEnv, enqueueChaos, isDesignedFailure, prng, progress, sendPoison, sqsFaults } from "@miyabi/queue/testing/chaos"

const arg = (name: string, fallback: number): number => {
  const at = process.argv.indexOf(`--${name}`)
  const value = at < 0 ? undefined : Number(process.argv[at + 1])
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback
}

const TASKS = arg("tasks", 2_000)
const WORKERS = arg("workers", 4)
const KILLS = arg("kills", 12)
const DESIGNED_EVERY = 40
const POISON = 5
const PREFIX = "chaos-bench"
const TIMEOUT_MS = arg("timeout-s", 900) * 1_000

interface Worker {
  readonly process: ChildProcess
  readonly started: Promise<void>
  readonly exited: Promise<void>
  readonly completions: Map<string, number>
}

// The same worker process the queue's chaos test SIGKILLs (kind "chaos"), here with 8 slots and a 3 s lease.
const workerScript = fileURLToPath(new URL("../../../../packages/queue/test/aws/chaos-worker.ts", import.meta.url))

const startWorker = (id: string): Worker => {
  const child = spawn(process.execPath, ["--conditions=@miyabi/source", "--import", "tsx", workerScript, id, "8", "3000"], {
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NODE_NO_WARNINGS: "1" }
  })
  const completions = new Map<string, number>()
  let markStarted: () => void = () => undefined
  const started = new Promise<void>((resolve) => (markStarted = resolve))
  createInterface({ input: child.stdout! }).on("line", (line) => {
    if (!line.startsWith("{")) return
    const log = JSON.parse(line) as { message?: string; taskId?: string }
    if (log.message?.startsWith("worker started") === true) markStarted()
    if (log.message === "task completed" && log.taskId !== undefined) completions.set(log.taskId, (completions.get(log.taskId) ?? 0) + 1)
  })
  const exited = new Promise<void>((resolve) => child.on("exit", () => (markStarted(), resolve())))
  return { process: child, started, exited, completions }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const withQueue = <A>(use: (queue: AwsTaskQueueShape) => Effect.Effect<A, unknown>): Promise<A> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const context = yield* Layer.build(QueueStore.layerFromStore({ _tag: "Aws", settings: { prefix: PREFIX, provision: true } }))
        // The AWS store provides the AwsTaskQueue implementation under the TaskQueue tag.
        return yield* use(Context.get(context, TaskQueue) as AwsTaskQueueShape)
      })
    )
  )

const main = async () => {
  const sandbox = await startSandbox({})
  const workers: Array<Worker> = []
  const began = Date.now()
  try {
    Object.assign(process.env, sandbox.env, chaosEnv(PREFIX), { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" })
    const random = prng(2_000)
    const enqueued = await withQueue((queue) =>
      enqueueChaos(queue, { count: TASKS, random, ms: { min: 20, spread: 200 }, failEvery: DESIGNED_EVERY, highEvery: 3, concurrency: 32 }).pipe(
        Effect.map((tasks) => ({ tasks, resources: queue.resources }))
      )
    )
    const sqs = new SQSClient({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.credentials })
    const poison = await sendPoison(sqs, enqueued.resources.standardUrl, POISON)
    console.log(`enqueued ${TASKS} tasks and ${POISON} poison messages in ${((Date.now() - began) / 1000).toFixed(1)} s`)

    sandbox.faults.set(sqsFaults(11))
    let spawned = 0
    const live = Array.from({ length: WORKERS }, () => {
      const worker = startWorker(`w${spawned++}`)
      workers.push(worker)
      return worker
    })
    await Promise.all(live.map((w) => w.started))
    const designed = new Set(enqueued.tasks.filter(isDesignedFailure).map((t) => t.id))
    let kills = 0
    let last = ""
    const deadline = Date.now() + TIMEOUT_MS
    for (;;) {
      const done = await withQueue((queue) =>
        progress(queue, TASKS, POISON).pipe(
          Effect.map(({ stats, lanes, done }) => {
            last = `completed ${stats.completed}, failed ${stats.failed}, lanes high ${lanes.high.visible}/${lanes.high.inFlight}, standard ${lanes.standard.visible}/${lanes.standard.inFlight}, dlq ${lanes.deadLetter.visible + lanes.deadLetter.inFlight}`
            return done
          })
        )
      )
      console.log(`${((Date.now() - began) / 1000).toFixed(0)} s: ${last}`)
      if (done || Date.now() > deadline) break
      if (kills < KILLS) {
        const victim = Math.floor(random() * live.length)
        live[victim]?.process.kill("SIGKILL")
        kills++
        const replacement = startWorker(`w${spawned++}`)
        workers.push(replacement)
        live[victim] = replacement
      }
      await sleep(2_000 + Math.floor(random() * 3_000))
    }
    sandbox.faults.reset()
    for (const worker of live) worker.process.kill("SIGTERM")
    await Promise.all(live.map((w) => w.exited))

    const finished: ReadonlyArray<Task> = await withQueue((queue) => Effect.forEach(enqueued.tasks, (task) => queue.get(task.id), { concurrency: 32 }))
    const completed = finished.filter((t) => t.status === "Completed")
    const failed = finished.filter((t) => t.status === "Failed")
    const unexpectedFailures = failed.filter((t) => !designed.has(t.id))
    const lost = finished.filter((t) => t.status !== "Completed" && t.status !== "Failed")
    const reported = new Map<string, number>()
    for (const worker of workers) for (const [id, n] of worker.completions) reported.set(id, (reported.get(id) ?? 0) + n)
    const twice = [...reported.entries()].filter(([, n]) => n > 1)
    sandbox.clock.advance(3_601_000)
    const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: enqueued.resources.deadLetterUrl, MaxNumberOfMessages: 10 }))
    const deadBodies = (dead.Messages ?? []).map((m) => m.Body ?? "").sort()
    sqs.destroy()
    const ok =
      completed.length === TASKS - designed.size && unexpectedFailures.length === 0 && lost.length === 0 && twice.length === 0 && JSON.stringify(deadBodies) === JSON.stringify(poison)
    console.log(
      [
        `chaos: ${TASKS} tasks, ${spawned} worker processes (${kills} SIGKILLed), 10 % SQS throttling + 2 % 5xx, ${((Date.now() - began) / 1000).toFixed(1)} s`,
        `  completed ${completed.length} (expected ${TASKS - designed.size}), designed failures ${failed.length - unexpectedFailures.length}/${designed.size}, unexpected failures ${unexpectedFailures.length}, lost ${lost.length}`,
        `  attempts ${finished.reduce((n, t) => n + t.attempts, 0)} for ${TASKS} tasks; completions reported by workers ${reported.size}, reported twice ${twice.length}`,
        `  dead-letter queue: ${deadBodies.length} messages, ${JSON.stringify(deadBodies) === JSON.stringify(poison) ? "exactly the poison messages" : `UNEXPECTED: ${deadBodies.join(", ")}`}`,
        `  outcome: ${ok ? "OK" : "FAILED"}`
      ].join("\n")
    )
    process.exitCode = ok ? 0 : 1
  } finally {
    for (const worker of workers) worker.process.kill("SIGKILL")
    await sandbox.stop()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
