/**
 * The demo's accounts step as users see it: `miyabi demo --json` (the built
 * CLI, a child process) carries the vending and placement summary.
 */
import { TenancyStore, TenancyStoreSqlite } from "@miyabi/account-factory"
import { CustomerId } from "@miyabi/types"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const main = fileURLToPath(new URL("../../dist/main.js", import.meta.url))
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-demo-accounts-test-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const demoJson = (): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve) => {
    const env = { ...process.env, XDG_DATA_HOME: path.join(tmp, "xdg"), TMPDIR: tmp, NO_COLOR: "1", MIYABI_DEBUG: "" }
    execFile(process.execPath, [main, "demo", "--json"], { encoding: "utf8", timeout: 45_000, env }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : null, stdout, stderr })
    )
  })

interface AccountsSummary {
  readonly vending: { readonly requested: number; readonly vended: number; readonly failed: number; readonly pools: number; readonly silos: number; readonly accounts: ReadonlyArray<{ name: string; model: string; ou: string; accountId?: string }> }
  readonly placement: { readonly store: string; readonly placed: number; readonly byModel: Record<string, number>; readonly pools: ReadonlyArray<{ members: number; capacity: number }>; readonly silos: ReadonlyArray<{ customerId: string }> }
  readonly sandbox: { readonly accountsBefore: number; readonly accountsAfter: number }
}

describe("miyabi demo --json: the accounts step", () => {
  it("vends two pools and a silo in the sandbox and places 150 customers", async () => {
    const run = await demoJson()
    expect(run.stderr).toBe("")
    expect(run.code).toBe(0)
    const report = JSON.parse(run.stdout) as { store: string; steps: { accounts: AccountsSummary } }
    const accounts = report.steps.accounts
    expect(accounts.vending).toMatchObject({ requested: 3, vended: 3, failed: 0, pools: 2, silos: 1 })
    expect(accounts.vending.accounts.map((a) => `${a.name}@${a.ou}`)).toEqual(["pool-1@Workloads/Pools", "pool-2@Workloads/Pools", "silo-customer-150@Workloads/VIP"])
    for (const account of accounts.vending.accounts) expect(account.accountId).toMatch(/^\d{12}$/)
    expect(accounts.sandbox.accountsAfter - accounts.sandbox.accountsBefore).toBe(3)
    expect(accounts.placement.placed).toBe(150)
    expect(accounts.placement.byModel).toEqual({ Pool: 149, Silo: 1, Bridge: 0 })
    expect(accounts.placement.pools.map((p) => [p.members, p.capacity])).toEqual([[100, 100], [49, 100]])
    expect(accounts.placement.silos).toEqual([expect.objectContaining({ customerId: "customer-150" })])
    // The placements are in the demo's SQLite store, each with its history.
    expect(accounts.placement.store).toBe(`sqlite:${report.store}`)
    const [state, history] = await Effect.runPromise(
      Effect.flatMap(TenancyStore.TenancyStore, (store) => Effect.all([store.load(), store.history(CustomerId.make("customer-150"))])).pipe(Effect.scoped, Effect.provide(TenancyStoreSqlite.layer(report.store)))
    )
    expect(state.placements).toHaveLength(150)
    expect(history.map((event) => [event.kind, event.model, event.actor])).toEqual([["placed", "Silo", "demo"]])
  }, 60_000)
})
