import { describe, expect, it } from "@effect/vitest"
import { MicroUsd } from "@miyabi/types"
import fc from "fast-check"
import { modelledNanos, perTaskCosts, type TaskRecord } from "./CostPerTask.js"
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

  it("models a task's cost exactly in nano-dollars", () => {
    // 15 min of a standard worker at $0.024685/h = 6,171,250 nano-dollars; 30 min of heavy at $0.09874/h = 49,370,000.
    expect(modelledNanos({ taskId: "s", size: "standard", durationMs: 15 * MIN }, FARGATE_US_EAST_1)).toBe(6_171_250n)
    expect(modelledNanos({ taskId: "h", size: "heavy", durationMs: 30 * MIN }, FARGATE_US_EAST_1)).toBe(49_370_000n)
  })

  it("rounds the averages half up", () => {
    // 3 micro-dollars over two equal tasks: 1.5 each -> 2 and 1 (the earlier record gets the left-over micro);
    // acme's per-task and the overall average are 3 / 2 = 1.5 -> 2, not 1.
    const result = perTaskCosts(
      [
        { taskId: "a", customer: "acme", size: "standard", durationMs: MIN },
        { taskId: "b", customer: "acme", size: "standard", durationMs: MIN }
      ],
      MicroUsd.make(3)
    )
    expect(result.tasks.map((t) => t.cost)).toEqual([2, 1])
    expect(result.customers).toEqual([{ customer: "acme", tasks: 2, cost: 3, perTask: 2 }])
    expect(result.averagePerTask).toBe(2)
  })

  it("gives left-over micro-dollars of equal tasks to the earliest records, also past the tenth", () => {
    // 5 micro-dollars over 12 equal tasks: each quota is 5/12 < 1, so records 0-4 get 1 and the rest 0
    // (ordering ids as text unpadded would put record 10 and 11 before record 2).
    const records = Array.from({ length: 12 }, (_, i): TaskRecord => ({ taskId: `t${i}`, size: "light", durationMs: MIN }))
    expect(perTaskCosts(records, MicroUsd.make(5)).tasks.map((t) => t.cost)).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0])
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
