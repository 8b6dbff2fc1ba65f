import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import fc from "fast-check"
import { jsonLineColumn, jsonNodeAt, jsonToPlain, MAX_JSON_DEPTH, parseJsonPositions, type JsonNode } from "./JsonPositions.js"

const parsed = (text: string): JsonNode => {
  const result = parseJsonPositions(text)
  if (Either.isLeft(result)) throw new Error(`expected ${text} to parse: ${result.left.message}`)
  return result.right
}

const failure = (text: string) => {
  const result = parseJsonPositions(text)
  if (Either.isRight(result)) throw new Error(`expected ${text} to fail`)
  return result.left
}

describe("parseJsonPositions", () => {
  it.each([
    ['{"a":[1,2.5e3,-0,true,false,null,"x\\u00e9\\n"]}'],
    [" [ ] "],
    ['"s"'],
    ["0"],
    ['{"a":{"b":{}}}'],
    ['{"a": [1, -2.5e3, true, false, null, "x\\ny\\u00e9"]}'],
    ["[]"],
    ['  {"nested": {"deep": [{}]}}  '],
    ['"\\"\\\\\\/\\b\\f\\n\\r\\t\\ud83d\\ude00"']
  ])("parses %s like JSON.parse", (text) => {
    expect(jsonToPlain(parsed(text))).toEqual(JSON.parse(text))
  })

  it("agrees with JSON.parse on any JSON value, however indented", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 2, "\t"), (value, indent) => {
        const text = JSON.stringify(value, null, indent)
        expect(jsonToPlain(parsed(text))).toEqual(JSON.parse(text))
      }),
      { numRuns: 200 }
    )
  })

  it.each([
    // text, reason, offset, start, line, column
    ['{"message": hi}', "ExpectedValue", 12, 12, 1, 13],
    ["tru", "ExpectedValue", 3, 0, 1, 4],
    ['{"a": nulx}', "ExpectedValue", 9, 6, 1, 10],
    ["", "ExpectedValue", 0, 0, 1, 1],
    ['{"a":', "ExpectedValue", 5, 5, 1, 6],
    ["-", "ExpectedValue", 0, 0, 1, 1],
    ["[1,]", "ExpectedItem", 3, 3, 1, 4],
    ["[1, tx]", "ExpectedItem", 5, 4, 1, 6],
    ['{"a":1,}', "ExpectedKey", 7, 7, 1, 8],
    ["{'a': 1}", "ExpectedKey", 1, 1, 1, 2],
    ['{"a" 1}', "ExpectedColon", 5, 5, 1, 6],
    ['{"a": 1 "b": 2}', "ExpectedCommaOrBrace", 8, 8, 1, 9],
    ["[1 2]", "ExpectedCommaOrBracket", 3, 3, 1, 4],
    ["{} x", "TrailingText", 3, 3, 1, 4],
    ['{"a": 1}\n{"b": 2}', "TrailingText", 9, 9, 2, 1],
    ['"abc', "UnterminatedString", 4, 0, 1, 5],
    ['{"a": "open}', "UnterminatedString", 12, 6, 1, 13],
    ['"a\tb"', "ControlCharacter", 2, 2, 1, 3],
    ['"a\\xb"', "BadEscape", 3, 2, 1, 4],
    ['"a\\', "BadEscape", 3, 2, 1, 4],
    ['"\\u00g0"', "BadUnicodeEscape", 5, 1, 1, 6],
    ['{\n  "a": [\n    // note\n  ]\n}', "ExpectedItem", 15, 15, 3, 5]
  ])("rejects %j: %s at offset %i (start %i), line %i column %i", (text, reason, offset, start, line, column) => {
    expect(failure(text)).toMatchObject({ _tag: "JsonSyntaxError", reason, offset, start, line, column })
    expect(() => JSON.parse(text)).toThrow()
  })

  it(`stops at ${MAX_JSON_DEPTH} levels of nesting instead of overflowing the stack`, () => {
    const deep = (levels: number) => "[".repeat(levels) + "]".repeat(levels)
    expect(Either.isRight(parseJsonPositions(deep(MAX_JSON_DEPTH + 1)))).toBe(true)
    expect(failure(deep(MAX_JSON_DEPTH + 2))).toMatchObject({ reason: "TooDeep", offset: MAX_JSON_DEPTH + 1 })
    expect(failure(deep(100_000)).reason).toBe("TooDeep")
  })

  it("keeps the offset of every value and key, and every duplicate key", () => {
    const root = parsed('{"a": 1, "b": [true, "x"], "a": 2}')
    expect(root.kind === "object" && root.entries.map((e) => [e.key, e.keyOffset, e.value.offset])).toEqual([
      ["a", 1, 6],
      ["b", 9, 14],
      ["a", 27, 32]
    ])
    expect(jsonToPlain(root)).toEqual({ a: 2, b: [true, "x"] })
    expect(Object.keys(jsonToPlain(root) as object)).toEqual(Object.keys(JSON.parse('{"a": 1, "b": [true, "x"], "a": 2}')))
  })

  it("keeps __proto__ as an own key, as JSON.parse does", () => {
    const text = '{"__proto__": {"x": 1}}'
    const plain = jsonToPlain(parsed(text))
    expect(plain).toEqual(JSON.parse(text))
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype)
  })
})

describe("jsonNodeAt", () => {
  const text = '{\n  "tasks": [\n    {"size": "xl"},\n    {"size": 3}\n  ],\n  "size": 1,\n  "size": 2\n}'
  const root = parsed(text)

  it("finds the node at a decode error's path, for its line and column", () => {
    const node = jsonNodeAt(root, ["tasks", 1, "size"])
    expect(node?.kind).toBe("number")
    expect(jsonLineColumn(text, node?.offset ?? -1)).toEqual({ line: 4, column: 14 })
    expect(jsonNodeAt(root, [])).toBe(root)
  })

  it("takes the last of duplicate keys, as JSON.parse does", () => {
    const node = jsonNodeAt(root, ["size"])
    expect(node?.kind === "number" && node.value).toBe(2)
  })

  it("is undefined for a path that leads nowhere", () => {
    expect(jsonNodeAt(root, ["tasks", 5])).toBeUndefined()
    expect(jsonNodeAt(root, ["tasks", "0"])).toBeUndefined()
    expect(jsonNodeAt(root, ["size", "x"])).toBeUndefined()
    expect(jsonNodeAt(root, ["nope", "deeper"])).toBeUndefined()
  })
})

describe("jsonLineColumn", () => {
  it("counts lines and columns from 1", () => {
    expect(jsonLineColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 })
    expect(jsonLineColumn("ab", 0)).toEqual({ line: 1, column: 1 })
    expect(jsonLineColumn("ab\r\ncd", 5)).toEqual({ line: 2, column: 2 })
  })
})
