/**
 * The SPEC's fleet scale points (SPEC.md section 3) and the model's figures
 * for the scenario that reproduces each, for `miyabi cost model`. The
 * 500-worker point reads as 500 medium workers running two standard tasks at
 * once (see @miyabi/cost's FleetModel.test.ts for why).
 */
import { FleetModel } from "@miyabi/cost"

export interface SpecScalePoint {
  readonly label: string
  readonly model: FleetModel.FleetEstimate
  readonly spec: { readonly tasksPerDay: string; readonly monthly: string; readonly perTask: string }
}

const POINTS: ReadonlyArray<{ readonly label: string; readonly scenario: FleetModel.FleetScenario; readonly spec: SpecScalePoint["spec"] }> = [
  { label: "1 standard worker", scenario: { workers: 1, size: "standard", capacity: "on-demand" }, spec: { tasksPerDay: "96", monthly: "$29", perTask: "$0.30" } },
  { label: "100 standard workers", scenario: { workers: 100, size: "standard", capacity: "on-demand" }, spec: { tasksPerDay: "9,600", monthly: "$2,915", perTask: "$0.23" } },
  {
    label: "500 workers (medium, 2 tasks each)",
    scenario: { workers: 500, size: "medium", capacity: "on-demand", taskMinutes: 15, concurrency: 2 },
    spec: { tasksPerDay: "100,000+", monthly: "~$30,000", perTask: "$0.20" }
  }
]

export const specScalePoints = (): ReadonlyArray<SpecScalePoint> =>
  POINTS.map((p) => ({ label: p.label, model: FleetModel.estimate(p.scenario), spec: p.spec }))
