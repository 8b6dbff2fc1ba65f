import { it } from "@effect/vitest"
import { Effect } from "effect"
import { describe, expect } from "vitest"
import { parseJson, readPayload } from "./PayloadJson.js"

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

describe("parseJson's syntax errors", () => {
  it.effect.each(['{"a":[1,2.5e3,-0,true,false,null,"x\\u00e9\\n"]}', " [ ] ", '"s"', "0", '{"a":{"b":{}}}'])("accepts %s as JSON.parse does", (text) =>
    Effect.gen(function* () {
      expect(yield* parseJson(text, "--payload")).toEqual(JSON.parse(text))
    })
  )

  it.effect.each<readonly [text: string, position: number, reason: string]>([
    ['{"message": hi}', 12, 'unexpected "h"'],
    ['{"a":1,}', 7, "expected a property name in double quotes"],
    ['{"a" 1}', 5, "expected ':'"],
    ['{"a":1 "b":2}', 7, "expected ',' or '}'"],
    ["[1 2]", 3, "expected ',' or ']'"],
    ["[1,]", 3, 'unexpected "]"'],
    ['{"a":', 5, "unexpected end of input"],
    ['"abc', 4, "unterminated string"],
    ['"a\tb"', 2, "control character in a string"],
    ['"a\\xb"', 3, "bad escape"],
    ['"\\u00g0"', 5, "bad \\u escape"],
    ["{} x", 3, "unexpected text after the JSON value"],
    ["tru", 3, "unexpected end of input"],
    ["nulx", 3, 'unexpected "x"'],
    ["", 0, "unexpected end of input"],
    ["[".repeat(600), 513, "nested too deeply"]
  ])("locates the error in %j", ([text, position, reason]) =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(parseJson(text, "--payload"))
      expect(error.reason).toBe(`invalid JSON: ${reason} (position ${position})`)
      expect(() => JSON.parse(text)).toThrow()
    })
  )
})

describe("readPayload", () => {
  it.effect("defaults to an empty object and rejects both flags at once", () =>
    Effect.gen(function* () {
      expect(yield* readPayload({ payload: undefined, payloadFile: undefined })).toEqual({ value: {} })
      const both = yield* Effect.flip(readPayload({ payload: "{}", payloadFile: "x.json" }))
      expect([both.source, both.reason]).toEqual(["--payload", "give either --payload or --payload-file, not both"])
    })
  )

  it.effect("names the file it cannot read", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(readPayload({ payload: undefined, payloadFile: "/nonexistent/p.json" }))
      expect(error.message).toBe("--payload-file: cannot read /nonexistent/p.json: ENOENT")
    })
  )
})
