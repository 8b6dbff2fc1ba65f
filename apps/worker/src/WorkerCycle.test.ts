/**
 * The built worker runs an `aws-cycle` task: a dry-run cycle θ1..θ6 over a
 * tiny sandbox estate this test starts, its six phases kept in the same
 * SQLite file as the task, and its deployment record too (so another worker
 * task could resume it), nothing changed in the sandbox.
 */
import { Cycle, Deployment } from "@miyabi/aws-agent"
import { SqliteTaskQueue, TaskQueue } from "@miyabi/queue"
import { type RunningSandbox, type SandboxEstate, sandboxEstate, startSandbox } from "@miyabi/sandbox"
import { DeploymentId, EnqueueRequest, TaskKind, type TaskId } from "@miyabi/types"
import { Effect, Option } from "effect"
import type { ChildProcess } from "node:child_process"
import { builtWorkerMain, startBuiltWorker } from "./BuiltWorker.testkit.js"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-worker-cycle-"))
const db = path.join(tmp, "miyabi.db")

let sandbox: RunningSandbox<SandboxEstate>
let child: ChildProcess | undefined

beforeAll(async () => {
  if (!fs.existsSync(builtWorkerMain)) throw new Error(`${builtWorkerMain} is missing: build the worker first (npx nx run @miyabi/worker:build)`)
  sandbox = await startSandbox({ host: "127.0.0.1", port: 0, dynamodb: false, estate: sandboxEstate({ seed: 7, size: "tiny", asOf: Math.floor(Date.now() / 3_600_000) * 3_600_000 }) })
})
afterAll(async () => {
  if (child !== undefined && child.exitCode === null) child.kill("SIGKILL")
  await sandbox?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

const onQueue = <A, E>(effect: Effect.Effect<A, E, TaskQueue>): Promise<A> => Effect.runPromise(Effect.scoped(Effect.provide(effect, SqliteTaskQueue.layer(db, { createDirectory: true }))))

describe("miyabi-worker runs aws-cycle (built)", () => {
  it("completes a dry-run cycle and keeps its phases beside the task", async () => {
    const payload = { cycleId: "worker-cycle-1", regions: [...sandbox.estate.data.regions], services: ["ec2", "s3", "rds", "lambda", "ecs"], watchSeconds: 0 }
    const id: TaskId = await onQueue(
      Effect.flatMap(TaskQueue, (queue) => queue.enqueue(EnqueueRequest.make({ kind: TaskKind.make(Cycle.AgentCycleTask.kind), payload }))).pipe(Effect.map((r) => r.task.id))
    )
    const started = startBuiltWorker({ ...sandbox.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true", MIYABI_STORE: `sqlite:${db}` })
    const worker = started.process
    child = worker
    const exited = started.exited

    // Bounded: at most 120 s of 250 ms polls of the task record.
    let status = "Pending"
    for (let i = 0; i < 480 && status !== "Completed" && status !== "Failed" && worker.exitCode === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      status = (await onQueue(Effect.flatMap(TaskQueue, (queue) => queue.get(id)))).status
    }
    expect(status, started.stderr()).toBe("Completed")
    const task = await onQueue(Effect.flatMap(TaskQueue, (queue) => queue.get(id)))
    expect(task.result).toMatchObject({ cycleId: "worker-cycle-1", deployment: { mode: "dry-run" }, verdict: null })
    expect(sandbox.log.changes()).toEqual([])

    const stored = await Effect.runPromise(
      Effect.scoped(Effect.flatMap(Cycle.CycleStore.CycleStore, (store) => store.history())).pipe(Effect.provide(Cycle.CycleStore.layerSqlite(db)))
    )
    expect(stored.map((c) => [c.cycleId, c.phases])).toEqual([["worker-cycle-1", ["discover", "plan", "deploy", "monitor", "rediscover", "learn"]]])

    const deployment = await Effect.runPromise(
      Effect.scoped(Effect.flatMap(Deployment.DeploymentStore.DeploymentStore, (store) => store.load(DeploymentId.make("worker-cycle-1-deploy")))).pipe(
        Effect.provide(Deployment.DeploymentStore.layerSqlite(db))
      )
    )
    expect(Option.map(deployment, (d) => d.record.status)).toEqual(Option.some("dry-run"))
    // The task's result counts what the record holds: changes skipped, and of them those recorded without a before-state (not read).
    const executions = Option.getOrThrow(deployment).record.executions
    expect(task.result).toMatchObject({
      deployment: { skipped: executions.filter((e) => e.status === "skipped").length, notRead: executions.filter((e) => e.before === undefined).length }
    })
    expect(fs.readdirSync(tmp)).not.toContain("deployments")

    worker.kill("SIGTERM")
    expect(await exited).toBe(0)
  }, 150_000)
})
