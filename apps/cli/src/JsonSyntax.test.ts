import { describe, expect, it } from "vitest"
import { findJsonSyntaxError } from "./JsonSyntax.js"

describe("findJsonSyntaxError", () => {
  it.each(['{"a":[1,2.5e3,-0,true,false,null,"x\\u00e9\\n"]}', " [ ] ", '"s"', "0", '{"a":{"b":{}}}'])("accepts %s", (text) => {
    expect(findJsonSyntaxError(text)).toBeUndefined()
    expect(() => JSON.parse(text)).not.toThrow()
  })

  it.each([
    ['{"message": hi}', 12, 'unexpected "h"'],
    ['{"a":1,}', 7, "expected a property name in double quotes"],
    ['{"a" 1}', 5, "expected ':'"],
    ["[1 2]", 3, "expected ',' or ']'"],
    ['{"a":', 5, "unexpected end of input"],
    ['"abc', 4, "unterminated string"],
    ["{} x", 3, "unexpected text after the JSON value"],
    ["tru", 3, "unexpected end of input"],
    ["", 0, "unexpected end of input"]
  ])("locates the error in %j", (text, position, reason) => {
    expect(findJsonSyntaxError(text)).toEqual({ position, reason })
    expect(() => JSON.parse(text)).toThrow()
  })
})
