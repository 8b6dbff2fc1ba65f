import { describe, expect, it } from "@effect/vitest"
import { SqliteTaskQueue } from "@miyabi/queue"
import { Effect } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { Output } from "../Output.js"
import { scaleStep } from "./ScaleStep.js"

describe("demo scale step", () => {
  it.scoped("reaches the SPEC's 100 workers for 9,600 tasks/day and prints the comparison line", () =>
    Effect.gen(function* () {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-scale-step-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      const output = yield* Output.test({ json: false })
      const report = yield* scaleStep.run({ store: "unused" }).pipe(
        Effect.provide(output.layer),
        Effect.provide(SqliteTaskQueue.layer(path.join(dir, "q.db")))
      )
      expect(report.summary).toMatchObject({ arrivals: 9600, completed: 9600, maxWorkers: 100 })
      expect(report.summary["tasksPerWorkerDay"]).toBeGreaterThan(90)
      expect(report.summary["costPerTaskMicroUsd"]).toBeGreaterThan(200_000)
      expect(report.text).toMatch(/^SPEC: workers reached 100 \(SPEC 100 for 9,600\/day\), 9\d\.\d tasks\/day per worker \(SPEC 96\), cost per task \$0\.2\d\d/m)
    })
  )
})
