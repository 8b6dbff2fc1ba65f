/**
 * `miyabi org`, `accounts` and `tenants` as users run them: the built CLI
 * (dist/main.js) as a child process against a sandbox this test starts, the
 * sandbox reached through the AWS_* variables it hands out. The children run
 * asynchronously: the sandbox answers from this process's event loop.
 */
import { ApplyJournalSqlite, ApplyJournalStore, TenancyStore, TenancyStoreSqlite } from "@miyabi/account-factory"
import { startSandbox, type RunningSandbox } from "@miyabi/sandbox"
import { Effect, Option } from "effect"
import { execFile } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const main = fileURLToPath(new URL("../../../dist/main.js", import.meta.url))
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-org-cli-test-"))
const store = path.join(tmp, "miyabi.db")
let sandbox: RunningSandbox | undefined

beforeAll(async () => {
  if (!fs.existsSync(main)) throw new Error(`${main} is missing: build the CLI first (npx nx run @miyabi/cli:build)`)
  // DynamoDB for bridge customers' dedicated tables.
  sandbox = await startSandbox({ host: "127.0.0.1", port: 0, dynamodb: true, organizations: { createAccountDelayMs: 30 } })
})
afterAll(async () => {
  await sandbox?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

interface Run {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

const miyabi = (...args: Array<string>): Promise<Run> =>
  new Promise((resolve) => {
    const env: Record<string, string | undefined> = {
      ...process.env,
      ...sandbox?.env,
      AWS_PROFILE: undefined,
      AWS_SESSION_TOKEN: undefined,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      // The sandbox is local: no need for AWS's budget of 5 Organizations calls a second, nor for 2-second polls.
      MIYABI_AWS_RATE_LIMITS: "organizations=1000:1000",
      MIYABI_VEND_POLL_MS: "20",
      // One attempt per call: a fault the test injects fails the command at once instead of after backoff.
      MIYABI_AWS_MAX_ATTEMPTS: "1",
      XDG_DATA_HOME: path.join(tmp, "xdg"),
      NO_COLOR: "1",
      MIYABI_DEBUG: ""
    }
    execFile(process.execPath, [main, ...args], { encoding: "utf8", timeout: 30_000, env }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : null
      resolve({ code, stdout, stderr })
    })
  })

/** The latest org apply run of a spec, as journaled in the --store SQLite file. */
const journaled = (spec: string) =>
  Effect.runPromise(Effect.flatMap(ApplyJournalStore, (journal) => journal.latest(path.resolve(spec))).pipe(Effect.map(Option.getOrUndefined), Effect.provide(ApplyJournalSqlite.layer(store))))

const json = <A>(run: Run): A => {
  expect(run.stderr).toBe("")
  expect(run.code).toBe(0)
  return JSON.parse(run.stdout) as A
}

const SPEC = `# a small organization for the CLI test
version: 1
name: cli-test
organizationalUnits:
  - name: Workloads
    children:
      - name: Pools
      - name: VIP
  - name: Suspended
accounts:
  - name: shared-tools
    email: aws+shared-tools@example.com
    ou: Workloads
    tags: { CostCenter: platform, Owner: platform-team }
policies:
  - name: deny-leave-organization
    description: Member accounts may not leave the organization
    document:
      Version: "2012-10-17"
      Statement:
        - Sid: DenyLeave
          Effect: Deny
          Action: organizations:LeaveOrganization
          Resource: "*"
attachments:
  - policy: deny-leave-organization
    targets: [Workloads]
`

interface PlanJson {
  readonly steps: ReadonlyArray<{ readonly _tag: string }>
  readonly summary: { readonly add: number; readonly change: number; readonly destroy: number }
  readonly lint: { readonly errors: number; readonly warnings: number }
}

describe("miyabi org / accounts / tenants against a sandbox (built CLI)", () => {
  it("plans, applies (journaled), plans nothing after, and shows the tree", async () => {
    const spec = path.join(tmp, "org.yaml")
    fs.writeFileSync(spec, SPEC)

    const [text, planned] = await Promise.all([miyabi("org", "plan", "--spec", spec, "--store", store), miyabi("org", "plan", "--spec", spec, "--json", "--store", store)])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/\+ organizational unit\s+Workloads\/Pools/)
    expect(text.stdout).toMatch(/\+ account\s+shared-tools <aws\+shared-tools@example.com>/)
    expect(text.stdout).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./)
    const plan = json<PlanJson>(planned)
    const kinds = plan.steps.map((step) => step._tag)
    expect(kinds.filter((k) => k === "CreateOrganizationalUnit")).toHaveLength(4)
    expect(kinds).toContain("CreateAccount")
    // Policies before their attachment.
    expect(kinds.indexOf("CreatePolicy")).toBeGreaterThanOrEqual(0)
    expect(kinds.indexOf("CreatePolicy")).toBeLessThan(kinds.indexOf("AttachPolicy"))
    expect(plan.lint.errors).toBe(0)

    const applied = json<{ nothingToDo: boolean; applied: number; steps: ReadonlyArray<{ outcome: string }>; journal: string }>(
      await miyabi("org", "apply", "--spec", spec, "--json", "--store", store)
    )
    expect(applied).toMatchObject({ nothingToDo: false, applied: plan.steps.length, journal: `sqlite:${store}` })
    expect(applied.steps.map((step) => step.outcome)).toEqual(plan.steps.map(() => "applied"))
    // The journal is in the state store, beside the queue's tables.
    expect(await journaled(spec)).toMatchObject({ finished: true, total: plan.steps.length, entries: applied.steps })

    const [again, second, shown] = await Promise.all([
      miyabi("org", "plan", "--spec", spec, "--json", "--store", store),
      miyabi("org", "apply", "--spec", spec, "--store", store),
      miyabi("org", "show", "--store", store)
    ])
    expect(json<PlanJson>(again).steps).toEqual([])
    expect(second.code).toBe(0)
    expect(second.stdout).toContain("Nothing to do")
    expect(shown.code).toBe(0)
    expect(shown.stdout).toMatch(/── Workloads\/\s+\[[^\]]*deny-leave-organization/)
    expect(shown.stdout).toMatch(/shared-tools \(\d{12}\)/)
  })

  it("an apply that fails half-way leaves its journal unfinished; the next apply resumes and finishes without duplicates", async () => {
    const spec = path.join(tmp, "research.yaml")
    fs.writeFileSync(
      spec,
      `version: 1
organizationalUnits:
  - name: Research
policies:
  - name: deny-root-user
    description: No root user in research accounts
    document:
      Version: "2012-10-17"
      Statement:
        - Sid: DenyRoot
          Effect: Deny
          Action: "*"
          Resource: "*"
          Condition: { StringLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } }
attachments:
  - policy: deny-root-user
    targets: [Research]
`
    )
    const org = sandbox!.organization
    // AttachPolicy answers 500 until the faults are reset: the apply stops after creating the OU and the policy.
    sandbox!.faults.set({ rules: [{ service: "organizations", operation: "AttachPolicy", errorRate: 1 }] })
    const failed = await miyabi("org", "apply", "--spec", spec, "--store", store)
    sandbox!.faults.reset()
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/^miyabi: step 3 .*Run the apply again to resume\.\n$/)
    expect(await journaled(spec)).toMatchObject({ finished: false, total: 3, entries: [{ step: 1, outcome: "applied" }, { step: 2, outcome: "applied" }] })

    const resumed = await miyabi("org", "apply", "--spec", spec, "--store", store)
    expect(resumed.code).toBe(0)
    expect(resumed.stdout).toContain("Resuming: an apply of this spec")
    expect(resumed.stdout).toContain("stopped after 2 of 3 steps")
    expect(resumed.stdout).toMatch(/1 applied/)
    expect(await journaled(spec)).toMatchObject({ finished: true, total: 1, interrupted: [{ done: 2, total: 3 }] })
    const research = [...org.ous.values()].filter((ou) => ou.name === "Research")
    const policies = [...org.policies.values()].filter((policy) => policy.name === "deny-root-user")
    expect(research).toHaveLength(1)
    expect(policies).toHaveLength(1)
    expect([...(org.attachments.get(research[0]!.id) ?? [])]).toContain(policies[0]!.id)
  })

  it("an invalid spec is one line naming the file, line and field, and exit 1", async () => {
    const spec = path.join(tmp, "bad.yaml")
    fs.writeFileSync(spec, SPEC.replace("email: aws+shared-tools@example.com", "email: not-an-email"))
    const line = SPEC.split("\n").findIndex((l) => l.includes("aws+shared-tools@example.com")) + 1
    const run = await miyabi("org", "plan", "--spec", spec, "--store", store)
    expect(run.code).toBe(1)
    expect(run.stdout).toBe("")
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1)
    expect(run.stderr).toContain(`${spec}:${line}:`)
    expect(run.stderr).toContain("field accounts[0].email")
  })

  it("vends an account, lists it, reports its status; a second create finds it instead of creating again", async () => {
    const created = json<{ accountId: string; resumed: boolean }>(
      await miyabi("accounts", "create", "--name", "team-a", "--email", "aws+team-a@example.com", "--ou", "Workloads", "--tag", "Owner=team-a", "--tag", "CostCenter=a", "--json", "--store", store)
    )
    expect(created.accountId).toMatch(/^\d{12}$/)
    expect(created.resumed).toBe(false)

    const [again, listed, status, missingOu] = await Promise.all([
      miyabi("accounts", "create", "--name", "team-a", "--email", "aws+team-a@example.com", "--ou", "Workloads", "--json", "--store", store),
      miyabi("accounts", "list", "--json", "--store", store),
      miyabi("accounts", "status", created.accountId, "--json", "--store", store),
      miyabi("accounts", "create", "--name", "x", "--email", "aws+x@example.com", "--ou", "Nowhere", "--store", store)
    ])
    expect(json(again)).toMatchObject({ accountId: created.accountId, resumed: true })
    const accounts = json<{ accounts: ReadonlyArray<{ id: string; name: string }> }>(listed).accounts
    expect(accounts.filter((a) => a.name === "team-a")).toEqual([expect.objectContaining({ id: created.accountId, ou: "Workloads", tags: { Owner: "team-a", CostCenter: "a" } })])
    expect(accounts.map((a) => a.name)).toContain("shared-tools")
    expect(json(status)).toMatchObject({ kind: "account", name: "team-a", status: "ACTIVE" })
    expect(missingOu.code).toBe(1)
    expect(missingOu.stderr).toContain("OU Nowhere does not exist")
  })

  it("account-vend tasks: the payload is checked on enqueue, and miyabi worker run vends the account", async () => {
    const tasks = `sqlite:${path.join(tmp, "tasks.db")}`
    const payload = JSON.stringify({ name: "queued-1", email: "aws+queued-1@example.com", ouPath: "Workloads", tags: { Owner: "queue" } })
    const [enqueued, malformed] = await Promise.all([
      miyabi("tasks", "enqueue", "account-vend", "--payload", payload, "--json", "--store", tasks),
      miyabi("tasks", "enqueue", "account-vend", "--payload", JSON.stringify({ name: "queued-2", ouPath: "Workloads" }), "--store", tasks)
    ])
    expect(json<{ created: boolean; task: { kind: string } }>(enqueued)).toMatchObject({ created: true, task: { kind: "account-vend" } })
    expect(malformed.code).toBe(1)
    expect(malformed.stderr).toContain("email")

    // The worker logs JSON lines on stderr; its summary is stdout.
    const worked = await miyabi("worker", "run", "--until-empty", "--json", "--store", tasks)
    expect(worked.code).toBe(0)
    expect(JSON.parse(worked.stdout)).toMatchObject({ completed: 1, deadLettered: 0 })
    const vended = [...sandbox!.organization.accounts.values()].filter((account) => account.name === "queued-1")
    expect(vended).toHaveLength(1)
    expect(vended[0]?.parentId).toBe([...sandbox!.organization.ous.values()].find((ou) => ou.name === "Workloads")?.id)
  })

  it("places customers on a pool and a silo, records them in the --store, advises and offboards", async () => {
    const pool = json<{ placed: ReadonlyArray<{ model: string; accountId: string }>; vended: ReadonlyArray<string>; store: string }>(
      await miyabi("tenants", "place", "acme", "globex", "initech", "--json", "--store", store)
    )
    expect(pool.store).toBe(`sqlite:${store}`)
    expect(pool.vended).toEqual(["pool-1"])
    expect(pool.placed.map((p) => p.model)).toEqual(["Pool", "Pool", "Pool"])
    expect(new Set(pool.placed.map((p) => p.accountId)).size).toBe(1)
    const silo = json<{ placed: ReadonlyArray<{ model: string; accountId: string }>; vended: ReadonlyArray<string> }>(
      await miyabi("tenants", "place", "megacorp", "--model", "silo", "--monthly-cost", "2500", "--json", "--store", store)
    )
    expect(silo.vended).toEqual(["silo-megacorp"])
    expect(silo.placed).toEqual([expect.objectContaining({ model: "Silo" })])
    expect(silo.placed[0]?.accountId).not.toBe(pool.placed[0]?.accountId)

    const [listed, advice] = await Promise.all([miyabi("tenants", "list", "--json", "--store", store), miyabi("tenants", "advise", "--store", store)])
    const list = json<{ placements: ReadonlyArray<{ customerId: string; model: string }>; summary: { byModel: Record<string, number>; pools: ReadonlyArray<unknown> } }>(listed)
    expect(list.placements.map((p) => `${p.customerId}:${p.model}`).sort()).toEqual(["acme:Pool", "globex:Pool", "initech:Pool", "megacorp:Silo"])
    expect(list.summary.byModel).toEqual({ Pool: 3, Silo: 1, Bridge: 0 })
    expect(list.summary.pools).toEqual([expect.objectContaining({ members: 3, capacity: 100 })])
    expect(advice.code).toBe(0)
    expect(advice.stdout).toMatch(/megacorp\s+Silo\s+\$2,500/)
    // The vended accounts sit in the tenancy OUs the org spec created.
    const org = sandbox!.organization
    const ouNamed = (name: string) => [...org.ous.values()].find((ou) => ou.name === name)?.id
    expect(org.accounts.get(pool.placed[0]!.accountId)?.parentId).toBe(ouNamed("Pools"))
    expect(org.accounts.get(silo.placed[0]!.accountId)?.parentId).toBe(ouNamed("VIP"))

    const offboard = json<{ actions: ReadonlyArray<{ _tag: string }> }>(await miyabi("tenants", "offboard", "globex", "--json", "--store", store))
    expect(offboard.actions.map((a) => a._tag)).toEqual(["RemoveFromPool", "ScheduleDataDeletion"])
    const recorded = await Effect.runPromise(
      Effect.flatMap(TenancyStore.TenancyStore, (s) => s.load()).pipe(Effect.provide(TenancyStoreSqlite.layer(store)), Effect.scoped)
    )
    expect(recorded.placements.map((p) => p.customerId).sort()).toEqual(["acme", "initech", "megacorp"])
    expect(recorded.departed.map((p) => p.customerId)).toEqual(["globex"])
  })

  it("places a bridge customer on a bridge account with its own tagged DynamoDB table; placing it again finds the table", async () => {
    interface BridgePlace {
      readonly placed: ReadonlyArray<{ readonly model: string; readonly accountId: string }>
      readonly vended: ReadonlyArray<string>
      readonly bridge: {
        readonly provisioned: ReadonlyArray<{ readonly customerId: string; readonly accountId: string; readonly table: string; readonly created: boolean; readonly tags: Record<string, string> }>
        readonly pending: ReadonlyArray<unknown>
      }
    }
    const first = json<BridgePlace>(await miyabi("tenants", "place", "hooli", "--model", "bridge", "--json", "--store", store))
    expect(first.vended).toEqual(["bridge-1"])
    expect(first.placed).toEqual([expect.objectContaining({ model: "Bridge" })])
    expect(first.bridge.pending).toEqual([])
    expect(first.bridge.provisioned).toEqual([
      expect.objectContaining({ customerId: "hooli", accountId: first.placed[0]!.accountId, table: "miyabi-bridge-hooli", created: true, tags: { CostCenter: "hooli", Tenancy: "Bridge", ManagedBy: "miyabi" } })
    ])
    const again = json<BridgePlace>(await miyabi("tenants", "place", "hooli", "--model", "bridge", "--json", "--store", store))
    expect(again.placed).toEqual([])
    expect(again.bridge.provisioned.map((p) => [p.table, p.created])).toEqual([["miyabi-bridge-hooli", false]])
  })
})
