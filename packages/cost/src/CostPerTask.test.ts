import { describe, expect, it } from "@effect/vitest"
import { MicroUsd } from "@miyabi/types"
import fc from "fast-check"
import { perTaskCosts, type TaskRecord } from "./CostPerTask.js"
import { FARGATE_US_EAST_1 } from "./FleetModel.js"

const MIN = 60_000

describe("perTaskCosts", () => {
  it("weights by duration x size and reconciles to the fleet cost exactly", () => {
    const records: Array<TaskRecord> = [
      { taskId: "t1", customer: "acme", size: "standard", durationMs: 15 * MIN },
      { taskId: "t2", customer: "acme", size: "standard", durationMs: 15 * MIN },
      { taskId: "t3", customer: "globex", size: "heavy", durationMs: 30 * MIN }
    ]
    // modelled: standard 15 min = 0.25 h x $0.024685 = $0.00617125 each;
    // heavy 30 min = 0.5 h x (2 x 0.04048 + 4 x 0.004445) = $0.04937
    const result = perTaskCosts(records, MicroUsd.make(1_000_000), FARGATE_US_EAST_1)
    expect(result.modelled).toBe(Math.floor(6171.25 * 2 + 49370))
    expect(result.tasks.reduce((s, t) => s + t.cost, 0)).toBe(1_000_000)
    expect(result.tasks.map((t) => t.cost)).toEqual([100_000, 100_000, 800_000])
    expect(result.customers).toEqual([
      { customer: "acme", tasks: 2, cost: 200_000, perTask: 100_000 },
      { customer: "globex", tasks: 1, cost: 800_000, perTask: 800_000 }
    ])
    expect(result.averagePerTask).toBe(333_333)
  })

  it("reports the fleet cost as unattributed when no task ran", () => {
    const result = perTaskCosts([], MicroUsd.make(5_000_000))
    expect(result.unattributed).toBe(5_000_000)
    expect(result.customers).toEqual([])
  })

  it("gives a task with a negative duration (a clock that stepped back) no weight and no cost", () => {
    const result = perTaskCosts(
      [
        { taskId: "skewed", size: "standard", durationMs: -5 * MIN },
        { taskId: "ok", size: "standard", durationMs: MIN }
      ],
      MicroUsd.make(1_000)
    )
    expect(result.tasks.map((t) => [t.taskId, t.cost])).toEqual([["skewed", 0], ["ok", 1_000]])
    expect(result.unattributed).toBe(0)
  })

  it("charges Spot tasks less than on-demand ones of the same length", () => {
    const result = perTaskCosts(
      [
        { taskId: "a", size: "standard", durationMs: MIN, capacity: "spot" },
        { taskId: "b", size: "standard", durationMs: MIN }
      ],
      MicroUsd.make(1_300)
    )
    expect(result.tasks.map((t) => t.cost)).toEqual([300, 1_000])
    expect(result.tasks[0]?.customer).toBe("(none)")
  })

  it("property: per-task costs always sum to the fleet cost and none is negative", () => {
    const sizes = ["light", "standard", "medium", "heavy", "xl"] as const
    fc.assert(
      fc.property(
        fc.array(fc.record({ size: fc.constantFrom(...sizes), durationMs: fc.integer({ min: 0, max: 4 * 3_600_000 }), customer: fc.constantFrom("a", "b", "c") }), { maxLength: 50 }),
        fc.integer({ min: 0, max: 10_000_000_000 }),
        (rows, fleet) => {
          const result = perTaskCosts(rows.map((r, i) => ({ ...r, taskId: `t${i % 7}` })), MicroUsd.make(fleet))
          expect(result.tasks.reduce((s, t) => s + t.cost, 0) + result.unattributed).toBe(fleet)
          expect(result.customers.reduce((s, c) => s + c.cost, 0) + result.unattributed).toBe(fleet)
          expect(result.tasks.every((t) => t.cost >= 0)).toBe(true)
        }
      ),
      { numRuns: 200 }
    )
  })
})
