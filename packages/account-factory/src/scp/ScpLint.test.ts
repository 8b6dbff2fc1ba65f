import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"
import * as nodePath from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { loadSpec } from "../spec/SpecLoader.js"
import { parseSpec } from "../spec/SpecLoader.js"
import { formatFinding } from "./PolicyFinding.js"
import { lintPolicy, lintSpec, MAX_SCP_SIZE, minifyPolicy } from "./ScpLint.js"

const here = nodePath.dirname(fileURLToPath(import.meta.url))
const repoRoot = nodePath.resolve(here, "../../../..")
const referenceScps = nodePath.resolve(repoRoot, "../shared/reference-data/scp")

const policy = (...statements: ReadonlyArray<unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: statements }, null, 2)
const deny = (extra: Record<string, unknown>) => ({ Effect: "Deny", Resource: "*", ...extra })

type Expected = ReadonlyArray<readonly [rule: string, severity: "error" | "warning", statement?: string]>

const cases: ReadonlyArray<readonly [string, string, Expected]> = [
  ["a plain deny of one action", policy(deny({ Sid: "NoDefaultVpc", Action: ["ec2:CreateDefaultVpc"] })), []],
  ["Statement as a single object", JSON.stringify({ Version: "2012-10-17", Statement: deny({ Action: "s3:PutObject" }) }), []],
  ["an old Version", JSON.stringify({ Version: "2008-10-17", Statement: [deny({ Action: "s3:*" })] }), [["grammar", "error"]]],
  ["a missing Effect", policy({ Sid: "X", Action: "s3:*", Resource: "*" }), [["grammar", "error", "Sid X"]]],
  ["an Effect of Block", policy({ Effect: "Block", Action: "s3:*", Resource: "*" }), [["grammar", "error", "statement #1"]]],
  ["both Action and NotAction", policy(deny({ Action: "s3:*", NotAction: "s3:Get*" })), [["grammar", "error", "statement #1"]]],
  ["a Principal", policy(deny({ Action: "s3:*", Principal: "*" })), [["grammar", "error", "statement #1"]]],
  ["an action without a service", policy(deny({ Action: "PutObject" })), [["grammar", "error", "statement #1"]]],
  ["an unknown condition operator", policy(deny({ Action: "s3:*", Condition: { StringEqualz: { "aws:PrincipalTag/x": "y" } } })), [["grammar", "error", "statement #1"]]],
  ["set and IfExists operator forms",
    policy(deny({ Action: "s3:*", Condition: { "ForAnyValue:StringLikeIfExists": { "aws:TagKeys": ["a*"] }, "ForAllValues:StringEquals": { "aws:TagKeys": ["a"] }, BoolIfExists: { "aws:SecureTransport": false }, Null: { "s3:x": true } } })), []],
  ["Null with IfExists", policy(deny({ Action: "s3:*", Condition: { NullIfExists: { "s3:x": "true" } } })), [["grammar", "error", "statement #1"]]],
  ["a duplicate Sid", policy(deny({ Sid: "A", Action: "s3:*" }), deny({ Sid: "A", Action: "ec2:*" })), [["grammar", "error", "Sid A"]]],
  ["a trailing comma", "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [],\n}", [["json-syntax", "error"]]],
  ["a deny of organizations:* with no condition", policy(deny({ Sid: "NoOrgs", Action: "organizations:*" })), [["platform-lockout", "error", "Sid NoOrgs"]]],
  ["a deny of everything that exempts the platform role",
    policy(deny({ Action: "*", Condition: { ArnNotLike: { "aws:PrincipalARN": "arn:aws:iam::*:role/OrganizationAccountAccessRole" } } })), []],
  ["a deny of everything for the root user only", policy(deny({ Action: "*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:root" } } })), []],
  ["a deny of everything on one bucket", policy({ Effect: "Deny", Action: "*", Resource: "arn:aws:s3:::secret/*" }), []],
  ["a deny of sts:AssumeRole", policy(deny({ Action: "sts:AssumeRole" })), [["platform-lockout", "error", "statement #1"]]],
  ["a region deny that exempts nothing",
    policy(deny({ Sid: "Regions", Action: "*", Condition: { StringNotEquals: { "aws:RequestedRegion": ["us-east-1"] } } })),
    [["platform-lockout", "warning", "Sid Regions"], ["region-deny-global-services", "warning", "Sid Regions"]]],
  ["a region deny that exempts only IAM",
    policy(deny({ Sid: "Regions", NotAction: ["iam:*"], Condition: { StringNotEquals: { "aws:RequestedRegion": ["us-east-1"] }, ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole" } } })),
    [["region-deny-global-services", "warning", "Sid Regions"]]],
  ["a region deny of one service only", policy(deny({ Action: "ec2:*", Condition: { StringNotEquals: { "aws:RequestedRegion": ["us-east-1"] } } })), []],
  // Only denies can lock the platform out: an Allow of everything is no finding.
  ["an allow of everything", policy({ Effect: "Allow", Action: "*", Resource: "*" }), []],
  // sts:AssumeRole's resource is an IAM role ARN: a deny scoped to roles still covers the platform's.
  ["a deny of sts:AssumeRole on IAM roles", policy(deny({ Action: "sts:AssumeRole", Resource: "arn:aws:iam::*:role/*" })), [["platform-lockout", "error", "statement #1"]]],
  // NotResource: everything but one bucket, which includes the organization's resources.
  ["a deny of organizations:* on everything but one bucket", policy({ Effect: "Deny", Action: "organizations:*", NotResource: "arn:aws:s3:::public/*" }), [["platform-lockout", "error", "statement #1"]]],
  // A positive principal condition that matches the platform role applies the deny to it.
  ["a deny of organizations:* for the platform role itself",
    policy(deny({ Action: "organizations:*", Condition: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole" } } })),
    [["platform-lockout", "warning", "statement #1"]]],
  ["a region deny by StringNotLike",
    policy(deny({ Sid: "Regions", Action: "*", Condition: { StringNotLike: { "aws:RequestedRegion": ["eu-*"] }, ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/OrganizationAccountAccessRole" } } })),
    [["region-deny-global-services", "warning", "Sid Regions"]]],
  ["a document over the size limit",
    policy(deny({ Action: Array.from({ length: 300 }, (_, i) => `ec2:CreateSomething${String(i).padStart(4, "0")}`) })), [["size", "error"]]]
]

const summary = (findings: ReturnType<typeof lintPolicy>) => findings.map((f) => (f.statement === undefined ? [f.rule, f.severity] : [f.rule, f.severity, f.statement]))

describe("ScpLint", () => {
  it.each(cases)("%s", (_, content, expected) => {
    const findings = lintPolicy({ name: "p", source: "p.json", content })
    expect(summary(findings)).toEqual(expected.map((e) => [...e]))
    for (const finding of findings) expect(formatFinding(finding)).toMatch(/^p\.json(:\d+:\d+)?: (error|warning) \[[a-z-]+\] policy p/)
  })

  it("places a syntax error and a statement finding on their line and column", () => {
    const [comma] = lintPolicy({ name: "p", source: "p.json", content: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [],\n}" })
    expect(comma).toMatchObject({ line: 4, column: 1 })
    const [lockout] = lintPolicy({ name: "p", source: "spec.yaml#policies[0].content", line: 10, content: policy(deny({ Action: "organizations:*" })) })
    expect(lockout).toMatchObject({ line: 13, column: 5 })
  })

  it("honours a configured platform role", () => {
    const content = policy(deny({ Action: "*", Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/Miyabi*" } } }))
    expect(lintPolicy({ name: "p", source: "p.json", content }, { platformRoleArn: "arn:aws:iam::*:role/MiyabiPlatform" })).toEqual([])
    expect(summary(lintPolicy({ name: "p", source: "p.json", content }, { platformRoleArn: "arn:aws:iam::*:role/OrganizationAccountAccessRole" }))).toEqual([["platform-lockout", "warning", "statement #1"]])
  })

  it("allows exactly 5,120 characters without whitespace and refuses one more", () => {
    // A Sid padded so the minified document is exactly `length` characters long.
    const ofLength = (length: number) => {
      const base = minifyPolicy(policy(deny({ Sid: "", Action: "s3:PutObject" }))).length
      return policy(deny({ Sid: "S".repeat(length - base), Action: "s3:PutObject" }))
    }
    expect(minifyPolicy(ofLength(MAX_SCP_SIZE))).toHaveLength(MAX_SCP_SIZE)
    expect(summary(lintPolicy({ name: "p", source: "p.json", content: ofLength(MAX_SCP_SIZE) }))).toEqual([])
    expect(summary(lintPolicy({ name: "p", source: "p.json", content: ofLength(MAX_SCP_SIZE + 1) }))).toEqual([["size", "error"]])
  })

  it("measures size without whitespace and minifies for upload", () => {
    const padded = policy(deny({ Action: "s3:PutObject" })).replace(/\n/g, "\n" + " ".repeat(MAX_SCP_SIZE))
    expect(padded.length).toBeGreaterThan(MAX_SCP_SIZE)
    expect(lintPolicy({ name: "p", source: "p.json", content: padded })).toEqual([])
    expect(minifyPolicy(padded)).toBe(JSON.stringify(JSON.parse(padded)))
  })

  describe("AWS's published examples", () => {
    const files = readdirSync(referenceScps).filter((file) => file.endsWith(".json")).sort()
    const commented = "Service-specific-controls__AWS-IAM__deny-service-specific-credential-by-type.json"

    it("finds all fourteen", () => {
      expect(files).toHaveLength(14)
      expect(files).toContain(commented)
    })

    it.each(files.filter((file) => file !== commented))("passes %s", (file) => {
      const source = nodePath.join(referenceScps, file)
      const findings = lintPolicy({ name: file.replace(/\.json$/, ""), source, content: readFileSync(source, "utf8") })
      expect(findings.map(formatFinding)).toEqual([])
    })

    it("fails the one published with a // comment, naming the file and position", () => {
      const source = nodePath.join(referenceScps, commented)
      const findings = lintPolicy({ name: "deny-service-specific-credential-by-type", source, content: readFileSync(source, "utf8") })
      expect(findings).toHaveLength(1)
      expect(findings[0]).toMatchObject({ rule: "json-syntax", severity: "error", source, line: 15, column: 13 })
      expect(formatFinding(findings[0]!)).toMatch(/deny-service-specific-credential-by-type\.json:15:13: error \[json-syntax\] .*comments are not allowed/)
    })
  })

  it.effect("lints the reference organization clean", () =>
    Effect.gen(function* () {
      const spec = yield* loadSpec(nodePath.resolve(here, "../../examples/reference-org.yaml"))
      const report = lintSpec(spec)
      expect(report.findings.map(formatFinding)).toEqual([])
    }))

  it.effect("counts policies per target across the spec", () =>
    Effect.gen(function* () {
      const attached = (names: ReadonlyArray<string>) =>
        [
          "version: 1",
          "organizationalUnits: [{ name: Production }]",
          "policies:",
          ...names.map((n) => `  - { name: ${n}, content: '${policy(deny({ Action: "s3:PutObject" })).replace(/\n\s*/g, "")}' }`),
          "attachments:",
          ...names.map((n) => `  - { policy: ${n}, targets: [Production] }`)
        ].join("\n")
      // Five on one OU is AWS's limit, and allowed.
      const five = yield* parseSpec(attached(["a", "b", "c", "d", "e"]), "five.yaml", () => Effect.fail(new Error("no files")))
      expect(lintSpec(five).findings.map(formatFinding)).toEqual([])
      const spec = yield* parseSpec(attached(["a", "b", "c", "d", "e", "f"]), "six.yaml", () => Effect.fail(new Error("no files")))
      const report = lintSpec(spec)
      expect(report.errors).toBe(1)
      expect(report.findings[0]).toMatchObject({ rule: "policies-per-target", source: "six.yaml" })
      expect(report.findings[0]?.message).toMatch(/ou:Production has 6 SCPs attached; AWS allows at most 5/)
    }))
  it("names up to three denied platform actions, and counts the rest", () => {
    const message = (actions: ReadonlyArray<string>) => lintPolicy({ name: "p", source: "p.json", content: policy(deny({ Action: actions })) })[0]?.message
    expect(message(["organizations:ListAccounts", "organizations:ListRoots", "sts:AssumeRole"])).toMatch(/^denies organizations:ListAccounts, organizations:ListRoots, sts:AssumeRole to every principal/)
    expect(message(["organizations:DescribeOrganization", "organizations:ListAccounts", "organizations:ListRoots", "sts:AssumeRole"])).toMatch(
      /^denies organizations:DescribeOrganization, organizations:ListAccounts, organizations:ListRoots and 1 more to every principal/
    )
  })

  it.effect("lets the caller's platform role win over the spec's", () =>
    Effect.gen(function* () {
      const content = policy(deny({ Action: "*", Condition: { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::*:role/Miyabi*" } } })).replace(/\n\s*/g, "")
      const yaml = ["version: 1", "platformRoleArn: arn:aws:iam::*:role/SpecRole", "policies:", `  - { name: p, content: '${content}' }`].join("\n")
      const spec = yield* parseSpec(yaml, "role.yaml", () => Effect.fail(new Error("no files")))
      // The spec's SpecRole is not exempted by role/Miyabi*: a warning; the caller's MiyabiPlatform is: nothing.
      expect(lintSpec(spec).findings.map((f) => [f.rule, f.severity])).toEqual([["platform-lockout", "warning"]])
      expect(lintSpec(spec, { platformRoleArn: "arn:aws:iam::*:role/MiyabiPlatform" }).findings).toEqual([])
    }))
})
