/**
 * The TenancyStore drivers of this folder (memory, JSON file, SQLite) against
 * the shared contract (TenancyStoreContract.ts), plus what is SQLite's own.
 */
import { describe, expect, it } from "@effect/vitest"
import { CustomerId } from "@miyabi/types"
import * as fs from "node:fs"
import * as os from "node:os"
import * as nodePath from "node:path"
import { Effect } from "effect"
import { afterAll } from "vitest"
import { file, memory, placementEvents, TenancyStore } from "./TenancyStore.js"
import { placedTwo, placement, POOL, T0, tenancyStoreContract as contract } from "./TenancyStoreContract.js"
import * as TenancyStoreSqlite from "./TenancyStoreSqlite.js"

const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), "miyabi-tenancy-"))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
let files = 0

describe("TenancyStore in memory", () => contract((options) => memory(undefined, options)))

describe("TenancyStore in a JSON file", () => contract((options) => file(nodePath.join(dir, `tenancy-${++files}.json`), options)))

describe("TenancyStore on SQLite", () => {
  contract((options) => TenancyStoreSqlite.layer(nodePath.join(dir, `miyabi-${++files}.db`), options))

  it.effect("keeps state and history across layers on the same file, beside other tables", () =>
    Effect.gen(function* () {
      const path = nodePath.join(dir, `shared-${++files}.db`)
      yield* Effect.flatMap(TenancyStore, (store) => store.save(placedTwo)).pipe(Effect.provide(TenancyStoreSqlite.layer(path, { actor: "bob" })))
      const again = yield* Effect.flatMap(TenancyStore, (store) => Effect.all([store.load(), store.history(CustomerId.make("a"))])).pipe(
        Effect.scoped,
        Effect.provide(TenancyStoreSqlite.layer(path))
      )
      expect(again[0]).toEqual(placedTwo)
      expect(again[1].map((event) => [event.kind, event.actor])).toEqual([["placed", "bob"]])
    }))

  it.effect("a file that is not SQLite fails as a TenancyStoreError", () =>
    Effect.gen(function* () {
      const path = nodePath.join(dir, `garbage-${++files}.db`)
      fs.writeFileSync(path, "not a database, just text that is long enough to be read as a header".repeat(20))
      const error = yield* Effect.flip(Effect.flatMap(TenancyStore, (store) => store.load()).pipe(Effect.provide(TenancyStoreSqlite.layer(path))))
      expect(error._tag).toBe("TenancyStoreError")
      expect(error.location).toBe(`sqlite:${path}`)
    }))
})

describe("placementEvents", () => {
  it("a model change on the same account is a move; an unchanged placement is nothing", () => {
    const events = placementEvents([placement("a", "Pool", POOL), placement("b", "Pool", POOL)], [placement("a", "Bridge", POOL), placement("b", "Pool", POOL)], T0, "x")
    expect(events.map((event) => [event.customerId, event.kind, event.from])).toEqual([["a", "moved", { model: "Pool", accountId: POOL }]])
  })
})
