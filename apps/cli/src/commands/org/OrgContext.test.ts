import { describe, expect, it } from "@effect/vitest"
import { Chunk, Duration, Effect, Either, Option, Schedule } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { miyabi } from "../../Global.js"
import { besideStore, parseTags, vendOptionsFromEnv } from "./OrgContext.js"
import { orgJournal } from "./OrgJournal.js"

/** The first three waits of a schedule, in ms (none when there is no schedule). */
const delaysOf = (schedule: Schedule.Schedule<unknown, unknown> | undefined) =>
  schedule === undefined ? Effect.succeed([]) : Effect.map(Schedule.run(Schedule.delays(schedule), 0, [1, 2, 3]), (out) => Chunk.toReadonlyArray(out).map(Duration.toMillis))

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
        // Both waits are the 25 ms asked for, every time (the defaults back off from 250 ms and wait 5 s).
        expect(yield* delaysOf(options.pollSchedule)).toEqual([25, 25, 25])
        expect(yield* delaysOf(options.roleSchedule)).toEqual([25, 25, 25])
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

  it.effect("journals org applies in the store --store names: the SQLite file, or the aws: store's task table", () =>
    Effect.gen(function* () {
      const root = { json: false, store: Option.none() }
      const at = (store: string) => Effect.map(orgJournal({ json: false, store: Option.some(store) }), (j) => j.location).pipe(Effect.provideService(miyabi.tag, root))
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-org-journal-"))
      expect(yield* at(`sqlite:${path.join(dir, "fleet.db")}`)).toBe(`sqlite:${path.join(dir, "fleet.db")}`)
      expect(yield* at("aws:prefix=dev")).toBe("dynamodb:dev-tasks")
      expect(yield* at("aws:table=platform-state,prefix=dev")).toBe("dynamodb:platform-state")
      const bad = yield* Effect.either(at("aws:colour=blue"))
      expect(Either.isLeft(bad) && bad.left.message).toContain("unknown aws: setting")
      fs.rmSync(dir, { recursive: true, force: true })
    })
  )
})
