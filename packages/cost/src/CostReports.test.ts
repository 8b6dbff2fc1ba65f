import { join } from "node:path"
import { copyFile, mkdir, mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { describe, expect, it } from "@effect/vitest"
import { AllocationPolicy, Placement } from "@miyabi/types"
import { Effect, Layer, Ref, Schema } from "effect"
import type { CostProgressEvent } from "./CostProgress.js"
import { accountsFromPlacements, accountsFromRoles, fromCur, monthDays } from "./CostReports.js"
import { layer as curLayer } from "./adapters/CurFiles.js"
import { layer as duckDbLayer } from "./adapters/DuckDb.js"
import { FIXTURE_POLICY, writeFixture } from "./testing/CurFixtures.js"

const placement = (customerId: string, model: string, accountId: string) =>
  Schema.decodeUnknownSync(Placement)({ customerId, model, accountId, since: "2026-10-01T00:00:00.000Z" })

describe("CostReports", () => {
  it.each([
    ["2026-02", "2026-02-01", "2026-02-28"],
    ["2028-02", "2028-02-01", "2028-02-29"],
    ["2026-12", "2026-12-01", "2026-12-31"]
  ])("gives the days of %s", (month, from, to) => {
    expect(monthDays(month)).toEqual({ from, to })
  })

  it("derives allocation accounts from placements", () => {
    const { accounts, conflicts } = accountsFromPlacements(
      [
        placement("acme", "Silo", "111111111111"),
        placement("globex", "Pool", "222222222222"),
        placement("initech", "Pool", "222222222222"),
        placement("hooli", "Bridge", "333333333333"),
        placement("umbrella", "Silo", "444444444444"),
        placement("wayne", "Pool", "444444444444")
      ],
      { platformAccounts: ["999999999999"], key: { _tag: "tagged-share" } }
    )
    expect(accounts.map((a) => [a.account, a.kind, a.customers.join("+"), a.key?._tag])).toEqual([
      ["111111111111", "silo", "acme", undefined],
      ["222222222222", "pool", "globex+initech", "tagged-share"],
      ["333333333333", "bridge", "hooli", "tagged-share"],
      ["444444444444", "pool", "umbrella+wayne", "tagged-share"],
      ["999999999999", "shared-platform", "", undefined]
    ])
    expect(conflicts).toEqual(["444444444444"])
  })

  it("derives allocation accounts from account roles", () => {
    const accounts = accountsFromRoles(
      [
        { id: "5", role: "workload" },
        { id: "1", role: "management" },
        { id: "3", role: "silo", customerId: "acme" },
        { id: "2", role: "pool" },
        { id: "4", role: "silo" }
      ],
      ["initech", "globex"]
    )
    expect(accounts.map((a) => [a.account, a.kind, a.customers.join("+")])).toEqual([
      ["1", "shared-platform", ""],
      ["2", "pool", "globex+initech"],
      ["3", "silo", "acme"]
    ])
  })

  it.scoped("reports one month of a folder of CUR files, with daily costs for budgets", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.acquireRelease(Effect.promise(() => mkdtemp(join(tmpdir(), "miyabi-cost-report-"))), (d) =>
        Effect.promise(() => rm(d, { recursive: true, force: true }))
      )
      const fixture = yield* writeFixture({ dir, rows: 2_000, month: "2026-10", formats: ["cur2-parquet-columns"] })
      const policy = Schema.decodeUnknownSync(AllocationPolicy)(FIXTURE_POLICY)
      const { report, daily } = yield* fromCur({ month: "2026-10", path: dir, policy })
      expect(report.allocation.billTotal).toBe(fixture.totalMicros)
      expect(report.from >= "2026-10-01" && report.to <= "2026-10-31").toBe(true)
      expect(daily.reduce((s, d) => s + d.cost, 0)).toBe(report.allocation.customers.reduce((s, c) => s + c.total, 0))
      const none = yield* fromCur({ month: "2026-11", path: dir, policy })
      expect(none.report.allocation.billTotal).toBe(0)
      expect(none.report.allocation.notes.join()).toMatch(/2000 row\(s\) skipped \(outside period\)/)
    }).pipe(Effect.provide(curLayer.pipe(Layer.provideMerge(duckDbLayer({ config: { threads: "1" } }))))))

  it.scoped("tells its progress: each CUR file checked in order, then the one read of them all", () =>
    Effect.gen(function* () {
      const dir = yield* Effect.acquireRelease(Effect.promise(() => mkdtemp(join(tmpdir(), "miyabi-cost-progress-"))), (d) =>
        Effect.promise(() => rm(d, { recursive: true, force: true }))
      )
      const fixture = yield* writeFixture({ dir, rows: 500, month: "2026-10", formats: ["cur2-parquet-columns"] })
      const first = fixture.files["cur2-parquet-columns"] ?? ""
      // A second month's export of the same bill, in a sub-folder: two files, twice the cost.
      const second = join(dir, "part-2", "cur2-columns.parquet")
      yield* Effect.promise(() => mkdir(join(dir, "part-2")).then(() => copyFile(first, second)))
      const seen = yield* Ref.make<ReadonlyArray<CostProgressEvent>>([])
      const policy = Schema.decodeUnknownSync(AllocationPolicy)(FIXTURE_POLICY)
      const { report } = yield* fromCur({ month: "2026-10", path: dir, policy, onProgress: (e) => Ref.update(seen, (all) => [...all, e]) })
      expect(report.allocation.billTotal).toBe(2 * fixture.totalMicros)
      expect(yield* Ref.get(seen)).toEqual([
        { _tag: "CurFile", index: 1, total: 2, file: first },
        { _tag: "CurFile", index: 2, total: 2, file: second },
        { _tag: "CurQuery", path: dir, files: 2 }
      ])
    }).pipe(Effect.provide(curLayer.pipe(Layer.provideMerge(duckDbLayer({ config: { threads: "1" } }))))))
})
