import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { decodeInputEither, decodeJsonInput } from "./Decode.js"

const Change = Schema.Struct({
  id: Schema.String,
  priority: Schema.Literal("P0", "P1", "P2", "P3"),
  savings: Schema.Number
})
const Plan = Schema.Struct({ version: Schema.Literal(1), changes: Schema.Array(Change) })

const text = `{
  "version": 1,
  "changes": [
    { "id": "a", "priority": "P0", "savings": 5 },
    {
      "id": "b",
      "priority": "P9",
      "savings": 7
    }
  ]
}`

describe("decode errors", () => {
  it("name every allowed value of a literal union at one field, not the first and a count", () => {
    const result = decodeInputEither(Plan, "plan.json")(JSON.parse(text))
    expect(result._tag === "Left" ? result.left.message : "decoded").toBe('plan.json, field changes[1].priority: Expected "P0" | "P1" | "P2" | "P3", actual "P9"')
  })

  it.effect("of a JSON file name the line and column of the bad field", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(decodeJsonInput(Plan, "plan.json")(text, JSON.parse(text)))
      expect(error).toMatchObject({ source: "plan.json", path: "changes[1].priority", line: 7, column: 19 })
      expect(error.message).toBe('plan.json, line 7:19, field changes[1].priority: Expected "P0" | "P1" | "P2" | "P3", actual "P9"')
    })
  )

  it.effect("point a missing field at the object that lacks it", () =>
    Effect.gen(function* () {
      const missing = text.replace('"savings": 7', '"saving": 7').replace("P9", "P1")
      const error = yield* Effect.flip(decodeJsonInput(Plan, "plan.json")(missing, JSON.parse(missing)))
      expect(error.message).toBe("plan.json, line 5:5, field changes[1].savings: is missing")
    })
  )

  it.effect("count the other fields with problems, each once", () =>
    Effect.gen(function* () {
      const two = text.replace('"savings": 5', '"savings": "5"').replace('"version": 1', '"version": 2')
      const error = yield* Effect.flip(decodeJsonInput(Plan, "plan.json")(two, JSON.parse(two)))
      expect(error.message).toBe("plan.json, line 2:14, field version: Expected 1, actual 2 (and 2 more)")
    })
  )

  it("do not offer undefined as an allowed value of an optional field", () => {
    const Payload = Schema.Struct({ failTimes: Schema.optional(Schema.Number.pipe(Schema.between(0, 100))), level: Schema.optional(Schema.Literal("a", "b")) })
    const bad = decodeInputEither(Payload, "p.json")({ failTimes: -1 })
    expect(bad._tag === "Left" ? bad.left.message : "decoded").toBe("p.json, field failTimes: Expected a number between 0 and 100, actual -1")
    const level = decodeInputEither(Payload, "p.json")({ level: "c" })
    expect(level._tag === "Left" ? level.left.message : "decoded").toBe('p.json, field level: Expected "a" | "b", actual "c"')
  })
})
