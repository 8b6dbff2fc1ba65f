/**
 * The chaos scenario of the AWS queue, shared by the CI-sized test
 * (AwsChaos.test.ts) and the full-size bench (tools/bench/src/chaos): the
 * settings every process reads, the tasks of kind "chaos" that
 * chaos-worker.ts runs, the poison messages, the SQS faults, and when a run
 * is over. Each caller keeps its own sizes, kills and report.
 */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs"
import type { FaultConfig } from "@miyabi/sandbox"
import { EnqueueRequest, IdempotencyKey, TaskKind, type QueueStats, type Task } from "@miyabi/types"
import { Effect } from "effect"
import type { AwsTaskQueueShape, LaneCounts } from "../../src/aws/AwsTaskQueue.js"
import type { QueueError } from "../../src/TaskQueue.js"

/** The environment of the enqueuer and the workers: the queue's prefix, and AWS retries quick enough to ride out the throttling. */
export const chaosEnv = (prefix: string): Record<string, string> => ({
  MIYABI_STORE: `aws:prefix=${prefix}`,
  MIYABI_AWS_RETRY_BASE_DELAY: "20 millis",
  MIYABI_AWS_RETRY_MAX_DELAY: "500 millis",
  MIYABI_AWS_MAX_ATTEMPTS: "8"
})

/** mulberry32: a small seeded PRNG, so a failing run can be replayed. */
export const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

export interface ChaosTasks {
  readonly count: number
  readonly random: () => number
  /** A task sleeps `min` ms plus up to `spread` ms. */
  readonly ms: { readonly min: number; readonly spread: number }
  /** Every `failEvery`-th task (from the first) fails by design, permanently. */
  readonly failEvery: number
  /** Every `highEvery`-th task (from the first) is high priority, the rest standard. */
  readonly highEvery: number
  readonly concurrency: number
}

/** Enqueues the tasks, each under its own idempotency key `chaos-<n>`. */
export const enqueueChaos = (queue: AwsTaskQueueShape, tasks: ChaosTasks) =>
  Effect.forEach(
    Array.from({ length: tasks.count }, (_, n) => n),
    (n) =>
      queue
        .enqueue(
          EnqueueRequest.make({
            kind: TaskKind.make("chaos"),
            payload: { n, ms: tasks.ms.min + Math.floor(tasks.random() * tasks.ms.spread), ...(n % tasks.failEvery === 0 ? { fail: true } : {}) },
            priority: n % tasks.highEvery === 0 ? "high" : "standard",
            idempotencyKey: IdempotencyKey.make(`chaos-${n}`)
          })
        )
        .pipe(Effect.map(({ task }) => task)),
    { concurrency: tasks.concurrency }
  )

export const isDesignedFailure = (task: Task): boolean => (task.payload as { fail?: boolean }).fail === true

/** Sends `count` messages no worker can read straight to the standard lane; answers their bodies, sorted. */
export const sendPoison = async (sqs: SQSClient, queueUrl: string, count: number): Promise<ReadonlyArray<string>> => {
  const bodies = Array.from({ length: count }, (_, i) => `poison ${i}`)
  for (const body of bodies) await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }))
  return bodies
}

/**
 * 10 % of SQS requests throttled and 2 % answered with 5xx. DynamoDB is not
 * throttled: the sandbox encodes fault responses of proxied DynamoDB requests
 * as XML, which the SDK cannot read.
 */
export const sqsFaults = (seed: number): FaultConfig => ({ seed, rules: [{ service: "sqs", throttleRate: 0.1, errorRate: 0.02 }] })

export interface ChaosProgress {
  readonly stats: QueueStats
  readonly lanes: LaneCounts
  /** Every record finished, both lanes empty, and exactly the poison in the dead-letter queue. */
  readonly done: boolean
}

export const progress = (queue: AwsTaskQueueShape, tasks: number, poison: number): Effect.Effect<ChaosProgress, QueueError> =>
  Effect.all([queue.stats(), queue.laneCounts()]).pipe(
    Effect.map(([stats, lanes]) => ({
      stats,
      lanes,
      done:
        stats.completed + stats.failed === tasks &&
        lanes.high.visible + lanes.high.inFlight + lanes.standard.visible + lanes.standard.inFlight === 0 &&
        lanes.deadLetter.visible + lanes.deadLetter.inFlight === poison
    }))
  )
