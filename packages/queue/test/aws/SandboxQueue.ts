/**
 * The AWS queue against a sandbox started in the test's scope: SQS served by
 * the sandbox, DynamoDB by dynalite behind it, real SDK clients over
 * loopback. The sandbox's endpoint and keys are put in the environment for
 * the scope (the SDK reads AWS_ENDPOINT_URL when a client is built).
 */
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, type SandboxOptions, useSandboxEnv } from "@miyabi/sandbox"
import { Context, Duration, Effect, Layer } from "effect"
import type { BackoffPolicy } from "../../src/Backoff.js"
import type { AwsTaskQueueShape } from "../../src/aws/AwsTaskQueue.js"
import { awsLayer } from "../../src/aws/QueueStore.js"
import { TaskQueue } from "../../src/TaskQueue.js"


export const runtimeSettings = {
  region: "us-east-1",
  retryBaseDelay: Duration.millis(5),
  retryMaxDelay: Duration.millis(50),
  rateLimits: { sqs: { perSecond: 5_000, burst: 5_000 }, dynamodb: { perSecond: 5_000, burst: 5_000 } }
}

export interface SandboxQueueOptions {
  readonly sandbox?: SandboxOptions
  readonly backoff?: BackoffPolicy
  readonly maxAttempts?: number
  readonly prefix?: string
  /** TTL of task log items (the store's default is 30 days). */
  readonly logRetention?: Duration.Duration
}

/** Starts a sandbox, provisions the queue's resources and returns the queue (all released with the scope). */
export const sandboxQueue = (options: SandboxQueueOptions = {}) =>
  Effect.gen(function* () {
    const sandbox = yield* Sandbox.start(options.sandbox ?? {})
    yield* useSandboxEnv(sandbox)
    const runtime = AwsRuntime.layer({ ...runtimeSettings, ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }) })
    const context = yield* Layer.build(
      awsLayer(
        { prefix: options.prefix ?? "test", provision: true, ...(options.logRetention === undefined ? {} : { logRetention: options.logRetention }) },
        options.backoff === undefined ? {} : { backoff: options.backoff }
      ).pipe(Layer.provide(runtime))
    )
    // awsLayer provides the AwsTaskQueue implementation under the TaskQueue tag.
    const queue = Context.get(context, TaskQueue) as AwsTaskQueueShape
    return { sandbox, queue }
  })
