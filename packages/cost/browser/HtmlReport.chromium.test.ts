/**
 * The HTML report in headless Chromium (Debian's `chromium` package; set
 * CHROMIUM to another binary). Not part of `test`: run `npm run -w
 * @miyabi/cost test:chromium` where Chromium is installed. Checks that the page
 * loads from a file with no network, logs no console errors, and renders its
 * three charts.
 */
import { spawnSync } from "node:child_process"
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { AllocationPolicy, CostLine, MicroUsd } from "@miyabi/types"
import { Either, Schema } from "effect"
import { toHtml } from "../src/HtmlReport.js"
import { buildReport, dailyCustomerCosts } from "../src/Report.js"

const chromium = process.env["CHROMIUM"] ?? "chromium"
let dir = ""

const line = (date: string, account: string, service: string, micros: number, customer?: string) =>
  new CostLine({ date, account, service, tags: customer === undefined ? {} : { CostCenter: customer }, unblended: MicroUsd.make(micros), amortized: MicroUsd.make(micros) })

const policy = Schema.decodeUnknownSync(AllocationPolicy)({
  accounts: [
    { account: "111111111111", kind: "silo", customers: ["acme"] },
    { account: "222222222222", kind: "pool", customers: ["globex", "initech"] }
  ]
})
const lines = Array.from({ length: 30 }, (_, i) => {
  const date = `2026-10-${String(i + 1).padStart(2, "0")}`
  return [
    line(date, "111111111111", "AmazonEC2", 5_000_000 + i * 10_000),
    line(date, "222222222222", "AmazonRDS", 3_000_000, "globex"),
    line(date, "222222222222", "AmazonS3", 1_000_000 + i * 1_000),
    line(date, "333333333333", "AWSLambda", 200_000)
  ]
}).flat()

const run = (args: ReadonlyArray<string>) =>
  spawnSync(chromium, ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--enable-logging=stderr", "--v=0", ...args], {
    encoding: "utf8",
    timeout: 60_000
  })

describe("HtmlReport in headless Chromium", () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "miyabi-html-"))
  })
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it("loads from a file with no console errors and renders three charts", async () => {
    const report = Either.getOrThrow(buildReport({ lines, policy, source: "test" }))
    const daily = Either.getOrThrow(dailyCustomerCosts(lines, policy))
    const file = join(dir, "report.html")
    await writeFile(file, toHtml(report, { daily }))
    const url = pathToFileURL(file).href
    const dom = run(["--dump-dom", url])
    expect(dom.error).toBeUndefined()
    expect(dom.status).toBe(0)
    // Chromium logs every console message as "INFO:CONSOLE:<line>] ..." whatever its level; the page has
    // no script, so any console line (an error, a blocked load) is a failure.
    expect(dom.stderr.split("\n").filter((l) => /:CONSOLE[:(]/.test(l))).toEqual([])
    expect(dom.stdout.match(/<svg /g)).toHaveLength(3)
    expect(dom.stdout.match(/<rect /g)?.length ?? 0).toBeGreaterThan(30)
    const png = join(dir, "report.png")
    const shot = run([`--screenshot=${png}`, "--window-size=1000,1400", url])
    expect(shot.status).toBe(0)
    const bytes = await readFile(png)
    expect(bytes.subarray(1, 4).toString("ascii")).toBe("PNG")
    // A blank page compresses to a few kilobytes; bars and text do not.
    expect(bytes.length).toBeGreaterThan(20_000)
  })
})
