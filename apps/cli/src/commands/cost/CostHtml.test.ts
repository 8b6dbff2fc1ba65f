/**
 * The HTML report `miyabi cost report --format html --out FILE` writes (here
 * from the public FOCUS 1.0 sample, FinOps Foundation, CC BY 4.0), opened
 * from the file in headless Chromium (Debian's `chromium`; CHROMIUM names
 * another binary): it loads with no network, logs no console message and
 * draws its charts. Where Chromium is missing the setup installs it with
 * apt-get when it can (root, apt-get present); when it cannot, the test is
 * skipped and the reason printed.
 */
import { spawnSync } from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { assertBuilt, miyabi } from "../sandbox/testing/BuiltCli.js"

const repoRoot = fileURLToPath(new URL("../../../../../", import.meta.url))
const focusSample = path.resolve(repoRoot, "../shared/reference-data/cur/focus-1.0_focus_sample.csv")
const chromium = process.env["CHROMIUM"] ?? "chromium"
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-cost-html-"))

const found = (): boolean => spawnSync(chromium, ["--version"], { encoding: "utf8", timeout: 30_000 }).status === 0

/** Chromium, installed on the spot when missing and possible; else why not. */
const ensureChromium = (): string | undefined => {
  if (found()) return undefined
  if (process.env["CHROMIUM"] !== undefined) return `CHROMIUM=${chromium} does not run`
  if (typeof process.getuid === "function" && process.getuid() !== 0) return "chromium is not installed and this user cannot apt-get install it (not root)"
  if (spawnSync("apt-get", ["--version"]).status !== 0) return "chromium is not installed and there is no apt-get"
  const install = spawnSync("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium"], { encoding: "utf8", timeout: 600_000 })
  if (install.status !== 0) return `apt-get install chromium failed: ${(install.stderr || install.stdout).trim().split("\n").at(-1) ?? ""}`
  return found() ? undefined : "chromium was installed but does not run"
}

const missing = ensureChromium()
if (missing !== undefined) console.warn(`SKIPPED the HTML-in-Chromium test: ${missing}`)

const headless = (args: ReadonlyArray<string>) =>
  spawnSync(chromium, ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--enable-logging=stderr", "--v=0", ...args], {
    encoding: "utf8",
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024
  })

beforeAll(assertBuilt)
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

describe("the cost report's HTML in headless Chromium", () => {
  it.skipIf(missing !== undefined)("loads from the file with no console messages and renders its charts", () => {
    const file = path.join(tmp, "report.html")
    const written = miyabi(["cost", "report", "--month", "2024-09", "--cur", focusSample, "--tag", "business_unit", "--format", "html", "--out", file])
    expect(written.code).toBe(0)
    const dom = headless(["--dump-dom", pathToFileURL(file).href])
    expect(dom.error).toBeUndefined()
    expect(dom.status).toBe(0)
    // Chromium logs every console message (errors, blocked loads) as "...:CONSOLE..." on stderr.
    expect(dom.stderr.split("\n").filter((l) => /:CONSOLE[:(]/.test(l))).toEqual([])
    expect(dom.stdout.match(/<svg /g)?.length ?? 0).toBeGreaterThanOrEqual(3)
    expect(dom.stdout).toContain("business_unit")
  }, 120_000)
})
