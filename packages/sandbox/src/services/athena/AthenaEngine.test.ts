import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Scope } from "effect"
import { start } from "../../Sandbox.js"
import type { ServiceFactory } from "../../ServiceHandler.js"
import { makeAthenaEngine } from "./AthenaEngine.js"

describe("AthenaEngine", () => {
  it.effect("runs SQL until it is closed, then refuses", () =>
    Effect.gen(function* () {
      const engine = makeAthenaEngine()
      const before = yield* engine.run(undefined, ["SELECT 41 + 1 AS answer"])
      expect(before).toEqual({ columns: [{ name: "answer", type: "integer" }], rows: [["42"]] })
      engine.close()
      const after = yield* Effect.flip(engine.run(undefined, ["SELECT 1"]))
      expect(after).toContain("connection disconnected")
    })
  )

  it.effect("a sandbox closes its services' engines when it stops", () =>
    Effect.gen(function* () {
      const closed: Array<string> = []
      const service: ServiceFactory = () => ({ signingName: "closing-test", protocol: "json1.1", targetPrefix: "ClosingTest", close: () => closed.push("closing-test") })
      const scope = yield* Scope.make()
      yield* start({ dynamodb: false, services: [service] }).pipe(Scope.extend(scope))
      expect(closed).toEqual([])
      yield* Scope.close(scope, Exit.void)
      expect(closed).toEqual(["closing-test"])
    })
  )
})
