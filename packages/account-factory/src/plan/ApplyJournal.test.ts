import { describe, expect, it } from "@effect/vitest"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { afterAll } from "vitest"
import { journalContract } from "../../test/ApplyJournalContract.js"
import { applyJournalMemory, startJournal } from "./ApplyJournal.js"
import * as ApplyJournalSqlite from "./ApplyJournalSqlite.js"

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-journal-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
let files = 0

describe("ApplyJournalStore in memory", () => journalContract(applyJournalMemory))

describe("ApplyJournalStore on SQLite", () => journalContract(() => ApplyJournalSqlite.layer(path.join(dir, `miyabi-${++files}.db`))))

describe("startJournal", () => {
  it("a new run inherits the unfinished runs of the same spec, not of another spec nor of a finished run", () => {
    const first = startJournal(undefined, "/specs/org.yaml", 3, new Date("2026-01-01T00:00:00Z"))
    const killed = { ...first, entries: [{ step: 1, description: "+ organizational unit X", outcome: "applied" as const, at: "2026-01-01T00:00:01Z" }] }
    const second = startJournal(killed, "/specs/org.yaml", 2, new Date("2026-01-02T00:00:00Z"))
    expect(second).toMatchObject({ finished: false, total: 2, entries: [], interrupted: [{ startedAt: "2026-01-01T00:00:00.000Z", done: 1, total: 3 }] })
    const third = startJournal(second, "/specs/org.yaml", 1, new Date("2026-01-03T00:00:00Z"))
    expect(third.interrupted.map((run) => run.startedAt)).toEqual(["2026-01-01T00:00:00.000Z", "2026-01-02T00:00:00.000Z"])
    expect(startJournal(killed, "/specs/other.yaml", 2, new Date()).interrupted).toEqual([])
    expect(startJournal({ ...killed, finished: true }, "/specs/org.yaml", 2, new Date()).interrupted).toEqual([])
  })
})
