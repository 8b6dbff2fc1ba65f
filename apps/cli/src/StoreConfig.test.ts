import { it } from "@effect/vitest"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll, describe, expect } from "vitest"
import { dataDirectory, parseStore, type StoreEnvironment } from "./StoreConfig.js"

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-store-test-"))
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }))

const linux = (env: Record<string, string> = {}): StoreEnvironment => ({ env, platform: "linux", home: "/home/ada" })
const parse = (raw: string | undefined, environment: StoreEnvironment = linux()) =>
  parseStore(Option.fromNullable(raw), { source: "--store", environment })

describe("dataDirectory", () => {
  it("follows XDG on Linux, Application Support on macOS", () => {
    expect(dataDirectory(linux())).toBe("/home/ada/.local/share/miyabi")
    expect(dataDirectory(linux({ XDG_DATA_HOME: "/xdg" }))).toBe("/xdg/miyabi")
    expect(dataDirectory(linux({ XDG_DATA_HOME: "relative" }))).toBe("/home/ada/.local/share/miyabi")
    expect(dataDirectory({ env: {}, platform: "darwin", home: "/Users/ada" })).toBe("/Users/ada/Library/Application Support/miyabi")
  })
})

describe("parseStore", () => {
  it.effect("defaults to miyabi.db in the data directory, creating the directory", () =>
    Effect.gen(function* () {
      const config = yield* parse(undefined, linux({ XDG_DATA_HOME: path.join(tmp, "xdg") }))
      expect(config).toEqual({ _tag: "Sqlite", path: path.join(tmp, "xdg", "miyabi", "miyabi.db") })
      expect(fs.statSync(path.join(tmp, "xdg", "miyabi")).isDirectory()).toBe(true)
    })
  )

  it.effect("accepts sqlite:PATH and a plain path, resolved to absolute", () =>
    Effect.gen(function* () {
      expect(yield* parse(`sqlite:${tmp}/a.db`)).toEqual({ _tag: "Sqlite", path: `${tmp}/a.db` })
      expect(yield* parse(`${tmp}/b.db`)).toEqual({ _tag: "Sqlite", path: `${tmp}/b.db` })
      expect(yield* parse("rel.db")).toEqual({ _tag: "Sqlite", path: path.resolve("rel.db") })
    })
  )

  it.effect("keeps aws:... for the AWS adapter", () =>
    Effect.gen(function* () {
      expect(yield* parse("aws:us-east-1/miyabi")).toEqual({ _tag: "Aws", spec: "us-east-1/miyabi" })
    })
  )

  it.effect.each([
    ["ftp://host/x", '--store: unknown store scheme "ftp:"; use sqlite:PATH, a file path, or aws:...'],
    ["", "--store: is empty; use sqlite:PATH or a file path"],
    ["sqlite:", "--store: sqlite: needs a file path, e.g. sqlite:./miyabi.db"],
    ["/nonexistent-miyabi/dir/q.db", "--store: directory /nonexistent-miyabi/dir does not exist"]
  ])("rejects %j with one line naming the flag", ([raw, message]) =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(parse(raw))
      expect(error.message).toBe(message)
    })
  )

  it.effect("rejects a directory and a path under a file", () =>
    Effect.gen(function* () {
      expect((yield* Effect.flip(parse(tmp))).message).toBe(`--store: ${tmp} is a directory, not a SQLite file`)
      const file = path.join(tmp, "plain.txt")
      fs.writeFileSync(file, "x")
      expect((yield* Effect.flip(parse(`${file}/q.db`))).message).toBe(`--store: a parent of ${file}/q.db is not a directory`)
    })
  )
})
