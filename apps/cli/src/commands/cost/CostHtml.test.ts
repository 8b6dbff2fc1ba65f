/**
 * The HTML report `miyabi cost report --format html --out FILE` writes (here
 * from the public FOCUS 1.0 sample, FinOps Foundation, CC BY 4.0), opened
 * from the file in headless Chromium (Debian's `chromium`; CHROMIUM names
 * another binary): it loads with no network, logs no console message and
 * draws its charts. Tests never reach the network, so a machine without
 * Chromium skips this test and prints why (`apt-get install chromium` brings
 * it). Chromium's own background connections are switched off by flag.
 */
import { spawn } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertBuilt, miyabiAsync } from "../sandbox/testing/BuiltCli.js"

const repoRoot = fileURLToPath(new URL("../../../../../", import.meta.url))
const focusSample = path.resolve(repoRoot, "../shared/reference-data/cur/focus-1.0_focus_sample.csv")
const chromium = process.env["CHROMIUM"] ?? "chromium"
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-cost-html-"))

interface Ran {
  readonly status: number | null
  readonly error: Error | undefined
  readonly stdout: string
  readonly stderr: string
}

/** Runs `command` to its end without blocking the test's event loop (vitest's RPC), killed after `timeout` ms. */
const run = (command: string, args: ReadonlyArray<string>, timeout: number): Promise<Ran> =>
  new Promise((resolve) => {
    const child = spawn(command, args, { timeout, killSignal: "SIGKILL" })
    let stdout = ""
    let stderr = ""
    let error: Error | undefined
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.once("error", (e) => (error = e))
    child.once("close", (status) => resolve({ status, error, stdout, stderr }))
  })

/** Why the test cannot run here, if it cannot. */
const ensureChromium = async (): Promise<string | undefined> => {
  if ((await run(chromium, ["--version"], 30_000)).status === 0) return undefined
  return process.env["CHROMIUM"] !== undefined ? `CHROMIUM=${chromium} does not run` : "chromium is not installed (apt-get install chromium)"
}

const missing = await ensureChromium()
if (missing !== undefined) console.warn(`SKIPPED the HTML-in-Chromium test: ${missing}`)

// Off: every connection Chromium would make on its own (updates, sync, lookups), so it stays on this machine.
const offline = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run", "--no-default-browser-check"]

const headless = (args: ReadonlyArray<string>) =>
  run(chromium, ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", ...offline, `--user-data-dir=${path.join(tmp, "profile")}`, "--enable-logging=stderr", "--v=0", ...args], 60_000)

beforeAll(assertBuilt)
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe("the cost report's HTML in headless Chromium", () => {
  it.skipIf(missing !== undefined)("loads from the file with no console messages and renders its charts", async () => {
    const file = path.join(tmp, "report.html")
    const written = await miyabiAsync(["cost", "report", "--month", "2024-09", "--cur", focusSample, "--tag", "business_unit", "--format", "html", "--out", file])
    expect(written.code).toBe(0)
    const dom = await headless(["--dump-dom", pathToFileURL(file).href])
    expect(dom.error).toBeUndefined()
    expect(dom.status).toBe(0)
    // Chromium logs every console message (errors, blocked loads) as "...:CONSOLE..." on stderr.
    expect(dom.stderr.split("\n").filter((l) => /:CONSOLE[:(]/.test(l))).toEqual([])
    expect(dom.stdout.match(/<svg /g)?.length ?? 0).toBeGreaterThanOrEqual(3)
    expect(dom.stdout).toContain("business_unit")
  }, 120_000)
})
