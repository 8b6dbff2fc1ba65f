import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { contentKey, readSnapshot, snapshotAnswer, snapshotFileName } from "./StartupSnapshot.js"
import { startupClosure, writeStartupSnapshot, type OutputGraph } from "./WriteSnapshot.js"

const root = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-write-snapshot-"))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

// The shape of esbuild's metafile: paths relative to the build's working directory.
const graph: OutputGraph = {
  outputs: {
    "dist/main.js": { imports: [{ path: "dist/chunk-rt.js", kind: "import-statement" }, { path: "node:fs", kind: "import-statement", external: true }, { path: "dist/Live.js", kind: "dynamic-import" }] },
    "dist/Live.js": { imports: [{ path: "dist/chunk-effect.js", kind: "import-statement" }, { path: "dist/Handlers.js", kind: "dynamic-import" }, { path: "better-sqlite3", kind: "import-statement", external: true }] },
    "dist/chunk-effect.js": { imports: [{ path: "dist/chunk-rt.js", kind: "import-statement" }] },
    "dist/chunk-rt.js": { imports: [] },
    "dist/Handlers.js": { imports: [{ path: "dist/chunk-aws.js", kind: "import-statement" }] },
    "dist/chunk-aws.js": { imports: [] },
    "dist/main.js.map": { imports: [] }
  }
}

describe("startupClosure", () => {
  it("keeps the entry, its imports, and static imports below them, but no handler chunks", () => {
    expect(startupClosure(graph, "/app", "/app/dist", "main.js")).toEqual(["main.js", "chunk-rt.js", "Live.js", "chunk-effect.js"])
  })

  it("fails on an entry the build did not write", () => {
    expect(() => startupClosure(graph, "/app", "/app/dist", "cli.js")).toThrow(/cli.js is not an output/)
  })
})

/** A stand-in for the built CLI: prints per argument, and refuses to run if the snapshot is not switched off. */
const fakeCli = (dir: string, body: string): void => {
  fs.mkdirSync(dir, { recursive: true })
  const script = `if (process.env.MIYABI_STARTUP_SNAPSHOT !== "off") { process.stderr.write("snapshot not off"); process.exit(3) }\n${body}\n`
  fs.writeFileSync(path.join(dir, "main.js"), script)
  fs.writeFileSync(path.join(dir, "chunk-rt.js"), "export {}\n")
  fs.writeFileSync(path.join(dir, "Live.js"), "export {}\n")
  fs.writeFileSync(path.join(dir, "chunk-effect.js"), "export {}\n")
}

describe("writeStartupSnapshot", () => {
  it("records each invocation's stdout from the real run, keyed on the closure", async () => {
    const dir = path.join(root, "ok", "dist")
    fakeCli(dir, `const arg = process.argv[2]; console.log(arg === "--version" ? "9.9.9\\n" : "help for " + arg)`)
    const snapshot = await writeStartupSnapshot({ outDir: dir, cwd: path.dirname(dir), graph, entry: "main.js" })
    expect(snapshot.outputs).toEqual({ "--help": "help for --help\n", "-h": "help for -h\n", "--version": "9.9.9\n\n" })
    expect(snapshot.key).toBe(contentKey(dir, ["main.js", "chunk-rt.js", "Live.js", "chunk-effect.js"]))
    expect(readSnapshot(dir)).toEqual(snapshot)
    expect(snapshotAnswer(dir, ["-h"], {})).toBe("help for -h\n")
    fs.appendFileSync(path.join(dir, "chunk-effect.js"), "export const changed = true\n")
    expect(snapshotAnswer(dir, ["-h"], {})).toBeUndefined()
  })

  it("records in an environment without colour settings, so Node's NO_COLOR/FORCE_COLOR warning cannot fail the build", async () => {
    const dir = path.join(root, "colours", "dist")
    fakeCli(dir, `console.log(process.argv[2], process.env.NO_COLOR ?? "-", process.env.FORCE_COLOR ?? "-")`)
    const saved = { NO_COLOR: process.env["NO_COLOR"], FORCE_COLOR: process.env["FORCE_COLOR"] }
    Object.assign(process.env, { NO_COLOR: "1", FORCE_COLOR: "1" })
    try {
      const snapshot = await writeStartupSnapshot({ outDir: dir, cwd: path.dirname(dir), graph, entry: "main.js" })
      expect(snapshot.outputs["--help"]).toBe("--help - -\n")
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key]
        else process.env[key] = value
      }
    }
  })

  it("fails, leaving no snapshot, when a run writes to stderr or exits non-zero", async () => {
    const noisy = path.join(root, "noisy", "dist")
    fakeCli(noisy, `console.error("warning"); console.log("help")`)
    await expect(writeStartupSnapshot({ outDir: noisy, cwd: path.dirname(noisy), graph, entry: "main.js" })).rejects.toThrow(/--help` exited 0 with stderr "warning\\n"/)
    expect(fs.existsSync(path.join(noisy, snapshotFileName))).toBe(false)
    const failing = path.join(root, "failing", "dist")
    fakeCli(failing, `console.log("x"); process.exitCode = process.argv[2] === "--version" ? 1 : 0`)
    await expect(writeStartupSnapshot({ outDir: failing, cwd: path.dirname(failing), graph, entry: "main.js" })).rejects.toThrow(/--version` exited 1/)
    expect(fs.existsSync(path.join(failing, snapshotFileName))).toBe(false)
  })
})
