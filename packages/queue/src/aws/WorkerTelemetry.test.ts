import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import * as EcsTaskProtection from "../adapters/EcsTaskProtection.js"
import { TaskQueue, type TaskQueueShape } from "../TaskQueue.js"
import { LaneStats, QueueStats } from "@miyabi/types"
import * as WorkerTelemetry from "./WorkerTelemetry.js"

describe("WorkerTelemetry", () => {
  it.effect("counts like WorkerMetrics and writes one EMF line per finished attempt", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const metrics = yield* WorkerTelemetry.make({ workerId: "w1", write: (line) => lines.push(line) }).pipe(
        Effect.provide(EcsTaskProtection.layer(EcsTaskProtection.disabled))
      )
      const at = new Date(0)
      yield* metrics.record({ _tag: "Claimed", at })
      yield* metrics.record({ _tag: "Finished", outcome: "completed", durationMs: 40, at })
      yield* metrics.record({ _tag: "Claimed", at })
      yield* metrics.record({ _tag: "Finished", outcome: "deadLettered", durationMs: 7, at })
      const snapshot = yield* metrics.snapshot
      expect([snapshot.claimed, snapshot.completed, snapshot.deadLettered, snapshot.inFlight]).toEqual([2, 1, 1, 0])
      const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
      expect(parsed.map((l) => [l["TasksCompleted"], l["TasksFailed"], l["TaskDuration"], l["workerId"]])).toEqual([
        [1, undefined, 40, "w1"],
        [undefined, 1, 7, "w1"]
      ])
    })
  )

  it.live("reports the queue's lanes as EMF lines", () =>
    Effect.gen(function* () {
      const lines: Array<string> = []
      const stats = new QueueStats({
        lanes: [new LaneStats({ priority: "high", depth: 2, inFlight: 1, oldestAgeMs: 3_000 }), new LaneStats({ priority: "standard", depth: 5, inFlight: 0, oldestAgeMs: 0 })],
        completed: 0,
        failed: 0,
        cancelled: 0,
        at: new Date(0)
      })
      const queue = { stats: () => Effect.succeed(stats) } as unknown as TaskQueueShape
      yield* WorkerTelemetry.reportQueue("1 minute", { write: (line) => lines.push(line) }).pipe(
        Effect.provide(Layer.succeed(TaskQueue, queue)),
        Effect.timeout("200 millis"),
        Effect.ignore
      )
      expect(lines.map((line) => (JSON.parse(line) as Record<string, unknown>)["QueueDepth"])).toEqual([2, 5])
    })
  )
})
