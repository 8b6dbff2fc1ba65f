import { it } from "@effect/vitest"
import { Effect, Either } from "effect"
import { describe, expect } from "vitest"
import { lineColumn, parseJson, readPayload } from "./PayloadJson.js"

describe("parseJson", () => {
  it.effect("parses valid JSON", () =>
    Effect.gen(function* () {
      expect(yield* parseJson('{"message":"hi"}', "--payload")).toEqual({ message: "hi" })
    })
  )

  it.effect("names the flag, line, column and position of a syntax error", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(parseJson('{"message":\n  "hi",}', "--payload"))
      expect(error.source).toBe("--payload")
      expect(error.line).toBe(2)
      expect(error.message).toBe("--payload, line 2:8: invalid JSON: expected a property name in double quotes (position 19)")
    })
  )

  it.effect("reports truncated input at its end", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(parseJson('{"a":', "--payload"))
      expect(error.message).toContain("position 5")
    })
  )
})

describe("lineColumn", () => {
  it("counts lines and columns from 1", () => {
    expect(lineColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 })
    expect(lineColumn("ab", 0)).toEqual({ line: 1, column: 1 })
  })
})

describe("readPayload", () => {
  it.effect("defaults to an empty object and rejects both flags at once", () =>
    Effect.gen(function* () {
      expect(yield* readPayload({ payload: undefined, payloadFile: undefined })).toEqual({})
      const both = yield* Effect.either(readPayload({ payload: "{}", payloadFile: "x.json" }))
      expect(Either.isLeft(both)).toBe(true)
    })
  )

  it.effect("names the file it cannot read", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(readPayload({ payload: undefined, payloadFile: "/nonexistent/p.json" }))
      expect(error.message).toBe("--payload-file: cannot read /nonexistent/p.json: ENOENT")
    })
  )
})
