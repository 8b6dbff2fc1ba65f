/**
 * θ6 over one cycle: the outcome of every change that ran, priced from the
 * two worlds. A resource's realized saving is World_n's price of it less
 * World_n+1's (a deleted or released resource costs nothing after), both from
 * the same catalog; when several changes that ran touched one resource (a
 * resize and a security fix), it is shared by their predicted savings, so
 * each dollar is counted once. A change that did not run (dry run, skipped,
 * whether its resource was read or not) takes no share.
 */
import { type ChangeOutcome, type DeploymentRecord, type ExecutionPlan, MicroUsd, type Observation, type WorldState } from "@miyabi/types"
import { measured, outcomeOf, type Unmeasured } from "./Outcome.js"

export interface CycleOutcomes {
  readonly outcomes: ReadonlyArray<ChangeOutcome>
  /** Changes that stuck without a measurable saving (no price before: not in World_n and not read): left out of `outcomes`. */
  readonly unmeasured: ReadonlyArray<Unmeasured>
}

export const cycleOutcomes = (
  plan: ExecutionPlan,
  record: DeploymentRecord,
  observation: Observation | undefined,
  world0: WorldState,
  world1: WorldState,
  /** The rules' raw predictions (before confidence scaling), by change id. */
  raw: ReadonlyMap<string, MicroUsd>
): CycleOutcomes => {
  const before = new Map(world0.resources.map((r) => [r.arn as string, r.monthlyCost]))
  const after = new Map(world1.resources.map((r) => [r.arn as string, r.monthlyCost]))
  const changes = new Map(plan.changes.map((c) => [c.id as string, c]))
  const predicted = (changeId: string) => raw.get(changeId) ?? changes.get(changeId)?.expectedMonthlySavings ?? 0
  const ran = record.executions.filter((e) => e.status !== "would-apply" && e.status !== "skipped")
  const touching = new Map<string, Array<string>>()
  for (const e of ran) touching.set(e.resource.arn, [...(touching.get(e.resource.arn) ?? []), e.changeId])
  const share = (arn: string, changeId: string): number => {
    const ids = touching.get(arn) ?? [changeId]
    const total = ids.reduce((sum, id) => sum + predicted(id), 0)
    return total === 0 ? (ids[0] === changeId ? 1 : 0) : predicted(changeId) / total
  }
  const results = record.executions.flatMap((execution) => {
    const change = changes.get(execution.changeId)
    if (change === undefined) return []
    const arn = execution.resource.arn
    // No price before (not in World_n, not read): no realized saving is passed, outcomeOf says Unmeasured.
    const beforeCost = before.get(arn) ?? execution.before?.monthlyCost
    const rawPrediction = raw.get(change.id)
    return [outcomeOf(change, execution, observation, {
      ...(beforeCost === undefined ? {} : { realizedMonthlySavings: MicroUsd.make(Math.round((beforeCost - (after.get(arn) ?? 0)) * share(arn, change.id))) }),
      ...(rawPrediction === undefined ? {} : { predictedMonthlySavings: rawPrediction })
    })]
  })
  return {
    outcomes: results.flatMap((o) => measured(o) ?? []),
    unmeasured: results.flatMap((o) => (o._tag === "Unmeasured" ? [o.unmeasured] : []))
  }
}
