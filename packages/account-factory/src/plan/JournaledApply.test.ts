/**
 * Crash-resume of a journaled apply: the reference spec applied to an empty
 * organization, killed at a call (an injected crash), then planned and
 * applied again as a new process would (the SQLite journal reopened). The
 * second run reports the first as interrupted, the organization ends as the
 * spec says, and the journal's last run is finished.
 */
import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as nodePath from "node:path"
import { fileURLToPath } from "node:url"
import { Organization } from "@miyabi/types"
import { Effect, Exit, Layer, Option, Schedule, Schema } from "effect"
import { afterAll } from "vitest"
import { Organizations } from "../org/Organizations.js"
import * as OrganizationsMemory from "../org/OrganizationsMemory.js"
import { loadSpec } from "../spec/SpecLoader.js"
import { ApplyJournalStore, applyJournalMemory } from "./ApplyJournal.js"
import * as ApplyJournalSqlite from "./ApplyJournalSqlite.js"
import { applyJournaled } from "./JournaledApply.js"
import { planOrganization } from "./OrgDiff.js"

const here = nodePath.dirname(fileURLToPath(import.meta.url))
const specFile = nodePath.resolve(here, "../../examples/reference-org.yaml")
const reference = await Effect.runPromise(loadSpec(specFile))
const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), "miyabi-journaled-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const empty = () => Schema.decodeUnknownSync(Organization)({
  id: "o-abcd123456",
  managementAccountId: "111111111111",
  rootId: "r-ab12",
  organizationalUnits: [],
  accounts: [{ id: "111111111111", name: "management", email: "management@example.com", status: "ACTIVE", parentId: "r-ab12" }],
  policies: [{ id: "p-FullAWSAccess", name: "FullAWSAccess", content: "{}", awsManaged: true, targets: ["r-ab12"] }]
})
const vend = { pollSchedule: Schedule.forever, roleSchedule: Schedule.forever, retrySchedule: Schedule.recurs(2) }

/** What `miyabi org apply` does: plan against the live organization, apply with the journal. */
const planAndApply = Effect.gen(function* () {
  const live = yield* Effect.orDie(Effect.flatMap(Organizations, (o) => o.snapshot()))
  return yield* applyJournaled(planOrganization(reference, { organization: live }), specFile, { vend })
})

describe("applyJournaled", () => {
  it.live("journals every step; a second apply has nothing to do and finishes a run of 0 steps", () =>
    Effect.gen(function* () {
      const first = yield* planAndApply
      expect(first.result.applied).toBe(31)
      expect(first.journal.entries.map((e) => e.step)).toEqual(Array.from({ length: 31 }, (_, i) => i + 1))
      expect(Option.isNone(first.resumed)).toBe(true)
      const stored = Option.getOrThrow(yield* (yield* ApplyJournalStore).latest(specFile))
      expect(stored).toEqual(first.journal)
      const second = yield* planAndApply
      expect(second.journal).toMatchObject({ total: 0, finished: true, entries: [], interrupted: [] })
    }).pipe(Effect.provide(Layer.merge(applyJournalMemory(), OrganizationsMemory.layer(empty(), { pollsUntilCreated: 1, probesUntilRoleAnswers: 0 })))))

  it.live("killed at a call and run again by a new process: the rerun resumes, reports the stopped run, and ends with the spec", () =>
    Effect.gen(function* () {
      let resumedRuns = 0
      for (const crashAt of [3, 9, 17, 28, 40, 55]) {
        const file = nodePath.join(dir, `crash-${crashAt}.db`)
        let armed = true
        const orgs = yield* OrganizationsMemory.make(empty(), { pollsUntilCreated: 1, probesUntilRoleAnswers: 0, failOn: (_, call) => armed && call === crashAt })
        const run = <A, E>(effect: Effect.Effect<A, E, Organizations | ApplyJournalStore>) =>
          effect.pipe(Effect.provideService(Organizations, orgs), Effect.provide(ApplyJournalSqlite.layer(file)), Effect.scoped)
        const crashed = yield* Effect.exit(run(planAndApply))
        armed = false
        if (Exit.isSuccess(crashed)) continue
        const stopped = Option.getOrThrow(yield* run(Effect.flatMap(ApplyJournalStore, (s) => s.latest(specFile))))
        expect(stopped.finished, `crash at ${crashAt}`).toBe(false)
        const again = yield* run(planAndApply)
        resumedRuns++
        expect(Option.map(again.resumed, (r) => r.startedAt), `crash at ${crashAt}`).toEqual(Option.some(stopped.startedAt))
        expect(again.journal.interrupted).toEqual([{ startedAt: stopped.startedAt, done: stopped.entries.length, total: 31 }])
        expect(again.journal.total + stopped.entries.length).toBeGreaterThanOrEqual(31)
        const after = yield* run(Effect.flatMap(ApplyJournalStore, (s) => s.latest(specFile)))
        expect(Option.map(after, (j) => j.finished)).toEqual(Option.some(true))
        const live = yield* Effect.orDie(orgs.snapshot())
        expect(planOrganization(reference, { organization: live }).steps, `crash at ${crashAt}`).toEqual([])
      }
      expect(resumedRuns).toBe(6)
    }), 60_000)
})
