import { describe, expect, it } from "@effect/vitest"
import * as nodePath from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { targetKey } from "./OrgSpec.js"
import { loadSpec, parseSpec, type ReadFile } from "./SpecLoader.js"

const here = nodePath.dirname(fileURLToPath(import.meta.url))
const referenceSpec = nodePath.resolve(here, "../../examples/reference-org.yaml")

const files = (entries: Record<string, string>): ReadFile => (path) =>
  entries[path] === undefined ? Effect.fail(new Error("ENOENT: no such file")) : Effect.succeed(entries[path])

const header = `version: 1
requiredTags:
  - key: Environment
    values: [prod, staging, dev]
organizationalUnits:
  - name: Production
`

describe("SpecLoader", () => {
  it.effect("loads the reference organization with its SCP files", () =>
    Effect.gen(function* () {
      const spec = yield* loadSpec(referenceSpec)
      expect(spec.organizationalUnits.map((ou) => ou.path)).toEqual([
        "Security", "Infrastructure", "Production", "Non-Production", "Non-Production/Staging", "Non-Production/Development",
        "Non-Production/Sandbox", "Workloads", "Workloads/Pools", "Workloads/VIP", "Suspended"
      ])
      expect(spec.accounts).toHaveLength(7)
      expect(spec.accounts.find((a) => a.name === "staging")?.ou).toBe("Non-Production/Staging")
      const regions = spec.policies.find((p) => p.name === "deny-regions")
      expect(regions?.source).toMatch(/examples\/scp\/deny-regions\.json$/)
      expect(regions?.content).toContain("ap-northeast-1")
      const inline = spec.policies.find((p) => p.name === "deny-leave-organization")
      expect(JSON.parse(inline?.content ?? "{}")).toMatchObject({ Version: "2012-10-17" })
      expect(inline?.line).toBeGreaterThan(1)
      expect(spec.attachments.map((a) => `${a.policy}@${targetKey(a.target)}`)).toContain("instance-types-nonprod@ou:Non-Production/Development")
      expect(spec.permissionSets.map((p) => [p.name, p.sessionDuration])).toEqual([["administrator", "PT8H"], ["developer", "PT12H"], ["read-only", "PT4H"]])
      expect(spec.assignments.filter((a) => a.permissionSet === "developer").map((a) => a.accountName).sort()).toEqual(["development", "staging"])
      expect(spec.assignments.filter((a) => a.permissionSet === "administrator")).toHaveLength(7)
      expect(spec.tenancy?.pool.capacity).toBe(100)
      expect(spec.prune).toBe(false)
    }))

  const bad: ReadonlyArray<readonly [string, string, { line: number; column?: number; path: string; message: RegExp }]> = [
    ["a missing e-mail", header + `accounts:\n  - name: app\n    ou: Production\n    tags: { Environment: prod }\n`,
      { line: 8, column: 5, path: "accounts[0].email", message: /is missing/ }],
    ["a tag value outside the allowed set", header + `accounts:\n  - name: app\n    email: app@example.com\n    ou: Production\n    tags:\n      Environment: production\n`,
      { line: 12, column: 20, path: "accounts[0].tags.Environment", message: /allowed: prod, staging, dev/ }],
    ["a missing required tag", header + `accounts:\n  - name: app\n    email: app@example.com\n    ou: Production\n`,
      { line: 8, column: 5, path: "accounts[0].tags", message: /lacks the required tag Environment/ }],
    ["an undeclared OU", header + `accounts:\n  - name: app\n    email: app@example.com\n    ou: Prod\n    tags: { Environment: prod }\n`,
      { line: 10, column: 9, path: "accounts[0].ou", message: /OU "Prod" is not declared/ }],
    ["OUs nested six deep", `version: 1\norganizationalUnits:\n  - name: L1\n    children:\n      - name: L2\n        children:\n          - name: L3\n            children:\n              - name: L4\n                children:\n                  - name: L5\n                    children:\n                      - name: L6\n`,
      { line: 13, column: 25, path: "organizationalUnits[0].children[0].children[0].children[0].children[0].children[0]", message: /nested 6 levels deep; AWS allows at most 5/ }],
    ["a misspelt top-level key", `version: 1\norganisationalUnits: []\n`,
      { line: 2, column: 1, path: "organisationalUnits", message: /is unexpected/ }],
    ["a session longer than 12 hours", `version: 1\npermissionSets:\n  - name: admin\n    sessionDuration: PT13H\n`,
      { line: 4, column: 22, path: "permissionSets[0].sessionDuration", message: /between PT1H and PT12H/ }],
    ["a missing policy file", `version: 1\npolicies:\n  - name: p\n    file: scp/missing.json\n`,
      { line: 4, column: 11, path: "policies[0].file", message: /cannot read policy file org\/scp\/missing\.json/ }],
    ["two accounts with one e-mail", header + `accounts:\n  - name: a\n    email: same@example.com\n    ou: Production\n    tags: { Environment: prod }\n  - name: b\n    email: SAME@example.com\n    ou: Production\n    tags: { Environment: dev }\n`,
      { line: 13, column: 12, path: "accounts[1].email", message: /used by two accounts/ }],
    ["an attachment to an unknown target", `version: 1\npolicies:\n  - name: p\n    content: '{}'\nattachments:\n  - policy: p\n    targets: [Root, account:ghost]\n`,
      { line: 7, column: 21, path: "attachments[0].targets[1]", message: /target "account:ghost"/ }]
  ]

  it.effect.each(bad)("names file, line, column and field for %s", ([, text, expected]) =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(parseSpec(text, "org/spec.yaml", files({})))
      expect(error.reason).toBe("Invalid")
      const issue = error.issues[0]
      expect(issue).toMatchObject({ file: "org/spec.yaml", line: expected.line, path: expected.path })
      if (expected.column !== undefined) expect(issue?.column).toBe(expected.column)
      expect(issue?.message).toMatch(expected.message)
      expect(error.message).toContain(`org/spec.yaml:${expected.line}`)
    }))

  it.effect("reports YAML syntax errors with their position", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(parseSpec("version: 1\naccounts:\n  - name: a\n   email: [\n", "bad.yaml", files({})))
      expect(error.reason).toBe("YamlSyntax")
      expect(error.issues[0]?.line).toBeGreaterThanOrEqual(3)
    }))

  it.effect("says a YAML syntax error's position once, in front, not again at the end of the message", () =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(parseSpec("version: 1\norganizationalUnits:\n  - name: A\n    children: [\n", "bad.yaml", files({})))
      expect(error.message).toBe("bad.yaml:5:1: Flow sequence in block collection must be sufficiently indented and end with a ]")
    }))

  it.effect.each<readonly [string, string, string]>([
    ["an empty file", "", "bad.yaml: the spec is empty; it needs at least version: 1"],
    ["a file of comments", "# nothing yet\n", "bad.yaml: the spec is empty; it needs at least version: 1"],
    ["a list at the top", "- version: 1\n", "bad.yaml:1:1: the spec is a YAML list; it must be a mapping of version, name, organizationalUnits, ..."]
  ])("says plainly what is wrong with %s", ([, text, message]) =>
    Effect.gen(function* () {
      const error = yield* Effect.flip(parseSpec(text, "bad.yaml", files({})))
      expect(error.reason).toBe("Invalid")
      expect(error.message).toBe(message)
    }))

  it.effect("reads policy files relative to the spec and reports an unreadable spec", () =>
    Effect.gen(function* () {
      const spec = yield* parseSpec(`version: 1\npolicies:\n  - name: p\n    file: scp/p.json\n`, "org/spec.yaml", files({ "org/scp/p.json": "{\"Version\":\"2012-10-17\"}" }))
      expect(spec.policies[0]).toMatchObject({ source: "org/scp/p.json", line: 1, content: "{\"Version\":\"2012-10-17\"}" })
      const missing = yield* Effect.flip(loadSpec(nodePath.join(here, "no-such-spec.yaml")))
      expect(missing.reason).toBe("Unreadable")
    }))
})
