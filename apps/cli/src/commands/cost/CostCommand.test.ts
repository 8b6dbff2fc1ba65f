/**
 * `miyabi cost ...` through the built CLI (a child process): the fleet
 * model, reports from a generated CUR fixture and from the public FOCUS 1.0
 * sample (FinOps Foundation, CC BY 4.0), Cost Explorer against a sandbox
 * this test starts, cost per task from a drained store, budgets, bad input.
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { CurFixtures, DuckDb } from "@miyabi/cost"
import { type RunningSandbox, sandboxEstate, startSandbox } from "@miyabi/sandbox"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertBuilt, miyabi, miyabiAsync } from "../sandbox/testing/BuiltCli.js"

const repoRoot = fileURLToPath(new URL("../../../../../", import.meta.url))
// CI checks the repository out with shared/ beside the clone.
const focusSample = path.resolve(repoRoot, "../shared/reference-data/cur/focus-1.0_focus_sample.csv")

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-cost-cli-"))
const micros = (decimal: string): number => {
  const [whole = "0", frac = ""] = decimal.replace("-", "").split(".")
  return (decimal.startsWith("-") ? -1 : 1) * (Number(whole) * 1_000_000 + Number(frac.padEnd(6, "0")))
}

let fixture: CurFixtures.Fixture
const accountsFile = path.join(tmp, "accounts.json")

beforeAll(async () => {
  assertBuilt()
  fs.mkdirSync(path.join(tmp, "cur"))
  fixture = await Effect.runPromise(
    CurFixtures.writeFixture({ dir: path.join(tmp, "cur"), rows: 3_000, month: "2026-10", formats: ["legacy-csv-gz"] }).pipe(
      Effect.provide(DuckDb.layer({ config: { threads: "1" } }))
    )
  )
  fs.writeFileSync(accountsFile, JSON.stringify(CurFixtures.FIXTURE_POLICY.accounts))
}, 60_000)
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

interface ReportJson {
  readonly billTotal: string
  readonly allocatedTotal: string
  readonly unallocated: string
  readonly calls?: { readonly sent: number; readonly cached: number }
  readonly ingest?: { readonly rowsRead: number; readonly rowsSkipped: number; readonly skipped: ReadonlyArray<{ reason: string; rows: number }> }
  readonly rows: ReadonlyArray<ReadonlyArray<string>>
}

describe("miyabi cost model (built)", () => {
  it("prints the monthly cost, tasks/day and cost per task with the SPEC's figures beside", () => {
    const result = miyabi(["cost", "model", "--workers", "100", "--size", "standard"])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^100 standard worker\(s\), on-demand: \$\d[\d,]*\.\d\d\/month, 9,600 tasks\/day, \$0\.23 per task$/m)
    expect(result.stdout).toMatch(/^100 standard workers\s+9,600\s+9,600\s+\$2,914\.56\s+\$2,915\s+\$0\.23\s+\$0\.23$/m)
    expect(result.stdout).toMatch(/^1 standard worker\s+96\s+96\s+\$29\.15\s+\$29\s+\$0\.30\s+\$0\.30$/m)

    const spot = JSON.parse(miyabi(["cost", "model", "--workers", "100", "--size", "standard", "--spot", "--json"]).stdout) as { fleetMonthly: string; tasksPerDay: number }
    // Spot at 30 % of on-demand: 2,914.56 x 0.3.
    expect(spot).toMatchObject({ fleetMonthly: "874.368000", tasksPerDay: 9_600 })
  })
})

describe("miyabi cost report --source cur (built)", () => {
  it("allocates the generated CUR month to the cent of the fixture's bill, by customer, account and service", () => {
    const result = miyabi(["cost", "report", "--month", "2026-10", "--source", "cur", "--cur", path.join(tmp, "cur"), "--accounts", accountsFile, "--json"])
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as ReportJson
    expect(micros(report.billTotal)).toBe(fixture.totalMicros)
    expect(micros(report.allocatedTotal)).toBe(fixture.totalMicros)
    expect(report.rows.map((r) => r[0])).toEqual(expect.arrayContaining(["acme", "globex", "hooli", "initech", "umbrella", "TOTAL"]))
    expect(micros(report.rows.at(-1)?.[3] ?? "")).toBe(fixture.totalMicros)
    expect(report.ingest?.rowsRead).toBe(fixture.rows)

    const table = miyabi(["cost", "report", "--month", "2026-10", "--cur", path.join(tmp, "cur"), "--accounts", accountsFile, "--by", "account"])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/^100000000001\s+\$[\d,]+\.\d\d$/m)
    expect(table.stdout).toMatch(/^TOTAL\s+\$[\d,]+\.\d\d$/m)
    expect(table.stdout).toMatch(/row\(s\) read from 1 file\(s\) \(legacy-cur\), 0 skipped/)

    const csv = path.join(tmp, "by-service.csv")
    expect(miyabi(["cost", "report", "--month", "2026-10", "--cur", path.join(tmp, "cur"), "--by", "service", "--format", "csv", "--out", csv]).code).toBe(0)
    const lines = fs.readFileSync(csv, "utf8").trimEnd().split("\r\n")
    expect(lines[0]).toBe("service,cost")
    const services = lines.slice(1, -1).reduce((s, l) => s + micros(l.split(",")[1] ?? ""), 0)
    expect(services).toBe(fixture.totalMicros)

    const html = path.join(tmp, "report.html")
    expect(miyabi(["cost", "report", "--month", "2026-10", "--cur", path.join(tmp, "cur"), "--accounts", accountsFile, "--format", "html", "--out", html]).code).toBe(0)
    const page = fs.readFileSync(html, "utf8")
    expect(page).toMatch(/^<!doctype html>/i)
    expect(page).toContain("<svg")
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href="http/i)
  }, 60_000)

  it("reads the public FOCUS 1.0 sample and prints what it skipped (other providers), with counts", () => {
    expect(fs.existsSync(focusSample)).toBe(true)
    const result = miyabi(["cost", "report", "--month", "2024-09", "--cur", focusSample, "--tag", "business_unit", "--json"])
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as ReportJson
    expect(report.billTotal).toBe(report.allocatedTotal)
    expect(report.ingest?.skipped).toEqual(expect.arrayContaining([expect.objectContaining({ reason: "provider Microsoft", rows: 51 })]))
    const text = miyabi(["cost", "report", "--month", "2024-09", "--cur", focusSample, "--tag", "business_unit"])
    expect(text.stdout).toMatch(/^skipped 51 row\(s\): provider Microsoft \(\$[\d.]+ of known cost\)$/m)
    expect(text.stdout).toMatch(/^1000 row\(s\) read from 1 file\(s\) \(focus\), 58 skipped$/m)
  }, 60_000)

  it("shows one customer and its budget forecast from the same month", () => {
    const acme = JSON.parse(
      miyabi(["cost", "customer", "acme", "--month", "2026-10", "--cur", path.join(tmp, "cur"), "--accounts", accountsFile, "--json"]).stdout
    ) as { total: string; explanation: ReadonlyArray<{ kind: string; amount: string }> }
    expect(micros(acme.total)).toBeGreaterThan(0)
    expect(acme.explanation.reduce((s, e) => s + micros(e.amount), 0)).toBe(micros(acme.total))
    expect(acme.explanation.map((e) => e.kind)).toContain("silo")

    const budgets = miyabi(["cost", "budgets", "--month", "2026-10", "--cur", path.join(tmp, "cur"), "--accounts", accountsFile, "--budget", "acme=1", "--budget", "globex=1000000", "--json"])
    expect(budgets.code).toBe(0)
    const parsed = JSON.parse(budgets.stdout) as { alerts: ReadonlyArray<string>; forecasts: ReadonlyArray<{ customer: string; monthToDate: string; forecast: string; alert: boolean }> }
    expect(parsed.alerts).toEqual(["acme"])
    // A month in the past is complete: the forecast is what was spent.
    const acmeForecast = parsed.forecasts.find((f) => f.customer === "acme")
    expect(acmeForecast?.forecast).toBe(acmeForecast?.monthToDate)
    // Budgets allocate each day on its own (a pool's tagged share differs by day), so the
    // month-to-date may differ from the monthly allocation by rounding, never by a cent.
    expect(Math.abs(micros(acmeForecast?.monthToDate ?? "") - micros(acme.total))).toBeLessThan(10_000)

    const unknown = miyabi(["cost", "customer", "nobody", "--month", "2026-10", "--cur", path.join(tmp, "cur")])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/^miyabi: customer .*nobody not found\n$/)
  }, 60_000)
})

describe("miyabi cost report --source ce (built, against a sandbox)", () => {
  let sandbox: RunningSandbox
  const estate = sandboxEstate({ seed: 3, size: "tiny" })
  beforeAll(async () => {
    sandbox = await startSandbox({ estate, dynamodb: false })
  }, 30_000)
  afterAll(() => sandbox.stop())

  it("reads the month from Cost Explorer and allocates exactly the sandbox's bill", async () => {
    const DAY = 86_400_000
    const month = new Date(estate.data.asOf - DAY).toISOString().slice(0, 7)
    const [year, m] = month.split("-").map(Number) as [number, number]
    const next = new Date(Date.UTC(year, m, 1)).toISOString().slice(0, 10)
    const bill = [...estate.costs.lines(`${month}-01`, next)].reduce((s, l) => s + l.unblendedMicroUsd, 0)
    const env = { ...sandbox.env, AWS_ENDPOINT_URL_STS: "", AWS_SESSION_TOKEN: "", AWS_PROFILE: "", MIYABI_AWS_RATE_LIMITS: "cost-explorer=1000:1000" }
    const result = await miyabiAsync(["cost", "report", "--month", month, "--source", "ce", "--json"], env)
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    const report = JSON.parse(result.stdout) as ReportJson
    expect(bill).toBeGreaterThan(0)
    expect(micros(report.billTotal)).toBe(bill)
    expect(micros(report.allocatedTotal)).toBe(bill)
    expect(report.calls?.sent).toBe(sandbox.log.requests().filter((r) => r.operation === "GetCostAndUsage").length)
    expect(report.rows.some((r) => r[0]?.startsWith("cust-"))).toBe(true)
  }, 60_000)
})

describe("miyabi cost per-task (built)", () => {
  it("splits the fleet cost over the store's completed tasks exactly, per customer and kind", () => {
    const store = path.join(tmp, "tasks.db")
    for (const [tenant, message] of [["acme", "a"], ["acme", "b"], ["globex", "c"]] as const) {
      expect(miyabi(["tasks", "enqueue", "echo", "--store", store, "--tenant", tenant, "--payload", JSON.stringify({ message })]).code).toBe(0)
    }
    expect(miyabi(["worker", "run", "--store", store, "--until-empty"]).code).toBe(0)
    const result = miyabi(["cost", "per-task", "--store", store, "--since", "1d", "--fleet-cost", "10", "--json"])
    expect(result.code).toBe(0)
    const parsed = JSON.parse(result.stdout) as { tasks: number; fleetCost: string; customers: ReadonlyArray<{ customer: string; tasks: number; cost: string }>; kinds: ReadonlyArray<{ kind: string; tasks: number; cost: string }> }
    expect(parsed.tasks).toBe(3)
    expect(parsed.fleetCost).toBe("10.000000")
    expect(parsed.customers.map((c) => [c.customer, c.tasks])).toEqual([["acme", 2], ["globex", 1]])
    expect(parsed.customers.reduce((s, c) => s + micros(c.cost), 0)).toBe(10_000_000)
    expect(parsed.kinds.map((k) => [k.kind, k.tasks, k.cost])).toEqual([["echo", 3, "10.000000"]])
  }, 60_000)
})

describe("the cost-report task kind (built worker)", () => {
  it("runs a queued cost-report from CUR files, grouped by service, writing the reports", () => {
    const store = path.join(tmp, "report-tasks.db")
    const out = path.join(tmp, "task-out")
    const payload = { month: "2026-10", source: "cur", curPath: path.join(tmp, "cur"), by: "service", outputDir: out }
    const enqueued = miyabi(["tasks", "enqueue", "cost-report", "--store", store, "--payload", JSON.stringify(payload), "--json"])
    expect(enqueued.code).toBe(0)
    expect(miyabi(["worker", "run", "--store", store, "--until-empty"]).code).toBe(0)
    const id = (JSON.parse(enqueued.stdout) as { task: { id: string } }).task.id
    const { task } = JSON.parse(miyabi(["tasks", "show", id, "--store", store, "--json"]).stdout) as {
      task: { status: string; result: { by: string; billTotal: string; rows: ReadonlyArray<ReadonlyArray<string>>; files: ReadonlyArray<string> } }
    }
    expect(task.status).toBe("Completed")
    expect(task.result.by).toBe("service")
    expect(micros(task.result.billTotal)).toBe(fixture.totalMicros)
    expect(task.result.rows.at(-1)?.[0]).toBe("TOTAL")
    expect(task.result.files.map((f) => path.basename(f)).sort()).toEqual(["report.csv", "report.html", "report.json"])
    expect(fs.readFileSync(path.join(out, "report.csv"), "utf8").split("\r\n")[0]).toBe("service,cost")
  }, 60_000)

  it("refuses a malformed cost-report payload when it is enqueued", () => {
    const result = miyabi(["tasks", "enqueue", "cost-report", "--store", path.join(tmp, "bad.db"), "--payload", '{"month":"2026-10","source":"cur"}'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^miyabi: .*curPath is required when source is cur/)
  })
})

describe("miyabi cost: bad input is one line naming the flag or file, exit 1", () => {
  it.each([
    [["cost", "report", "--month", "2026-13", "--cur", "x.csv"], 'miyabi: --month: "2026-13" is not a month such as 2026-10\n'],
    [["cost", "report", "--month", "2026-10", "--by", "team", "--cur", "x.csv"], 'miyabi: --by: "team" is not one of customer, account, service\n'],
    [["cost", "report", "--month", "2026-10", "--source", "cur"], "miyabi: --cur: a CUR file or folder is required with --source cur\n"],
    [["cost", "report", "--month", "2026-10", "--format", "pdf"], 'miyabi: --format: "pdf" is not one of table, csv, json, html\n'],
    [["cost", "model", "--size", "huge"], 'miyabi: --size: "huge" is not one of light, standard, medium, heavy, xl\n'],
    [["cost", "budgets", "--budget", "acme", "--cur", "x.csv"], 'miyabi: --budget: "acme" is not CUSTOMER=USD\n']
  ])("%j", (args, stderr) => {
    expect(miyabi(args)).toMatchObject({ code: 1, stdout: "", stderr })
  })

  it("names a CUR file with missing columns and the columns", () => {
    const bad = path.join(tmp, "bad-cur.csv")
    fs.writeFileSync(bad, "lineItem/UsageStartDate,lineItem/UnblendedCost\n2026-10-01T00:00:00Z,1.5\n")
    const result = miyabi(["cost", "report", "--month", "2026-10", "--cur", bad])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe("")
    expect(result.stderr).toContain(bad)
    expect(result.stderr).toMatch(/lineItem\/UsageAccountId/)
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1)
  })
})
