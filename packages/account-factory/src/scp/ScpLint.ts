/**
 * SCP lint: grammar, size, policies per target, statements that would lock
 * the platform out of its own role, and region-deny policies that forget the
 * global services. Pure: documents in, findings out.
 */
import { jsonLineColumn, jsonToPlain } from "@miyabi/types"
import { Either } from "effect"
import { targetKey, type OrgSpec } from "../spec/OrgSpec.js"
import { actionMatches, arnMatches, GLOBAL_SERVICES, PLATFORM_ACTIONS, sampleArn } from "./ActionPattern.js"
import { checkGrammar, type ParsedStatement } from "./PolicyGrammar.js"
import { minifiedLength, parsePolicyJson } from "./PolicyJson.js"
import type { PolicyFinding } from "./PolicyFinding.js"

/**
 * AWS's limit on an SCP document. The console strips whitespace outside
 * strings before counting; the API counts the text as sent. We lint the
 * minified size and upload minified documents (see `minifyPolicy`).
 */
export const MAX_SCP_SIZE = 5_120
/** AWS's limit of SCPs attached to one root, OU or account. */
export const MAX_POLICIES_PER_TARGET = 5

export interface LintOptions {
  /** The platform's role, `*` as wildcard (default: the spec's platformRoleArn or OrganizationAccountAccessRole). */
  readonly platformRoleArn?: string
  /** Actions the platform needs (default PLATFORM_ACTIONS). */
  readonly platformActions?: ReadonlyArray<string>
  /** Services a region-deny must exempt (default GLOBAL_SERVICES). */
  readonly globalServices?: ReadonlyArray<string>
}

export interface PolicyInput {
  readonly name: string
  readonly source: string
  readonly content: string
  /** Line of `source` where the document starts (default 1). */
  readonly line?: number
  /** The text was generated (from YAML): every finding points at `line`, the document's start. */
  readonly generated?: boolean
}

export interface LintReport {
  readonly findings: ReadonlyArray<PolicyFinding>
  readonly errors: number
  readonly warnings: number
}

const DEFAULT_ROLE = "arn:aws:iam::*:role/OrganizationAccountAccessRole"
const PRINCIPAL_KEYS = ["aws:principalarn"]
const NEGATIVE = ["ArnNotLike", "ArnNotEquals", "StringNotLike", "StringNotEquals", "StringNotEqualsIgnoreCase"]
const POSITIVE = ["ArnLike", "ArnEquals", "StringLike", "StringEquals", "StringEqualsIgnoreCase"]

/** Whether a statement's Action/NotAction covers `action`. */
const coversAction = (statement: ParsedStatement, action: string): boolean =>
  statement.action !== undefined
    ? statement.action.some((pattern) => actionMatches(pattern, action))
    : statement.notAction !== undefined && !statement.notAction.some((pattern) => actionMatches(pattern, action))

/** Whether its resources can include the organization's or IAM's resources. */
const mayCoverPlatformResources = (statement: ParsedStatement): boolean =>
  statement.resource === undefined ||
  statement.resource.some((pattern) => pattern === "*" || /^arn:(\*|aws[a-z-]*):(\*|organizations|iam|sts)/.test(pattern))

/** Whether a principal condition keeps the platform role out of the statement's reach. */
const exemptsPrincipal = (statement: ParsedStatement, roleArn: string): boolean =>
  statement.conditions.some((clause) => {
    if (!PRINCIPAL_KEYS.includes(clause.key.toLowerCase())) return false
    const matches = clause.values.some((value) => arnMatches(value, roleArn))
    if (NEGATIVE.includes(clause.base)) return matches
    if (POSITIVE.includes(clause.base)) return !matches
    return false
  })

const isRegionDeny = (statement: ParsedStatement): boolean =>
  statement.effect === "Deny" &&
  statement.conditions.some((clause) => clause.key.toLowerCase() === "aws:requestedregion" && ["StringNotEquals", "StringNotLike", "StringNotEqualsIgnoreCase"].includes(clause.base))

/** Lints one SCP document. */
export const lintPolicy = (input: PolicyInput, options: LintOptions = {}): ReadonlyArray<PolicyFinding> => {
  const firstLine = input.line ?? 1
  const at = (offset: number): { line: number; column?: number } => {
    if (input.generated === true) return { line: firstLine }
    const { line, column } = jsonLineColumn(input.content, offset)
    return { line: line + firstLine - 1, column }
  }
  const finding = (severity: PolicyFinding["severity"], rule: PolicyFinding["rule"], message: string, statement?: string, offset?: number): PolicyFinding => ({
    severity,
    rule,
    policy: input.name,
    source: input.source,
    ...(statement === undefined ? {} : { statement }),
    ...(offset === undefined ? {} : at(offset)),
    message
  })

  const parsed = parsePolicyJson(input.content)
  if (Either.isLeft(parsed)) {
    return [finding("error", "json-syntax", `not valid JSON: ${parsed.left.message}`, undefined, parsed.left.offset)]
  }
  const findings: Array<PolicyFinding> = []
  const size = minifiedLength(input.content)
  if (size > MAX_SCP_SIZE) findings.push(finding("error", "size", `${size} characters without whitespace; AWS allows at most ${MAX_SCP_SIZE} per SCP`))

  const grammar = checkGrammar(parsed.right)
  for (const issue of grammar.issues) findings.push(finding("error", "grammar", issue.message, issue.statement, issue.offset))

  const role = sampleArn(options.platformRoleArn ?? DEFAULT_ROLE)
  const platformActions = options.platformActions ?? PLATFORM_ACTIONS
  const globalServices = options.globalServices ?? GLOBAL_SERVICES
  for (const statement of grammar.statements) {
    if (statement.effect !== "Deny") continue
    const denied = platformActions.filter((action) => coversAction(statement, action))
    if (denied.length > 0 && mayCoverPlatformResources(statement) && !exemptsPrincipal(statement, role)) {
      const list = denied.length > 3 ? `${denied.slice(0, 3).join(", ")} and ${denied.length - 3} more` : denied.join(", ")
      if (statement.conditions.length === 0) {
        findings.push(finding("error", "platform-lockout", `denies ${list} to every principal, including the platform role ${options.platformRoleArn ?? DEFAULT_ROLE}; exempt it with an ArnNotLike aws:PrincipalArn condition`, statement.label, statement.offset))
      } else {
        findings.push(finding("warning", "platform-lockout", `may deny ${list} to the platform role ${options.platformRoleArn ?? DEFAULT_ROLE}: its conditions do not exclude that role by aws:PrincipalArn`, statement.label, statement.offset))
      }
    }
    if (isRegionDeny(statement)) {
      const forgotten = globalServices.filter((service) => coversAction(statement, `${service}:AnyAction`))
      if (forgotten.length > 0) {
        findings.push(finding("warning", "region-deny-global-services", `denies global services outside the allowed regions: ${forgotten.join(", ")}; exempt them with NotAction as AWS's region-deny example does`, statement.label, statement.offset))
      }
    }
  }
  return findings
}

/** The document as AWS should store it: whitespace outside strings removed (what the size limit counts). */
export const minifyPolicy = (content: string): string => {
  const parsed = parsePolicyJson(content)
  return Either.isRight(parsed) ? JSON.stringify(jsonToPlain(parsed.right)) : content
}

const report = (findings: ReadonlyArray<PolicyFinding>): LintReport => ({
  findings,
  errors: findings.filter((f) => f.severity === "error").length,
  warnings: findings.filter((f) => f.severity === "warning").length
})

/** Lints every policy of a spec and the number of policies attached to each target. */
export const lintSpec = (spec: OrgSpec, options: LintOptions = {}): LintReport => {
  const merged: LintOptions = { platformRoleArn: spec.platformRoleArn, ...options }
  const findings: Array<PolicyFinding> = spec.policies.flatMap((policy) => lintPolicy(policy, merged))
  const perTarget = new Map<string, Array<string>>()
  for (const attachment of spec.attachments) {
    const key = targetKey(attachment.target)
    perTarget.set(key, [...(perTarget.get(key) ?? []), attachment.policy])
  }
  for (const [target, policies] of perTarget) {
    if (policies.length > MAX_POLICIES_PER_TARGET) {
      findings.push({
        severity: "error",
        rule: "policies-per-target",
        policy: policies.join(", "),
        source: spec.file,
        message: `${target} has ${policies.length} SCPs attached; AWS allows at most ${MAX_POLICIES_PER_TARGET} per root, OU or account`
      })
    }
  }
  return report(findings)
}

/** Lints documents that are not part of a spec (e.g. a folder of policy files). */
export const lintPolicies = (inputs: ReadonlyArray<PolicyInput>, options: LintOptions = {}): LintReport =>
  report(inputs.flatMap((input) => lintPolicy(input, options)))
