/**
 * What every ApplyJournalStore driver must do, as one test suite run against
 * each (memory, SQLite, DynamoDB). Test support, not part of the public API.
 */
import { expect, it } from "@effect/vitest"
import { Effect, Exit, type Layer, Option } from "effect"
import { ApplyJournalStore, startJournal, type JournalEntry } from "../src/plan/ApplyJournal.js"

const entry = (step: number, outcome: JournalEntry["outcome"] = "applied"): JournalEntry => ({ step, description: `step ${step}`, outcome, at: `2026-01-01T00:00:0${step}.000Z` })

export const journalContract = (makeLayer: () => Layer.Layer<ApplyJournalStore, unknown>) => {
  const spec = "/specs/org.yaml"

  it.scoped("a spec never applied has no run", () =>
    Effect.gen(function* () {
      const store = yield* ApplyJournalStore
      expect(Option.isNone(yield* store.latest(spec))).toBe(true)
    }).pipe(Effect.provide(makeLayer())))

  it.scoped("a run records its steps in order and its end", () =>
    Effect.gen(function* () {
      const store = yield* ApplyJournalStore
      const journal = startJournal(undefined, spec, 3, new Date("2026-01-01T00:00:00Z"))
      const run = { spec, startedAt: journal.startedAt }
      yield* store.begin(journal)
      yield* store.record(run, entry(2))
      yield* store.record(run, entry(1, "already-done"))
      const midway = Option.getOrThrow(yield* store.latest(spec))
      expect(midway).toEqual({ ...journal, entries: [entry(1, "already-done"), entry(2)], finished: false })
      yield* store.finish(run)
      expect(Option.getOrThrow(yield* store.latest(spec)).finished).toBe(true)
    }).pipe(Effect.provide(makeLayer())))

  it.scoped("a new run of the spec replaces the earlier run's steps and carries it as interrupted; the old run can no longer record", () =>
    Effect.gen(function* () {
      const store = yield* ApplyJournalStore
      const first = startJournal(undefined, spec, 3, new Date("2026-01-01T00:00:00Z"))
      yield* store.begin(first)
      yield* store.record({ spec, startedAt: first.startedAt }, entry(1))
      const previous = Option.getOrThrow(yield* store.latest(spec))
      const second = startJournal(previous, spec, 2, new Date("2026-01-01T01:00:00Z"))
      expect(second.interrupted).toEqual([{ startedAt: first.startedAt, done: 1, total: 3 }])
      yield* store.begin(second)
      expect(Option.getOrThrow(yield* store.latest(spec))).toEqual(second)
      const stale = yield* Effect.exit(store.record({ spec, startedAt: first.startedAt }, entry(2)))
      expect(Exit.isFailure(stale) && JSON.stringify(stale.cause)).toContain("NotStarted")
      expect(Exit.isFailure(yield* Effect.exit(store.finish({ spec: "/other.yaml", startedAt: first.startedAt })))).toBe(true)
    }).pipe(Effect.provide(makeLayer())))

  it.scoped("specs are journaled apart", () =>
    Effect.gen(function* () {
      const store = yield* ApplyJournalStore
      const a = startJournal(undefined, "/a.yaml", 1, new Date("2026-01-01T00:00:00Z"))
      const b = startJournal(undefined, "/b.yaml", 2, new Date("2026-01-01T00:00:00Z"))
      yield* store.begin(a)
      yield* store.begin(b)
      yield* store.record({ spec: "/b.yaml", startedAt: b.startedAt }, entry(1))
      expect(Option.getOrThrow(yield* store.latest("/a.yaml")).entries).toEqual([])
      expect(Option.getOrThrow(yield* store.latest("/b.yaml")).entries).toEqual([entry(1)])
    }).pipe(Effect.provide(makeLayer())))
}
