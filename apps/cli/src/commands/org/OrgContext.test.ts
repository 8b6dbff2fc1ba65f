import { describe, expect, it } from "@effect/vitest"
import { Effect, Either, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { miyabi } from "../../Global.js"
import { readJournal, startJournal, writeJournal } from "./OrgApplyJournal.js"
import { besideStore, parseTags, vendOptionsFromEnv } from "./OrgContext.js"

describe("OrgContext", () => {
  it.effect("parses --tag KEY=VALUE and names a malformed one", () =>
    Effect.gen(function* () {
      expect(yield* parseTags(["Owner=team-a", "Note=a=b", " Env = prod "])).toEqual({ Owner: "team-a", Note: "a=b", Env: "prod" })
      const bad = yield* Effect.either(parseTags(["Owner"]))
      expect(Either.isLeft(bad) && bad.left.message).toContain('"Owner" is not KEY=VALUE')
    })
  )

  it.effect("puts its files beside the --store SQLite file", () =>
    Effect.gen(function* () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-org-context-"))
      const flags = { json: false, store: Option.some(`sqlite:${path.join(dir, "fleet.db")}`) }
      // The root command's flags, as @effect/cli provides them to leaf handlers.
      const file = yield* besideStore(flags, "tenancy.json").pipe(Effect.provideService(miyabi.tag, { json: false, store: Option.none() }))
      expect(file).toBe(path.join(dir, "fleet.tenancy.json"))
      fs.rmSync(dir, { recursive: true, force: true })
    })
  )

  it.effect("MIYABI_VEND_POLL_MS sets the vend polling, and a bad value is refused", () =>
    Effect.gen(function* () {
      const saved = process.env["MIYABI_VEND_POLL_MS"]
      try {
        process.env["MIYABI_VEND_POLL_MS"] = "25"
        const options = yield* vendOptionsFromEnv()
        expect(options.pollSchedule).toBeDefined()
        expect(options.roleSchedule).toBeDefined()
        process.env["MIYABI_VEND_POLL_MS"] = "soon"
        const bad = yield* Effect.either(vendOptionsFromEnv())
        expect(Either.isLeft(bad) && bad.left.message).toContain("MIYABI_VEND_POLL_MS")
        delete process.env["MIYABI_VEND_POLL_MS"]
        expect(yield* vendOptionsFromEnv()).toEqual({})
      } finally {
        if (saved === undefined) delete process.env["MIYABI_VEND_POLL_MS"]
        else process.env["MIYABI_VEND_POLL_MS"] = saved
      }
    })
  )
})

describe("OrgApplyJournal", () => {
  it.effect("a new run inherits the unfinished runs of the same spec, not of another or of a finished one", () =>
    Effect.gen(function* () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-journal-"))
      const file = path.join(dir, "miyabi.org-apply.json")
      expect(yield* readJournal(file)).toBeUndefined()
      const first = startJournal(undefined, "/specs/org.yaml", 3, new Date("2026-01-01T00:00:00Z"))
      const killed = { ...first, entries: [{ step: 1, description: "+ organizational unit X", outcome: "applied" as const, at: "2026-01-01T00:00:01Z" }] }
      yield* writeJournal(file, killed)
      const read = yield* readJournal(file)
      expect(read).toEqual(killed)
      const second = startJournal(read, "/specs/org.yaml", 2, new Date("2026-01-02T00:00:00Z"))
      expect(second).toMatchObject({ finished: false, total: 2, entries: [], interrupted: [{ startedAt: "2026-01-01T00:00:00.000Z", done: 1, total: 3 }] })
      expect(startJournal(read, "/specs/other.yaml", 2, new Date()).interrupted).toEqual([])
      expect(startJournal({ ...killed, finished: true }, "/specs/org.yaml", 2, new Date()).interrupted).toEqual([])
      fs.writeFileSync(file, "{ not json")
      expect(yield* readJournal(file)).toBeUndefined()
      fs.rmSync(dir, { recursive: true, force: true })
    })
  )
})
