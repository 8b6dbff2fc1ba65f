import { describe, expect, it } from "@effect/vitest"
import { LaneStats, QueueStats } from "@miyabi/types"
import { eventMetrics, format, queueRecords } from "./Emf.js"

describe("Emf", () => {
  it("formats one EMF object: the _aws block, dimensions and values as top-level fields", () => {
    const line = format({
      namespace: "Miyabi/Workers",
      timestamp: new Date(1_700_000_000_000),
      dimensions: { Service: "worker" },
      metrics: [
        { name: "TasksCompleted", unit: "Count", value: 1 },
        { name: "TaskDuration", unit: "Milliseconds", value: 812 }
      ],
      properties: { workerId: "w1" }
    })
    expect(JSON.parse(line)).toEqual({
      _aws: {
        Timestamp: 1_700_000_000_000,
        CloudWatchMetrics: [
          {
            Namespace: "Miyabi/Workers",
            Dimensions: [["Service"]],
            Metrics: [
              { Name: "TasksCompleted", Unit: "Count" },
              { Name: "TaskDuration", Unit: "Milliseconds" }
            ]
          }
        ]
      },
      Service: "worker",
      workerId: "w1",
      TasksCompleted: 1,
      TaskDuration: 812
    })
    expect(line).not.toContain("\n")
  })

  it("maps finished attempts to completions, failures, retries and durations", () => {
    const at = new Date(0)
    const names = (outcome: "completed" | "deadLettered" | "retried" | "released") =>
      eventMetrics({ _tag: "Finished", outcome, durationMs: 50, at }).map((m) => `${m.name}=${m.value}`)
    expect(names("completed")).toEqual(["TasksCompleted=1", "TaskDuration=50"])
    expect(names("deadLettered")).toEqual(["TasksFailed=1", "TaskDuration=50"])
    expect(names("retried")).toEqual(["TaskRetries=1", "TaskDuration=50"])
    expect(names("released")).toEqual(["TasksInterrupted=1"])
    expect(eventMetrics({ _tag: "Claimed", at })).toEqual([])
  })

  it("reports depth, in flight and oldest age per lane", () => {
    const stats = new QueueStats({
      lanes: [new LaneStats({ priority: "high", depth: 3, inFlight: 1, oldestAgeMs: 61_500 }), new LaneStats({ priority: "standard", depth: 0, inFlight: 0, oldestAgeMs: 0 })],
      completed: 0,
      failed: 0,
      cancelled: 0,
      at: new Date(5_000)
    })
    const lines = queueRecords(stats, "NS").map((r) => JSON.parse(format(r)) as Record<string, unknown>)
    expect(lines.map((l) => [l["Priority"], l["QueueDepth"], l["TasksInFlight"], l["OldestTaskAge"]])).toEqual([
      ["high", 3, 1, 61],
      ["standard", 0, 0, 0]
    ])
  })
})
