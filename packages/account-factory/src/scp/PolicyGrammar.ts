/**
 * The grammar of an SCP document (the IAM JSON policy language as
 * Organizations accepts it): Version 2012-10-17, Statement as an array or one
 * object, Sid, Effect, Action/NotAction, Resource/NotResource and Condition
 * with the known operators, their IfExists forms and the ForAllValues /
 * ForAnyValue set qualifiers. SCPs take no Principal.
 */
import type { JsonNode } from "@miyabi/types"

export interface ConditionClause {
  /** As written, e.g. "ForAnyValue:StringNotLikeIfExists". */
  readonly operator: string
  /** The base operator, e.g. "StringNotLike". */
  readonly base: string
  readonly key: string
  readonly values: ReadonlyArray<string>
}

export interface ParsedStatement {
  /** "Sid DenyRegions" or "statement #2" (1-based). */
  readonly label: string
  readonly offset: number
  readonly effect: "Allow" | "Deny" | undefined
  readonly action: ReadonlyArray<string> | undefined
  readonly notAction: ReadonlyArray<string> | undefined
  readonly resource: ReadonlyArray<string> | undefined
  readonly notResource: ReadonlyArray<string> | undefined
  readonly conditions: ReadonlyArray<ConditionClause>
}

export interface GrammarIssue {
  readonly offset: number
  readonly statement: string | undefined
  readonly message: string
}

export const CONDITION_OPERATORS: ReadonlyArray<string> = [
  "StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
  "NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
  "DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
  "Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null"
]

/** Splits "ForAnyValue:StringLikeIfExists" into its base operator, or says why it is not one. */
export const parseOperator = (operator: string): { readonly base: string } | { readonly error: string } => {
  const qualified = /^(ForAllValues:|ForAnyValue:)?(.+)$/.exec(operator)
  const rest = qualified?.[2] ?? operator
  const base = rest.endsWith("IfExists") ? rest.slice(0, -"IfExists".length) : rest
  if (!CONDITION_OPERATORS.includes(base)) return { error: `unknown condition operator "${operator}"` }
  if (base === "Null" && rest !== base) return { error: "the Null operator has no IfExists form" }
  return { base }
}

const ACTION = /^(\*|[a-zA-Z0-9-]+:[A-Za-z0-9*?]+)$/
const STATEMENT_KEYS = ["Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition"]

export const checkGrammar = (root: JsonNode): { readonly issues: ReadonlyArray<GrammarIssue>; readonly statements: ReadonlyArray<ParsedStatement> } => {
  const issues: Array<GrammarIssue> = []
  const statements: Array<ParsedStatement> = []
  const issue = (offset: number, statement: string | undefined, message: string) => issues.push({ offset, statement, message })

  const strings = (node: JsonNode, what: string, label: string): ReadonlyArray<string> | undefined => {
    if (node.kind === "string") return [node.value]
    if (node.kind === "array" && node.items.length > 0 && node.items.every((item) => item.kind === "string")) {
      return node.items.map((item) => (item.kind === "string" ? item.value : ""))
    }
    issue(node.offset, label, `${what} must be a string or a non-empty array of strings`)
    return undefined
  }

  if (root.kind !== "object") {
    issue(root.offset, undefined, "a policy is one JSON object")
    return { issues, statements }
  }
  const seenTop = new Set<string>()
  for (const entry of root.entries) {
    if (seenTop.has(entry.key)) issue(entry.keyOffset, undefined, `duplicate key "${entry.key}"`)
    seenTop.add(entry.key)
    if (!["Version", "Id", "Statement"].includes(entry.key)) issue(entry.keyOffset, undefined, `unknown top-level element "${entry.key}" (expected Version, Id, Statement)`)
  }
  const version = root.entries.find((entry) => entry.key === "Version")
  if (version === undefined) issue(root.offset, undefined, "Version is missing; SCPs need \"2012-10-17\"")
  else if (version.value.kind !== "string" || version.value.value !== "2012-10-17") issue(version.value.offset, undefined, "Version must be \"2012-10-17\"")

  const statementNode = root.entries.find((entry) => entry.key === "Statement")?.value
  if (statementNode === undefined) {
    issue(root.offset, undefined, "Statement is missing")
    return { issues, statements }
  }
  const nodes = statementNode.kind === "array" ? statementNode.items : [statementNode]
  if (statementNode.kind === "array" && nodes.length === 0) issue(statementNode.offset, undefined, "Statement is an empty array")
  const sids = new Set<string>()

  nodes.forEach((node, index) => {
    const sid = node.kind === "object" ? node.entries.find((entry) => entry.key === "Sid")?.value : undefined
    const label = sid?.kind === "string" && sid.value !== "" ? `Sid ${sid.value}` : `statement #${index + 1}`
    if (node.kind !== "object") {
      issue(node.offset, label, "a statement is a JSON object")
      return
    }
    const field = (key: string) => node.entries.find((entry) => entry.key === key)?.value
    const seen = new Set<string>()
    for (const entry of node.entries) {
      if (seen.has(entry.key)) issue(entry.keyOffset, label, `duplicate key "${entry.key}"`)
      seen.add(entry.key)
      if (entry.key === "Principal" || entry.key === "NotPrincipal") issue(entry.keyOffset, label, `${entry.key} is not supported in service control policies`)
      else if (!STATEMENT_KEYS.includes(entry.key)) issue(entry.keyOffset, label, `unknown statement element "${entry.key}"`)
    }
    if (sid !== undefined) {
      if (sid.kind !== "string" || !/^[A-Za-z0-9]*$/.test(sid.value)) issue(sid.offset, label, "Sid must be a string of letters and digits")
      else if (sid.value !== "" && sids.has(sid.value)) issue(sid.offset, label, `Sid "${sid.value}" is used twice`)
      if (sid.kind === "string") sids.add(sid.value)
    }
    const effectNode = field("Effect")
    let effect: "Allow" | "Deny" | undefined
    if (effectNode === undefined) issue(node.offset, label, "Effect is missing")
    else if (effectNode.kind !== "string" || (effectNode.value !== "Allow" && effectNode.value !== "Deny")) issue(effectNode.offset, label, "Effect must be \"Allow\" or \"Deny\"")
    else effect = effectNode.value

    const actionNode = field("Action")
    const notActionNode = field("NotAction")
    if ((actionNode === undefined) === (notActionNode === undefined)) issue(node.offset, label, "a statement needs exactly one of Action or NotAction")
    const action = actionNode === undefined ? undefined : strings(actionNode, "Action", label)
    const notAction = notActionNode === undefined ? undefined : strings(notActionNode, "NotAction", label)
    for (const [values, at] of [[action, actionNode], [notAction, notActionNode]] as const) {
      for (const value of values ?? []) {
        if (!ACTION.test(value)) issue(at?.offset ?? node.offset, label, `"${value}" is not an action ("service:Action", wildcards allowed, or "*")`)
      }
    }

    const resourceNode = field("Resource")
    const notResourceNode = field("NotResource")
    if (resourceNode !== undefined && notResourceNode !== undefined) issue(node.offset, label, "a statement takes Resource or NotResource, not both")
    if (resourceNode === undefined && notResourceNode === undefined) issue(node.offset, label, "a statement needs Resource or NotResource")
    const resource = resourceNode === undefined ? undefined : strings(resourceNode, "Resource", label)
    const notResource = notResourceNode === undefined ? undefined : strings(notResourceNode, "NotResource", label)
    for (const value of [...(resource ?? []), ...(notResource ?? [])]) {
      if (value !== "*" && !value.startsWith("arn:")) issue((resourceNode ?? notResourceNode ?? node).offset, label, `resource "${value}" is neither "*" nor an ARN`)
    }

    const conditions: Array<ConditionClause> = []
    const conditionNode = field("Condition")
    if (conditionNode !== undefined) {
      if (conditionNode.kind !== "object") issue(conditionNode.offset, label, "Condition must be an object of operators")
      else {
        for (const operatorEntry of conditionNode.entries) {
          const parsed = parseOperator(operatorEntry.key)
          if ("error" in parsed) issue(operatorEntry.keyOffset, label, parsed.error)
          if (operatorEntry.value.kind !== "object" || operatorEntry.value.entries.length === 0) {
            issue(operatorEntry.value.offset, label, `condition ${operatorEntry.key} must map condition keys to values`)
            continue
          }
          for (const keyEntry of operatorEntry.value.entries) {
            const value = keyEntry.value
            const scalars = value.kind === "array" ? value.items : [value]
            if (scalars.length === 0 || scalars.some((item) => item.kind !== "string" && item.kind !== "boolean" && item.kind !== "number")) {
              issue(value.offset, label, `condition value of ${keyEntry.key} must be a string, number, boolean or a non-empty array of them`)
              continue
            }
            const values = scalars.map((item) => (item.kind === "string" || item.kind === "boolean" || item.kind === "number" ? String(item.value) : ""))
            if ("base" in parsed) conditions.push({ operator: operatorEntry.key, base: parsed.base, key: keyEntry.key, values })
          }
        }
      }
    }
    statements.push({ label, offset: node.offset, effect, action, notAction, resource, notResource, conditions })
  })
  return { issues, statements }
}
