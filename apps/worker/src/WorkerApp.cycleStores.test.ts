/**
 * The built worker runs an `aws-cycle` task on MIYABI_STORE=aws:... : the
 * task on SQS + DynamoDB, the cycle's phases and its deployment record in
 * the cycles table MIYABI_CYCLE_TABLE (dynalite of a sandbox this test
 * starts, with a tiny seeded estate to discover). No folder is involved, so
 * another worker task could resume the deployment.
 */
import { Cycle, Deployment, DynamoCycleStore, DynamoDeploymentStore } from "@miyabi/aws-agent"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { QueueStore, TaskQueue } from "@miyabi/queue"
import { type RunningSandbox, type SandboxEstate, sandboxEstate, startSandbox } from "@miyabi/sandbox"
import { DeploymentId, EnqueueRequest, TaskKind, type TaskId } from "@miyabi/types"
import { Effect, Layer, Option } from "effect"
import { type ChildProcess, spawn } from "node:child_process"
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url))
const PREFIX = "worker-cycle-aws"
const TABLE = `${PREFIX}-cycles`
const AWS_KEYS = ["AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] as const

let sandbox: RunningSandbox<SandboxEstate>
let child: ChildProcess | undefined
const saved = new Map<string, string | undefined>()
const runtime = AwsRuntime.layer({ region: "us-east-1" })

beforeAll(async () => {
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build the worker first (npx nx run @miyabi/worker:build)`)
  sandbox = await startSandbox({ host: "127.0.0.1", port: 0, estate: sandboxEstate({ seed: 7, size: "tiny", asOf: Math.floor(Date.now() / 3_600_000) * 3_600_000 }) })
  const env: Record<string, string> = { ...sandbox.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" }
  for (const key of AWS_KEYS) {
    saved.set(key, process.env[key])
    process.env[key] = env[key]
  }
  // On AWS the infrastructure stack creates the cycles table; here the cycle store provisions it.
  await Effect.runPromise(Effect.scoped(Layer.build(DynamoCycleStore.layer({ tableName: TABLE, provision: true }).pipe(Layer.provide(runtime)))))
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

describe("miyabi-worker runs aws-cycle on MIYABI_STORE=aws: (built)", () => {
  it("keeps the cycle and its deployment record in the cycles table, the deployment out of cycle history", async () => {
    const payload = { cycleId: "aws-cycle-1", regions: [...sandbox.estate.data.regions], services: ["ec2", "s3", "rds", "lambda", "ecs"], watchSeconds: 0 }
    const id: TaskId = await onQueue(
      Effect.flatMap(TaskQueue, (queue) => queue.enqueue(EnqueueRequest.make({ kind: TaskKind.make(Cycle.AgentCycleTask.kind), payload }))).pipe(Effect.map((r) => r.task.id))
    )
    const worker = spawn(process.execPath, [main], {
      env: { ...process.env, MIYABI_STORE: `aws:prefix=${PREFIX}`, MIYABI_CYCLE_TABLE: TABLE, MIYABI_HTTP_HOST: "127.0.0.1", MIYABI_HTTP_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"]
    })
    child = worker
    let stderr = ""
    worker.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    const exited = new Promise<number | null>((resolve) => worker.once("exit", (code) => resolve(code)))

    // Bounded: at most 120 s of 250 ms polls of the task record.
    let status = "Pending"
    for (let i = 0; i < 480 && status !== "Completed" && status !== "Failed" && worker.exitCode === null; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250))
      status = (await onQueue(Effect.flatMap(TaskQueue, (queue) => queue.get(id)))).status
    }
    expect(status, stderr).toBe("Completed")
    // A dry run: nothing of the estate changed (the only writes are the state store's own, on SQS and DynamoDB).
    expect(sandbox.log.changes().filter((c) => c.service !== "dynamodb" && c.service !== "sqs")).toEqual([])

    const stores = Layer.merge(DynamoCycleStore.layer({ tableName: TABLE }), DynamoDeploymentStore.layer({ tableName: TABLE })).pipe(Layer.provide(runtime))
    const [history, deployment, deployments] = await Effect.runPromise(
      Effect.all([
        Effect.flatMap(Cycle.CycleStore.CycleStore, (store) => store.history()),
        Effect.flatMap(Deployment.DeploymentStore.DeploymentStore, (store) => store.load(DeploymentId.make("aws-cycle-1-deploy"))),
        Effect.flatMap(Deployment.DeploymentStore.DeploymentStore, (store) => store.list)
      ]).pipe(Effect.provide(stores))
    )
    expect(history.map((c) => [c.cycleId, c.phases.length])).toEqual([["aws-cycle-1", 6]])
    expect(Option.map(deployment, (d) => [d.record.status, d.record.cycleId])).toEqual(Option.some(["dry-run", "aws-cycle-1"]))
    expect(deployments).toEqual(["aws-cycle-1-deploy"])

    worker.kill("SIGTERM")
    expect(await exited).toBe(0)
  }, 150_000)
})
