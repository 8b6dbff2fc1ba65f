/**
 * Chaos, sized for CI: 200 tasks on the AWS queue (sandbox SQS + dynalite),
 * 3 worker processes (test/aws/chaos-worker.ts) SIGKILLed at random and
 * restarted, 10 % of SQS requests throttled and 2 % failed with 5xx. Asserted: every
 * task ends as designed by its record (Completed, or Failed for the 10
 * designed failures), no task was reported completed twice, nothing is left
 * in the lanes, and the SQS dead-letter queue holds exactly the poison
 * messages. The full-size run is tools/bench/src/chaos (npm run bench:chaos).
 */
import { ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs"
import { afterAll, describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { startSandbox, type RunningSandbox } from "@miyabi/sandbox"
import { Context, Effect, Layer, Logger, LogLevel } from "effect"
import type { AwsTaskQueueShape } from "../../src/aws/AwsTaskQueue.js"
import { awsLayer } from "../../src/aws/QueueStore.js"
import { TaskQueue } from "../../src/TaskQueue.js"
import { startChild, type Child } from "../fixtures/Child.js"
import { chaosEnv, enqueueChaos, isDesignedFailure, prng, progress, sendPoison, sqsFaults } from "./ChaosScenario.js"
import { runtimeSettings } from "./SandboxQueue.js"

const TASKS = 200
const DESIGNED_FAILURES = 10
const POISON = 3
const WORKERS = 3
const KILLS = 4
const PREFIX = "chaos"

const saved = { ...process.env }
afterAll(() => {
  for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
  Object.assign(process.env, saved)
})

const withQueue = <A>(use: (queue: AwsTaskQueueShape) => Effect.Effect<A, unknown>): Promise<A> =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const context = yield* Layer.build(awsLayer({ prefix: PREFIX, provision: true }).pipe(Layer.provide(AwsRuntime.layer(runtimeSettings))))
        return yield* use(Context.get(context, TaskQueue) as AwsTaskQueueShape)
      })
    ).pipe(Logger.withMinimumLogLevel(LogLevel.Warning))
  )

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Polls `check` every 500 ms until it holds, for at most `timeoutMs`. */
const eventually = async (what: string, check: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await sleep(500)
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`)
}

interface LogLine {
  readonly message?: string
  readonly taskId?: string
}

const completions = (children: ReadonlyArray<Child>): Map<string, number> => {
  const counts = new Map<string, number>()
  for (const child of children) {
    for (const line of child.lines) {
      if (!line.startsWith("{")) continue
      const log = JSON.parse(line) as LogLine
      if (log.message === "task completed" && log.taskId !== undefined) counts.set(log.taskId, (counts.get(log.taskId) ?? 0) + 1)
    }
  }
  return counts
}

describe("AwsTaskQueue under chaos", () => {
  it("completes every task exactly once through kills and throttling; the dead-letter queue holds only poison", async () => {
    const sandbox: RunningSandbox = await startSandbox({})
    const children: Array<Child> = []
    try {
      Object.assign(process.env, sandbox.env, chaosEnv(PREFIX))
      const random = prng(20_261_127)
      const tasks = await withQueue((queue) =>
        enqueueChaos(queue, { count: TASKS, random, ms: { min: 10, spread: 50 }, failEvery: TASKS / DESIGNED_FAILURES, highEvery: 2, concurrency: 16 }).pipe(
          Effect.map((all) => ({ all, standardUrl: queue.resources.standardUrl, deadLetterUrl: queue.resources.deadLetterUrl }))
        )
      )
      const sqs = new SQSClient({ region: sandbox.region, endpoint: sandbox.endpoint, credentials: sandbox.credentials })
      const poison = await sendPoison(sqs, tasks.standardUrl, POISON)

      sandbox.faults.set(sqsFaults(7))
      let spawned = 0
      const spawn = () => {
        const child = startChild("../aws/chaos-worker.ts", [`w${spawned++}`, "4", "2000"])
        children.push(child)
        return child
      }
      // Kills land on workers that are running (a child takes seconds to start on a busy
      // machine); replacements start in the background while the others work.
      const live = Array.from({ length: WORKERS }, spawn)
      const started = new Set<Child>()
      for (const child of live) void child.waitForLine((line) => line.includes("worker started"), 120_000).then(() => started.add(child), () => undefined)
      for (let kill = 0; kill < KILLS; kill++) {
        await sleep(500 + Math.floor(random() * 1_000))
        await eventually("a running worker to kill", async () => live.some((child) => started.has(child)), 120_000)
        const candidates = live.flatMap((child, i) => (started.has(child) ? [i] : []))
        const victim = candidates[Math.floor(random() * candidates.length)] ?? 0
        live[victim]?.process.kill("SIGKILL")
        const replacement = spawn()
        live[victim] = replacement
        void replacement.waitForLine((line) => line.includes("worker started"), 120_000).then(() => started.add(replacement), () => undefined)
      }

      let last = ""
      const designed = tasks.all.filter(isDesignedFailure).map((task) => task.id)
      await eventually(
        "every record finished, the lanes empty and the poison in the dead-letter queue",
        () =>
          withQueue((queue) =>
            progress(queue, TASKS, POISON).pipe(
              Effect.tap(({ stats, lanes }) => Effect.sync(() => (last = JSON.stringify({ stats, lanes })))),
              Effect.map(({ done }) => done)
            )
          ),
        240_000
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}; last: ${last}; worker output: ${children.map((c) => c.stderr().slice(-300) + c.lines.slice(-3).join("\n")).join(" | ")}`)
      })
      sandbox.faults.reset()
      for (const child of live) child.process.kill("SIGTERM")
      await Promise.all(live.map((child) => child.exited))

      const finished = await withQueue((queue) => Effect.forEach(tasks.all, (task) => queue.get(task.id), { concurrency: 16 }))
      const failed = finished.filter((task) => task.status === "Failed")
      expect(failed.map((task) => task.id).sort()).toEqual([...designed].sort())
      expect(failed.every((task) => task.lastError?.message.startsWith("designed failure") === true)).toBe(true)
      expect(finished.filter((task) => task.status === "Completed")).toHaveLength(TASKS - DESIGNED_FAILURES)
      // A worker killed after the record update and before its log line reports nothing; none reports twice.
      const reported = completions(children)
      expect([...reported.values()].every((n) => n === 1)).toBe(true)
      expect(reported.size).toBeGreaterThan((TASKS - DESIGNED_FAILURES) * 0.8)
      // Poison a reconciliation looked at is hidden for an hour: look past that.
      sandbox.clock.advance(3_601_000)
      const dead = await sqs.send(new ReceiveMessageCommand({ QueueUrl: tasks.deadLetterUrl, MaxNumberOfMessages: 10 }))
      expect((dead.Messages ?? []).map((m) => m.Body).sort()).toEqual(poison)
      sqs.destroy()
      console.log(
        `chaos: ${TASKS} tasks, ${spawned} worker processes (${KILLS} SIGKILLed), ${finished.reduce((n, t) => n + t.attempts, 0)} attempts, ${reported.size} completions reported`
      )
    } finally {
      for (const child of children) child.process.kill("SIGKILL")
      await sandbox.stop()
    }
  }, 420_000)
})
