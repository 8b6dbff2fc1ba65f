/**
 * The built worker runs an `aws-cycle` task on MIYABI_STORE=aws: : the task
 * on SQS + DynamoDB, the cycle's phases and its deployment record in the
 * cycles table MIYABI_CYCLE_TABLE (dynalite of a sandbox this test starts,
 * with a tiny seeded estate to discover). No folder is involved, so another
 * worker task could resume the deployment.
 */
import { Cycle, Deployment, DynamoCycleStore, DynamoDeploymentStore } from "@miyabi/aws-agent"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { QueueStore, TaskQueue } from "@miyabi/queue"
import { Sandbox, sandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import { DeploymentId, EnqueueRequest, TaskKind } from "@miyabi/types"
import { Context, Effect, Layer, Option } from "effect"
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import { fileURLToPath } from "node:url"
import { describe, expect, it } from "vitest"

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url))
const prefix = "worker-cycle-aws"
const tableName = `${prefix}-cycles`

const program = Effect.gen(function* () {
  if (!fs.existsSync(main)) return yield* Effect.die(new Error(`${main} is missing: build the worker first (npx nx run @miyabi/worker:build)`))
  const sandbox = yield* Sandbox.start({ estate: sandboxEstate({ seed: 7, size: "tiny", asOf: Math.floor(Date.now() / 3_600_000) * 3_600_000 }) })
  yield* useSandboxEnv(sandbox, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" })
  const runtime = AwsRuntime.layer({ region: sandbox.region })
  // On AWS the infrastructure stack creates the cycles table; here the cycle store provisions it.
  yield* Layer.build(DynamoCycleStore.layer({ tableName, provision: true }).pipe(Layer.provide(runtime)))
  const queue = yield* Effect.map(Layer.build(QueueStore.layerFromStore({ _tag: "Aws", settings: { prefix, provision: true } })), (context) => Context.get(context, TaskQueue))

  const payload = { cycleId: "aws-cycle-1", regions: [...sandbox.estate.data.regions], services: ["ec2", "s3", "rds", "lambda", "ecs"], watchSeconds: 0 }
  const { task } = yield* queue.enqueue(EnqueueRequest.make({ kind: TaskKind.make(Cycle.AgentCycleTask.kind), payload }))
  const stderr: Array<string> = []
  const worker = yield* Effect.acquireRelease(
    Effect.sync(() =>
      spawn(process.execPath, [main], {
        env: { ...process.env, MIYABI_STORE: `aws:prefix=${prefix}`, MIYABI_CYCLE_TABLE: tableName, MIYABI_HTTP_HOST: "127.0.0.1", MIYABI_HTTP_PORT: "0" },
        stdio: ["ignore", "ignore", "pipe"]
      }).on("error", (error) => stderr.push(String(error)))
    ),
    (child) => Effect.sync(() => (child.exitCode === null ? child.kill("SIGKILL") : true))
  )
  worker.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()))
  const exited = new Promise<number | null>((resolve) => worker.once("exit", resolve))

  // At most 480 polls 250 ms apart (2 minutes), fewer when the worker dies.
  const settled = yield* queue.get(task.id).pipe(
    Effect.delay("250 millis"),
    Effect.repeat({ until: (t) => t.status === "Completed" || t.status === "Failed" || worker.exitCode !== null, times: 480 })
  )
  expect(settled.status, stderr.join("")).toBe("Completed")
  // A dry run: nothing of the estate changed (the only writes are the state store's own, on SQS and DynamoDB).
  expect(sandbox.log.changes().filter((c) => c.service !== "dynamodb" && c.service !== "sqs")).toEqual([])

  const stores = Layer.merge(DynamoCycleStore.layer({ tableName }), DynamoDeploymentStore.layer({ tableName })).pipe(Layer.provide(runtime))
  const [history, deployment, deployments] = yield* Effect.all([
    Effect.flatMap(Cycle.CycleStore.CycleStore, (store) => store.history()),
    Effect.flatMap(Deployment.DeploymentStore.DeploymentStore, (store) => store.load(DeploymentId.make("aws-cycle-1-deploy"))),
    Effect.flatMap(Deployment.DeploymentStore.DeploymentStore, (store) => store.list)
  ]).pipe(Effect.provide(stores))
  expect(history.map((c) => [c.cycleId, c.phases.length])).toEqual([["aws-cycle-1", 6]])
  expect(Option.map(deployment, (d) => [d.record.status, d.record.cycleId])).toEqual(Option.some(["dry-run", "aws-cycle-1"]))
  expect(deployments).toEqual(["aws-cycle-1-deploy"])

  worker.kill("SIGTERM")
  expect(yield* Effect.promise(() => exited)).toBe(0)
})

describe("miyabi-worker runs aws-cycle on MIYABI_STORE=aws: (built)", () => {
  it("keeps the cycle and its deployment record in the cycles table, the deployment out of cycle history", () => Effect.runPromise(Effect.scoped(program)), 150_000)
})
