import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import * as nodePath from "node:path"
import { fileURLToPath } from "node:url"
import { Either } from "effect"
import { minifiedLength, parseJson, toPlain } from "./JsonDocument.js"

const here = nodePath.dirname(fileURLToPath(import.meta.url))
const referenceScps = nodePath.resolve(here, "../../../..", "../shared/reference-data/scp")

describe("JsonDocument", () => {
  it.each([
    ["{\"a\": [1, -2.5e3, true, false, null, \"x\\ny\\u00e9\"]}"],
    ["[]"],
    ["  {\"nested\": {\"deep\": [{}]}}  "]
  ])("parses %s like JSON.parse", (text) => {
    const parsed = parseJson(text)
    expect(Either.isRight(parsed) && toPlain(parsed.right)).toEqual(JSON.parse(text))
  })

  it.each([
    ["{\"a\": 1,}", 1, 9, /trailing comma/],
    ["{\"a\": 1}\n{\"b\": 2}", 2, 1, /after the end of the document/],
    ["{\n  \"a\": [\n    // note\n  ]\n}", 3, 5, /comments are not allowed/],
    ["{'a': 1}", 1, 2, /quoted key/],
    ["{\"a\": \"open}", 1, 7, /unterminated string/]
  ])("rejects %j at line %i column %i", (text, line, column, message) => {
    const parsed = parseJson(text)
    expect(Either.isLeft(parsed)).toBe(true)
    if (Either.isLeft(parsed)) {
      expect(parsed.left).toMatchObject({ line, column })
      expect(parsed.left.message).toMatch(message)
    }
  })

  it("counts characters without whitespace as SOURCES.md does for AWS's examples", () => {
    const count = (file: string) => minifiedLength(readFileSync(nodePath.join(referenceScps, file), "utf8"))
    expect(count("Region-controls__Deny-access-to-AWS-based-on-the-requested-AWS-region.json")).toBe(970)
    expect(count("Deny-changes-to-security-services__Deny-users-from-disabling-Amazon-GuardDuty-or-modifying-its-configuration.json")).toBe(1113)
    expect(minifiedLength("{ \"a b\" : 1 }")).toBe(9)
  })
})
