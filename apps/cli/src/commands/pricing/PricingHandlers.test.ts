/** `miyabi pricing refresh`'s progress: one line per Price List page, on stderr on a terminal only. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { onTerminal, progressCases } from "../../Output.testkit.js"
import { refreshProgressLine, reportRefreshProgress } from "./PricingHandlers.js"

const events = [
  { serviceCode: "AmazonEC2", productFamily: "Compute Instance", region: "us-east-1", page: 4, products: 400 },
  { serviceCode: "AmazonRDS", productFamily: "Database Instance", region: "eu-west-1", page: 1, products: 16 }
]
const lines = ["pricing refresh AmazonEC2 Compute Instance us-east-1: page 4 (400 products)", "pricing refresh AmazonRDS Database Instance eu-west-1: page 1 (16 products)"]

describe("pricing refresh progress", () => {
  it.effect("one line per page, on stderr on a terminal only: nothing in a pipe or with --json", () =>
    Effect.gen(function* () {
      expect(events.map(refreshProgressLine)).toEqual(lines)
      expect(yield* progressCases((output) => Effect.forEach(events, reportRefreshProgress(output), { discard: true }))).toEqual({ terminal: onTerminal(lines), pipe: [], json: [] })
    }))
})
