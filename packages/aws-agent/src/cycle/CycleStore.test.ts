import { describe, expect, it } from "@effect/vitest"
import { access, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import Database from "better-sqlite3"
import { Context, Effect, Layer } from "effect"
import { CycleStore, layerFile, layerSqlite, makeFile, makeMemory } from "./CycleStore.js"
import { cycleStoreConformance } from "./CycleStore.testkit.js"

const tempDir = Effect.acquireRelease(
  Effect.promise(() => mkdtemp(join(tmpdir(), "miyabi-cycle-store-"))),
  (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
)

const build = (layer: Layer.Layer<CycleStore, unknown>) => Effect.map(Layer.build(layer), (context) => Context.get(context, CycleStore))

/** Runs one statement on the SQLite file through a connection of its own (another process, as far as the store can tell). */
const onFile = <A>(path: string, use: (db: Database.Database) => A) =>
  Effect.sync(() => {
    const db = new Database(path)
    try {
      return use(db)
    } finally {
      db.close()
    }
  })

cycleStoreConformance({
  name: "memory",
  corruptible: false,
  largeOutputBytes: 1_000_000,
  open: Effect.map(makeMemory, (store) => ({ store, reopen: Effect.succeed(store) }))
})

cycleStoreConformance({
  name: "file",
  corruptible: true,
  largeOutputBytes: 1_000_000,
  open: Effect.gen(function*() {
    const dir = yield* tempDir
    return {
      store: yield* build(layerFile(dir)),
      reopen: Effect.succeed(makeFile(dir)),
      corrupt: (cycleId, index) =>
        Effect.promise(async () => {
          const name = (await readdir(join(dir, cycleId))).find((file) => file.startsWith(`${String(index).padStart(2, "0")}-`))
          await writeFile(join(dir, cycleId, name ?? "missing"), "{ half", "utf8")
        })
    }
  })
})

cycleStoreConformance({
  name: "sqlite",
  corruptible: true,
  largeOutputBytes: 3_000_000,
  open: Effect.gen(function*() {
    const path = join(yield* tempDir, "state", "miyabi.db")
    return {
      store: yield* build(layerSqlite(path)),
      reopen: build(layerSqlite(path)),
      corrupt: (cycleId, index) =>
        onFile(path, (db) => db.prepare("UPDATE cycle_phases SET output = '{ half' WHERE cycle_id = ? AND phase_index = ?").run(cycleId, index))
    }
  })
})

describe("CycleStore file layout", () => {
  it.scoped("one directory per cycle with input.json and <NN>-<phase>.json; a damaged input.json is Corrupt", () =>
    Effect.gen(function*() {
      const dir = yield* tempDir
      const store = makeFile(dir)
      yield* store.begin("c-1", { scope: "a" })
      yield* store.savePhase("c-1", { index: 0, phase: "discover", output: { n: 1 }, completedAt: "2026-01-01T00:00:00.000Z" })
      expect((yield* Effect.promise(() => readdir(join(dir, "c-1")))).sort()).toEqual(["00-discover.json", "input.json"])
      const input: unknown = JSON.parse(yield* Effect.promise(() => readFile(join(dir, "c-1", "input.json"), "utf8")))
      expect(input).toEqual({ startedAt: "1970-01-01T00:00:00.000Z", input: { scope: "a" } })
      yield* Effect.promise(() => writeFile(join(dir, "c-1", "input.json"), JSON.stringify({ input: 1 }), "utf8"))
      const error = yield* Effect.flip(store.load("c-1"))
      expect([error.reason, error.detail.startsWith("input.json")]).toEqual(["Corrupt", true])
    }))
})

describe("CycleStore SQLite file", () => {
  it.scoped("shares its file with other tables: WAL mode, only cycle_* tables, the queue's schema version untouched, closed on release", () =>
    Effect.gen(function*() {
      const path = join(yield* tempDir, "shared.db")
      yield* onFile(path, (db) => {
        db.exec("CREATE TABLE tasks (id TEXT PRIMARY KEY, payload TEXT); INSERT INTO tasks VALUES ('t-1', '{}')")
        db.pragma("user_version = 3")
      })
      yield* Effect.scoped(
        Effect.gen(function*() {
          const store = yield* build(layerSqlite(path))
          yield* store.begin("c-1", { scope: "a" })
          yield* store.savePhase("c-1", { index: 0, phase: "discover", output: { n: 1 }, completedAt: "2026-01-01T00:00:00.000Z" })
          // While the store is open its WAL file exists; another connection sees the committed rows.
          yield* Effect.promise(() => access(`${path}-wal`))
          expect(yield* onFile(path, (db) => db.prepare("SELECT phase FROM cycle_phases WHERE cycle_id = 'c-1'").pluck().all())).toEqual(["discover"])
        })
      )
      const after = yield* onFile(path, (db) => ({
        mode: db.pragma("journal_mode", { simple: true }),
        version: db.pragma("user_version", { simple: true }),
        tables: db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all(),
        tasks: db.prepare("SELECT id FROM tasks").pluck().all()
      }))
      expect(after).toEqual({ mode: "wal", version: 3, tables: ["cycle_phases", "cycle_runs", "tasks"], tasks: ["t-1"] })
      // The last connection to close checkpoints and removes the WAL file: the store's connection was closed with its scope.
      const walLeft = yield* Effect.promise(() => access(`${path}-wal`).then(() => true, () => false))
      expect(walLeft).toBe(false)
      // Reopening keeps what was stored (the schema is created only when absent).
      const reopened = yield* build(layerSqlite(path))
      expect((yield* reopened.load("c-1"))?.phases.map((p) => p.output)).toEqual([{ n: 1 }])
    }))

  it.scoped("a path that is not a database fails to open with a readable error", () =>
    Effect.gen(function*() {
      const path = join(yield* tempDir, "not-a-db")
      yield* Effect.promise(() => writeFile(path, "x".repeat(4_096), "utf8"))
      const error = yield* Effect.flip(build(layerSqlite(path)))
      expect(error).toMatchObject({ _tag: "CycleStoreError", reason: "ReadFailed" })
      expect(String((error as { detail?: unknown }).detail)).toContain(path)
    }))
})
