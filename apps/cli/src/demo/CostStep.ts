/**
 * The demo's cost step: an in-process sandbox with a small generated estate,
 * its last complete month read from Cost Explorer (the real SDK client over
 * loopback HTTP) and allocated per customer by @miyabi/cost: silo accounts
 * to their owners, pool and platform accounts shared by tagged cost. The
 * report's total is printed beside the sandbox's own bill: they are equal to
 * the micro-dollar. Then the fleet model's line for 100 standard workers.
 */
import { AwsRuntime } from "@miyabi/aws-runtime"
import { CostExplorer, CostReports, FleetModel, ReportView } from "@miyabi/cost"
import { Sandbox, sandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import { AllocationPolicy, InvalidInput, MicroUsd, Money } from "@miyabi/types"
import { Duration, Effect, Layer } from "effect"
import type { DemoStep, StepReport } from "./DemoStep.js"

/** Customers shown in the text (the JSON summary has them all). */
const SHOWN = 10
const DAY = 86_400_000

// Cost Explorer allows 5 requests a second at AWS; the local sandbox needs no such budget.
const runtime = AwsRuntime.layer({
  region: "us-east-1",
  rateLimits: { "cost-explorer": { perSecond: 1_000, burst: 1_000 } },
  retryBaseDelay: Duration.millis(5),
  retryMaxDelay: Duration.millis(50)
})

const usd = (micros: number) => Money.format(MicroUsd.make(micros))

/** The step's work; it needs only a scope (the sandbox lives in it). */
export const runCostStep = Effect.gen(function* () {
  const estate = sandboxEstate({ seed: 3, size: "tiny" })
  const sandbox = yield* Sandbox.start({ estate, dynamodb: false })
  yield* useSandboxEnv(sandbox)
  const month = new Date(estate.data.asOf - DAY).toISOString().slice(0, 7)
  const { from, to } = CostReports.monthDays(month)
  const policy = AllocationPolicy.make({
    accounts: CostReports.accountsFromRoles(
      estate.data.organization.accounts,
      estate.data.customers.filter((c) => c.tenancy === "pool").map((c) => c.id),
      { _tag: "tagged-share" }
    ),
    customerTag: "CostCenter",
    measure: "unblended",
    defaultKey: { _tag: "even" }
  })
  // Built after the environment points at the sandbox, so the SDK client picks it up.
  const result = yield* CostReports.fromCostExplorer({ month, policy }).pipe(Effect.provide(CostExplorer.layer.pipe(Layer.provide(runtime))))
  const bill = [...estate.costs.lines(from, new Date(Date.parse(`${to}T00:00:00Z`) + DAY).toISOString().slice(0, 10))].reduce((s, l) => s + l.unblendedMicroUsd, 0)
  const a = result.report.allocation
  const reported = a.customers.reduce((s, c) => s + c.total, 0) + a.unallocated
  const top = [...a.customers].sort((x, y) => y.total - x.total).slice(0, SHOWN)
  const table = ReportView.toTable({
    header: ["customer", "direct", "shared", "total"],
    rows: [
      ...top.map((c) => [c.customer, c.direct, c.shared, c.total]),
      ...(a.customers.length > SHOWN ? [[`(${a.customers.length - SHOWN} more)`, 0 as MicroUsd, 0 as MicroUsd, MicroUsd.make(a.customers.slice().sort((x, y) => y.total - x.total).slice(SHOWN).reduce((s, c) => s + c.total, 0))]] : []),
      ...(a.unallocated === 0 ? [] : [[ReportView.UNALLOCATED, a.unallocated, 0 as MicroUsd, a.unallocated]]),
      ["TOTAL", MicroUsd.make(a.customers.reduce((s, c) => s + c.direct, 0) + a.unallocated), MicroUsd.make(a.customers.reduce((s, c) => s + c.shared, 0)), MicroUsd.make(reported)]
    ],
    moneyColumns: [1, 2, 3]
  })
  const fleet = FleetModel.estimate({ workers: 100, size: "standard", capacity: "on-demand" })
  const fleetLine = `fleet model: 100 standard workers on-demand: ${usd(fleet.fleetMonthly)}/month for the workers, ${fleet.tasksPerDay.toLocaleString("en-US")} tasks/day, ${usd(fleet.costPerTask)} per task (SPEC: $2,915, 9,600, $0.23)`
  const report: StepReport = {
    summary: {
      month,
      sandbox: { endpoint: sandbox.endpoint },
      billTotal: ReportView.microsToDecimal(bill),
      reportTotal: ReportView.microsToDecimal(reported),
      equal: bill === reported && a.billTotal === bill,
      customers: a.customers.length,
      unallocated: ReportView.microsToDecimal(a.unallocated),
      costExplorerCalls: result.calls ?? null,
      top: top.map((c) => ({ customer: c.customer, total: ReportView.microsToDecimal(c.total) })),
      fleet: { workers: 100, size: "standard", monthly: ReportView.microsToDecimal(fleet.fleetMonthly), tasksPerDay: fleet.tasksPerDay, costPerTask: ReportView.microsToDecimal(fleet.costPerTask) }
    },
    text: [
      `${month} of the sandbox estate from Cost Explorer (${result.calls?.sent ?? 0} GetCostAndUsage requests), ${a.customers.length} customers, customer tag CostCenter`,
      "",
      table,
      "",
      `sandbox bill ${ReportView.microsToDecimal(bill)} USD; report total ${ReportView.microsToDecimal(reported)} USD: ${bill === reported ? "equal to the micro-dollar" : "NOT EQUAL"}`,
      fleetLine
    ].join("\n")
  }
  return report
})

export const costStep: DemoStep = {
  name: "cost",
  title: "Cost: the sandbox estate's month per customer from Cost Explorer, and the fleet model",
  run: () => runCostStep.pipe(Effect.mapError((error) => new InvalidInput({ source: "demo cost step", reason: error.message })))
}
