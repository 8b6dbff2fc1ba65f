/**
 * The demo's account-vending step: an in-process sandbox (a small generated
 * estate, accounts created in tens of milliseconds), the tenancy OUs, then
 * 150 customers placed through @miyabi/account-factory: 149 asking for the
 * pool model fill pool-1 (capacity 100) and vend pool-2; one asking for a
 * silo gets its own account. Prints the organization tree and a placement
 * summary. The SDK clients reach the sandbox through the AWS_* environment
 * variables, set for the step and restored after it.
 */
import { defaultTenancySettings, Organizations, OrganizationsSdk, placeTenants, renderOrgTree, TenancyStore, toOrgTree } from "@miyabi/account-factory"
import { AwsRuntime, RateLimits } from "@miyabi/aws-runtime"
import { Sandbox, useSandboxEnv } from "@miyabi/sandbox"
import { Customer, CustomerId, InvalidInput } from "@miyabi/types"
import { Duration, Effect, Layer, Option, Schedule } from "effect"
import { renderTenancySummary, summarizeTenancy } from "../commands/tenants/TenancySummary.js"
import { tenantsStoreAt } from "../commands/tenants/TenantsStore.js"
import { parseStore } from "../StoreConfig.js"
import type { DemoContext, DemoStep, StepReport } from "./DemoStep.js"

export const DEMO_CUSTOMERS = 150
export const DEMO_SILO_CUSTOMER = "customer-150"

// The sandbox is local: lift the production budget of 5 Organizations calls a second.
const runtime = AwsRuntime.layer({
  region: "us-east-1",
  rateLimits: { ...RateLimits.defaultRateLimits, organizations: { perSecond: 1_000, burst: 1_000 } },
  sessionUser: "demo",
  sessionPurpose: "accounts",
  retryBaseDelay: Duration.millis(5),
  retryMaxDelay: Duration.millis(50)
})

const fastVend = {
  pollSchedule: Schedule.spaced("20 millis"),
  roleSchedule: Schedule.spaced("20 millis"),
  creationTimeout: "20 seconds",
  roleTimeout: "10 seconds"
} as const

const demoCustomers = (): ReadonlyArray<Customer> =>
  Array.from({ length: DEMO_CUSTOMERS }, (_, i) => {
    const id = `customer-${String(i + 1).padStart(3, "0")}`
    return new Customer({ id: CustomerId.make(id), name: `Customer ${i + 1}`, model: id === DEMO_SILO_CUSTOMER ? "Silo" : "Pool" })
  })

const vendAndPlace = (sandbox: Sandbox.SandboxHandle, started: number, context: DemoContext, location: string) => Effect.gen(function* () {
  const orgs = yield* Organizations
  const before = yield* orgs.snapshot()
  // The OUs the default tenancy settings vend into.
  const workloads = before.organizationalUnits.find((ou) => ou.parentId === before.rootId && ou.name === "Workloads") ?? (yield* orgs.createOrganizationalUnit(before.rootId, "Workloads", {}))
  for (const name of ["Pools", "VIP"]) {
    if (!before.organizationalUnits.some((ou) => ou.parentId === workloads.id && ou.name === name)) yield* orgs.createOrganizationalUnit(workloads.id, name, {})
  }
  if (!before.organizationalUnits.some((ou) => ou.parentId === before.rootId && ou.name === "Suspended")) yield* orgs.createOrganizationalUnit(before.rootId, "Suspended", {})

  const vendStages: Array<string> = []
  const result = yield* placeTenants(demoCustomers(), defaultTenancySettings, {
    vend: { ...fastVend, onProgress: (name, stage) => Effect.sync(() => void (stage === "Done" || stage === "Failed" ? vendStages.push(`${name}:${stage}`) : undefined)) }
  })
  const state = yield* (yield* TenancyStore.TenancyStore).load()
  const after = yield* orgs.snapshot()
  const tree = renderOrgTree(toOrgTree(after))
  const summary = summarizeTenancy(state)
  const vended = result.plan.actions.flatMap((action) =>
    action._tag === "VendPoolAccount" || action._tag === "VendSiloAccount" ? [{ name: action.name, model: action._tag === "VendSiloAccount" ? "Silo" : action.model, ou: action.ou }] : []
  )
  const accountIds = new Map(after.accounts.map((a) => [a.name, a.id as string]))
  const vending = {
    requested: vended.length,
    vended: vended.filter((v) => vendStages.includes(`${v.name}:Done`)).length,
    failed: result.unplaced.length,
    pools: vended.filter((v) => v.model === "Pool").length,
    silos: vended.filter((v) => v.model === "Silo").length,
    accounts: vended.map((v) => ({ ...v, accountId: accountIds.get(v.name) }))
  }
  const report: StepReport = {
    summary: {
      sandbox: { endpoint: sandbox.endpoint, managementAccountId: sandbox.accountId, accountsBefore: before.accounts.length, accountsAfter: after.accounts.length },
      vending,
      placement: { requested: DEMO_CUSTOMERS, placedNow: result.placed.length, store: location, ...summary },
      elapsedMs: Date.now() - started
    },
    text: [
      `sandbox organization ${after.id} on ${sandbox.endpoint}: ${before.accounts.length} accounts before, ${after.accounts.length} after`,
      `vended ${vending.vended} of ${vending.requested} accounts (${vending.pools} pool, ${vending.silos} silo): ${vending.accounts.map((a) => `${a.name} ${a.accountId ?? "?"}`).join(", ")}`,
      "",
      tree,
      "",
      renderTenancySummary(summary),
      "",
      `placements and their history in ${location}: miyabi tenants list --store ${context.store}; miyabi tenants history ${DEMO_SILO_CUSTOMER} --store ${context.store}`
    ].join("\n")
  }
  return report
})

const run = (context: DemoContext) => Effect.gen(function* () {
  const started = Date.now()
  // Placements go to the demo's store (SQLite tables tenancy_*), so `miyabi tenants list|history` show them afterwards.
  const store = tenantsStoreAt(yield* parseStore(Option.some(context.store), { source: "demo store" }), undefined, "demo")
  const sandbox = yield* Sandbox.start({ seed: 7, size: "tiny", dynamodb: false, organizations: { createAccountDelayMs: 50 } })
  yield* useSandboxEnv(sandbox)
  // Built after the environment points at the sandbox, so the SDK clients pick it up.
  return yield* vendAndPlace(sandbox, started, context, store.location).pipe(Effect.provide(Layer.merge(OrganizationsSdk.layer.pipe(Layer.provide(runtime)), store.layer)))
})

export const accountsStep: DemoStep = {
  name: "accounts",
  title: "Accounts: vend two pools and a silo in a sandbox organization, place 150 customers",
  run: (context) =>
    run(context).pipe(
      Effect.mapError((error) => new InvalidInput({ source: "demo accounts step", reason: error.message }))
    )
}
