/**
 * The built worker on MIYABI_STORE=aws:... : SQS + DynamoDB (dynalite) of a
 * sandbox started by the test. The task is enqueued in-process through the
 * same adapter; the worker (a child process with the sandbox's AWS_*
 * variables) completes it and exits 0 on SIGTERM.
 */
import { Echo, QueueStore, TaskQueue } from "@miyabi/queue"
import { type RunningSandbox, startSandbox } from "@miyabi/sandbox"
import { EnqueueRequest, type TaskId } from "@miyabi/types"
import { Effect } from "effect"
import type { ChildProcess } from "node:child_process"
import { builtWorkerMain, startBuiltWorker } from "./BuiltWorker.testkit.js"
import * as fs from "node:fs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const PREFIX = "worker-aws-test"
const AWS_KEYS = ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] as const

let sandbox: RunningSandbox
let child: ChildProcess | undefined
const saved = new Map<string, string | undefined>()

beforeAll(async () => {
  if (!fs.existsSync(builtWorkerMain)) throw new Error(`${builtWorkerMain} is missing: build the worker first (npx nx run @miyabi/worker:build)`)
  sandbox = await startSandbox()
  // The SDK reads its endpoint and keys from the environment; this test file's process points it at the sandbox.
  const env: Record<string, string> = { ...sandbox.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }
  for (const key of AWS_KEYS) {
    saved.set(key, process.env[key])
    process.env[key] = env[key]
  }
})
afterAll(async () => {
  if (child !== undefined && child.exitCode === null) child.kill("SIGKILL")
  for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  await sandbox?.stop()
})

const onQueue = <A, E>(effect: Effect.Effect<A, E, TaskQueue>): Promise<A> =>
  Effect.runPromise(Effect.scoped(Effect.provide(effect, QueueStore.layerFromStore({ _tag: "Aws", settings: { prefix: PREFIX, provision: true } }))))

describe("miyabi-worker on MIYABI_STORE=aws: (built)", () => {
  it("completes a task from SQS + DynamoDB and exits 0 on SIGTERM", async () => {
    const id: TaskId = await onQueue(
      Effect.flatMap(TaskQueue, (queue) => queue.enqueue(EnqueueRequest.make({ kind: Echo.kind, payload: { message: "from sqs" } }))).pipe(Effect.map((result) => result.task.id))
    )
    const started = startBuiltWorker({ MIYABI_STORE: `aws:prefix=${PREFIX}`, MIYABI_CONCURRENCY: "2" })
    const worker = started.process
    child = worker
    const exited = started.exited

    // Bounded: at most 30 s of 100 ms polls of the task record.
    let status = "Pending"
    for (let i = 0; i < 300 && status !== "Completed" && worker.exitCode === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      status = (await onQueue(Effect.flatMap(TaskQueue, (queue) => queue.get(id)))).status
    }
    expect(status, started.stderr()).toBe("Completed")
    const task = await onQueue(Effect.flatMap(TaskQueue, (queue) => queue.get(id)))
    expect(task).toMatchObject({ status: "Completed", attempts: 1, result: { echo: "from sqs" } })

    worker.kill("SIGTERM")
    expect(await exited).toBe(0)
    expect(started.stderr()).not.toContain("miyabi-worker:")
  })
})
