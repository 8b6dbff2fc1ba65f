import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { contentKey, readSnapshot, snapshotAnswer, snapshotFileName, type StartupSnapshot } from "./StartupSnapshot.js"

const root = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-startup-snapshot-"))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

let dirs = 0
/** A directory with two "built" files and a snapshot keyed on them. */
const built = (overrides: Partial<StartupSnapshot> = {}): string => {
  const dir = path.join(root, `dist-${dirs++}`)
  fs.mkdirSync(dir)
  fs.writeFileSync(path.join(dir, "main.js"), "console.log('main')\n")
  fs.writeFileSync(path.join(dir, "chunk-A.js"), "export const a = 1\n")
  const files = ["main.js", "chunk-A.js"]
  const snapshot: StartupSnapshot = { format: 1, files, key: contentKey(dir, files)!, outputs: { "--help": "HELP\n", "-h": "HELP\n", "--version": "1.2.3\n\n" }, ...overrides }
  fs.writeFileSync(path.join(dir, snapshotFileName), JSON.stringify(snapshot))
  return dir
}

describe("contentKey", () => {
  it("changes with any file's content or name and is undefined for a missing file", () => {
    const dir = built()
    const key = contentKey(dir, ["main.js", "chunk-A.js"])
    expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(contentKey(dir, ["main.js", "chunk-A.js"])).toBe(key)
    expect(contentKey(dir, ["chunk-A.js", "main.js"])).not.toBe(key)
    fs.appendFileSync(path.join(dir, "chunk-A.js"), " ")
    expect(contentKey(dir, ["main.js", "chunk-A.js"])).not.toBe(key)
    expect(contentKey(dir, ["main.js", "chunk-B.js"])).toBeUndefined()
  })
})

describe("snapshotAnswer", () => {
  it("answers exactly the recorded single-argument invocations", () => {
    const dir = built()
    expect(snapshotAnswer(dir, ["--help"], {})).toBe("HELP\n")
    expect(snapshotAnswer(dir, ["-h"], {})).toBe("HELP\n")
    expect(snapshotAnswer(dir, ["--version"], {})).toBe("1.2.3\n\n")
    for (const args of [[], ["tasks", "--help"], ["--help", "--json"], ["--json", "--help"], ["--version", "x"], ["--wizard"], ["help"]]) {
      expect(snapshotAnswer(dir, args, {})).toBeUndefined()
    }
  })

  it("runs the real CLI when switched off, or when an invocation was not recorded", () => {
    expect(snapshotAnswer(built(), ["--help"], { MIYABI_STARTUP_SNAPSHOT: "off" })).toBeUndefined()
    expect(snapshotAnswer(built({ outputs: { "--help": "HELP\n" } }), ["--version"], {})).toBeUndefined()
  })

  it("refuses a snapshot whose files changed, disappeared or were never keyed", () => {
    const edited = built()
    fs.writeFileSync(path.join(edited, "chunk-A.js"), "export const a = 2\n")
    expect(snapshotAnswer(edited, ["--help"], {})).toBeUndefined()
    const missing = built()
    fs.rmSync(path.join(missing, "main.js"))
    expect(snapshotAnswer(missing, ["--help"], {})).toBeUndefined()
    expect(snapshotAnswer(built({ key: "0".repeat(64) }), ["--help"], {})).toBeUndefined()
  })

  it("ignores a missing, malformed or escaping snapshot", () => {
    const none = built()
    fs.rmSync(path.join(none, snapshotFileName))
    expect(snapshotAnswer(none, ["--help"], {})).toBeUndefined()
    const garbled = built()
    fs.writeFileSync(path.join(garbled, snapshotFileName), "{not json")
    expect(readSnapshot(garbled)).toBeUndefined()
    expect(readSnapshot(built({ files: [] }))).toBeUndefined()
    expect(readSnapshot(built({ files: ["../main.js"] }))).toBeUndefined()
    expect(readSnapshot(built({ outputs: { "--help": 1 } as unknown as Record<string, string> }))).toBeUndefined()
    expect(readSnapshot(built({ format: 2 as 1 }))).toBeUndefined()
    expect(readSnapshot(built())).toMatchObject({ format: 1, files: ["main.js", "chunk-A.js"] })
  })
})
