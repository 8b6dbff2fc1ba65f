import { it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, describe, expect } from "vitest"
import { decodeJsonFile, readJsonFile, readWorld, writeJsonFile, writeTextFile } from "./WorldFiles.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-world-files-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const file = (name: string, text: string): string => {
  const at = path.join(tmp, name)
  fs.writeFileSync(at, text)
  return at
}

const world = {
  schemaVersion: 1,
  timestamp: "2026-11-01T00:00:00.000Z",
  accounts: ["123456789012"],
  regions: ["us-east-1"],
  resources: [],
  monthlyCost: 0,
  securityScore: 100,
  averageUtilization: 0,
  findings: [],
  coverage: []
}

describe("JSON input files", () => {
  it.effect("a syntax error names the file, the line and the column", () =>
    Effect.gen(function* () {
      const at = file("syntax.json", '{\n  "schemaVersion": 1,\n  "accounts": [,]\n}\n')
      const error = yield* Effect.flip(readJsonFile(at))
      expect(error.message).toBe(`${at}, line 3:16: invalid JSON: unexpected "," (position 39)`)
    })
  )

  it.effect("an empty file says so", () =>
    Effect.gen(function* () {
      const at = file("empty.json", "  \n")
      expect((yield* Effect.flip(readJsonFile(at))).message).toBe(`${at}: the file is empty`)
    })
  )

  it.effect("a missing file names it", () =>
    Effect.gen(function* () {
      const at = path.join(tmp, "nope.json")
      expect((yield* Effect.flip(readJsonFile(at))).message).toBe(`${at}: cannot read: ENOENT: no such file or directory, open '${at}'`)
    })
  )

  it.effect("a world with a bad nested field names its path, line and column", () =>
    Effect.gen(function* () {
      const bad = { ...world, resources: [{ id: "i-1", arn: "arn:aws:ec2:us-east-1:123456789012:instance/i-1", kind: "ec2-instance", account: "123456789012", region: 42 }] }
      const at = file("world.json", JSON.stringify(bad, null, 2))
      const error = yield* Effect.flip(readWorld(at))
      expect(error).toMatchObject({ source: at, path: "resources[0].region", line: 16, column: 17 })
      expect(error.message).toMatch(new RegExp(`^${at}, line 16:17, field resources\\[0\\]\\.region: Expected string, actual 42`))
    })
  )

  it.effect("a wrong schema version names the line of schemaVersion", () =>
    Effect.gen(function* () {
      const at = file("v2.json", JSON.stringify({ ...world, schemaVersion: 2 }, null, 2))
      expect((yield* Effect.flip(readWorld(at))).message).toBe(`${at}, line 2:20, field schemaVersion: Expected 1, actual 2`)
    })
  )

  it.effect("decodeJsonFile reads any schema with the same messages", () =>
    Effect.gen(function* () {
      const at = file("accounts.json", '[\n  { "account": "123456789012", "kind": "pool" },\n  { "account": "123", "kind": "pool" }\n]\n')
      const Accounts = Schema.Array(Schema.Struct({ account: Schema.String.pipe(Schema.pattern(/^\d{12}$/)), kind: Schema.Literal("pool", "silo") }))
      const error = yield* Effect.flip(decodeJsonFile(Accounts, at))
      expect(error.message).toBe(`${at}, line 3:16, field [1].account: Expected a string matching the pattern ^\\d{12}$, actual "123"`)
    })
  )
})

describe("output files", () => {
  it.effect("are replaced in one step (a rename), so a crash or a reader never meets half a file, and leave nothing beside them", () =>
    Effect.gen(function* () {
      const dir = path.join(tmp, "out")
      const at = path.join(dir, "world.json")
      yield* writeJsonFile(at, { n: 1 })
      const before = fs.statSync(at).ino
      yield* writeJsonFile(at, { n: 2 })
      expect(JSON.parse(fs.readFileSync(at, "utf8"))).toEqual({ n: 2 })
      // A new file renamed over the old one, not the old one truncated and rewritten.
      expect(fs.statSync(at).ino).not.toBe(before)
      expect(fs.readdirSync(dir)).toEqual(["world.json"])
    })
  )

  it.effect("that cannot be written fail naming the file and leave no temporary file", () =>
    Effect.gen(function* () {
      const dir = path.join(tmp, "blocked")
      fs.mkdirSync(path.join(dir, "world.json"), { recursive: true })
      const error = yield* Effect.flip(writeTextFile(path.join(dir, "world.json"), "{}"))
      expect(error.message).toMatch(new RegExp(`^${dir}/world.json: cannot write: `))
      expect(fs.readdirSync(dir)).toEqual(["world.json"])
    })
  )
})
