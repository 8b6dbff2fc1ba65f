/**
 * The demo's scaling step: one day of 9,600 fifteen-minute tasks replayed
 * through the SPEC's scaling policy (from one worker, with the ECS start
 * delay), priced with the fleet cost model, set beside the SPEC's figures.
 */
import { Scaling } from "@miyabi/queue"
import { Effect } from "effect"
import { summarize, specComparison } from "../commands/scale/ScaleReport.js"
import { renderFields } from "../render/Table.js"
import type { DemoStep } from "./DemoStep.js"

export const SCALE_DEMO = { perDay: 9600, serviceSeconds: 900, startDelaySeconds: { min: 60, max: 90 }, seed: 1 } as const

export const scaleStep: DemoStep = {
  name: "scale",
  title: "Fleet scaling simulation (9,600 tasks/day, 15 min each)",
  run: () =>
    Effect.sync(() => {
      const result = Scaling.simulate({
        policy: Scaling.specPolicy,
        arrivals: Scaling.generateArrivals({ kind: "uniform", perDay: SCALE_DEMO.perDay, days: 1 }, SCALE_DEMO.seed),
        service: { kind: "fixed", seconds: SCALE_DEMO.serviceSeconds },
        startDelaySeconds: SCALE_DEMO.startDelaySeconds,
        seed: SCALE_DEMO.seed
      })
      const summary = summarize(result, { capacity: "on-demand" })
      return {
        summary: {
          arrivals: summary.arrived,
          completed: summary.completed,
          maxWorkers: summary.maxWorkers,
          tasksPerWorkerDay: Math.round(summary.tasksPerWorkerDay * 10) / 10,
          waitP50Seconds: Math.round(summary.waitSeconds.p50),
          waitP99Seconds: Math.round(summary.waitSeconds.p99),
          workerHours: Math.round(summary.workerHours * 10) / 10,
          scaleEvents: summary.scaleEvents.total,
          costPerTaskMicroUsd: summary.cost.costPerTask,
          spec: specComparison(summary)
        },
        text: [
          renderFields([
            ["workers", `1 -> ${summary.maxWorkers} in ${summary.scaleEvents.out} scale-outs`],
            ["queue wait", `p50 ${(summary.waitSeconds.p50 / 60).toFixed(1)} min, p99 ${(summary.waitSeconds.p99 / 60).toFixed(1)} min`],
            ["worker-hours", summary.workerHours.toFixed(1)]
          ]),
          "",
          `SPEC: ${specComparison(summary)}`,
          "more: miyabi scale simulate --arrivals 9600/day --service 15m [--max 500 | --trace FILE]"
        ].join("\n")
      }
    })
}
