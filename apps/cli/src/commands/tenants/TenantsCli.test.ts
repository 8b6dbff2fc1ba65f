/**
 * `miyabi tenants list|history` on a SQLite --store, through the built CLI
 * (dist/main.js, a child process): the JSON file earlier versions kept beside
 * the store is imported once into the store's tenancy_* tables and renamed,
 * and each customer's placement history is readable. Placing against a
 * sandbox is covered by commands/org/OrgCli.test.ts.
 */
import { TenancyStore } from "@miyabi/account-factory"
import { AccountId, Customer, CustomerId, Placement, PoolState } from "@miyabi/types"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, describe, expect, it } from "vitest"

const cli = fileURLToPath(new URL("../../../dist/main.js", import.meta.url))
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-tenants-cli-test-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const tenants = (...args: Array<string>) =>
  new Promise<{ readonly exit: number | null; readonly out: string; readonly err: string }>((resolve) => {
    execFile(process.execPath, [cli, "tenants", ...args], { encoding: "utf8", timeout: 20_000, env: { ...process.env, XDG_DATA_HOME: path.join(dir, "data"), NO_COLOR: "1", MIYABI_DEBUG: "" } }, (error, out, err) =>
      resolve({ exit: error === null ? 0 : typeof error.code === "number" ? error.code : null, out, err })
    )
  })

const POOL = AccountId.make("200000000001")
const since = new Date("2026-10-01T00:00:00.000Z")
const legacyState = new TenancyStore.TenancyState({
  customers: [new Customer({ id: CustomerId.make("acme"), name: "Acme" }), new Customer({ id: CustomerId.make("globex"), name: "Globex" })],
  pools: [new PoolState({ accountId: POOL, model: "Pool", capacity: 100, members: [CustomerId.make("acme"), CustomerId.make("globex")] })],
  placements: ["acme", "globex"].map((id) => new Placement({ customerId: CustomerId.make(id), model: "Pool", accountId: POOL, since, history: [] })),
  departed: [],
  deletions: []
})

describe("miyabi tenants on a SQLite store (built CLI)", () => {
  it("imports the old <store>.tenancy.json once, lists the placements and shows a customer's history", async () => {
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: build the CLI first (cd apps/cli && npx tsup)`)
    const store = path.join(dir, "miyabi.db")
    const legacy = path.join(dir, "miyabi.tenancy.json")
    await Effect.runPromise(Effect.flatMap(TenancyStore.TenancyStore, (s) => s.save(legacyState)).pipe(Effect.provide(TenancyStore.file(legacy))))

    const listed = await tenants("list", "--json", "--store", store)
    expect(listed.err).toBe("")
    const list = JSON.parse(listed.out) as { store: string; placements: ReadonlyArray<{ customerId: string; model: string; accountId: string }> }
    expect(list.store).toBe(`sqlite:${store}`)
    expect(list.placements.map((p) => `${p.customerId}:${p.model}:${p.accountId}`).sort()).toEqual([`acme:Pool:${POOL}`, `globex:Pool:${POOL}`])
    expect(fs.existsSync(legacy)).toBe(false)
    expect(fs.existsSync(`${legacy}.imported`)).toBe(true)

    const history = await tenants("history", "acme", "--json", "--store", store)
    expect(history.exit).toBe(0)
    const events = (JSON.parse(history.out) as { events: ReadonlyArray<{ kind: string; model: string; accountId: string; actor: string }> }).events
    expect(events.map((e) => [e.kind, e.model, e.accountId])).toEqual([["placed", "Pool", POOL]])
    expect(events[0]?.actor).toMatch(/@cli$|^miyabi-cli$/)

    // A file that reappears is not imported into a store that already holds tenancy records.
    fs.copyFileSync(`${legacy}.imported`, legacy)
    const text = await tenants("history", "globex", "--store", store)
    expect(text.exit).toBe(0)
    expect(text.out).toMatch(/placed\s+Pool\s+200000000001/)
    expect(fs.existsSync(legacy)).toBe(true)

    const unknown = await tenants("history", "nobody", "--store", store)
    expect(unknown.exit).not.toBe(0)
    expect(unknown.err).toContain("nobody")
  }, 60_000)
})
