import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"
import * as nodePath from "node:path"
import { fileURLToPath } from "node:url"
import { jsonToPlain } from "@miyabi/types"
import { Either } from "effect"
import { minifiedLength, parsePolicyJson } from "./PolicyJson.js"

const here = nodePath.dirname(fileURLToPath(import.meta.url))
const referenceScps = nodePath.resolve(here, "../../../..", "../shared/reference-data/scp")

describe("PolicyJson", () => {
  it.each([
    ["{\"a\": [1, -2.5e3, true, false, null, \"x\\ny\\u00e9\"]}"],
    ["[]"],
    ["  {\"nested\": {\"deep\": [{}]}}  "]
  ])("parses %s like JSON.parse", (text) => {
    const parsed = parsePolicyJson(text)
    expect(Either.isRight(parsed) && jsonToPlain(parsed.right)).toEqual(JSON.parse(text))
  })

  it.each([
    ["{\"a\": 1,}", 1, 9, "trailing comma before }"],
    ["[1, 2,\n]", 2, 1, "trailing comma before ]"],
    ["{\"a\": 1}\n{\"b\": 2}", 2, 1, "unexpected \"{\" after the end of the document (a policy is one JSON object)"],
    ["{\n  \"a\": [\n    // note\n  ]\n}", 3, 5, "comments are not allowed in JSON (IAM and Organizations reject them)"],
    ["{\"a\": 1 /* note */}", 1, 9, "comments are not allowed in JSON (IAM and Organizations reject them)"],
    ["{'a': 1}", 1, 2, "expected a quoted key but found \"'\""],
    ["{\"a\": \"open}", 1, 7, "unterminated string"],
    ["{\"a\" 1}", 1, 6, "expected \":\" but found \"1\""],
    ["{\"a\": 1 \"b\": 2}", 1, 9, "expected \"}\" but found \"\"\""],
    ["[1 2]", 1, 4, "expected \",\" or \"]\" but found \"2\""],
    ["{\"a\": tru}", 1, 7, "unexpected \"t\""],
    ["{\"a\":", 1, 6, "unexpected end of input"],
    ["\"a\tb\"", 1, 3, "control character in string"],
    ["\"a\\xb\"", 1, 3, "bad escape \\x"],
    ["\"\\u00g0\"", 1, 2, "bad \\u escape"]
  ])("rejects %j at line %i column %i", (text, line, column, message) => {
    const parsed = parsePolicyJson(text)
    expect(Either.isLeft(parsed)).toBe(true)
    if (Either.isLeft(parsed)) expect(parsed.left).toMatchObject({ line, column, message })
  })

  it("counts characters without whitespace as SOURCES.md does for AWS's examples", () => {
    const count = (file: string) => minifiedLength(readFileSync(nodePath.join(referenceScps, file), "utf8"))
    expect(count("Region-controls__Deny-access-to-AWS-based-on-the-requested-AWS-region.json")).toBe(970)
    expect(count("Deny-changes-to-security-services__Deny-users-from-disabling-Amazon-GuardDuty-or-modifying-its-configuration.json")).toBe(1113)
    expect(minifiedLength("{ \"a b\" : 1 }")).toBe(9)
  })
})
