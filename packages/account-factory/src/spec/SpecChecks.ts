/**
 * Checks a decoded spec beyond what its schema can say (names unique, OU
 * paths and references that resolve, nesting within AWS's limit, required
 * tags present) and resolves it into the parts of an `OrgSpec`. Each issue
 * carries the path of the offending YAML node so the loader can give its line.
 */
import {
  AWS_MANAGED_POLICIES,
  MAX_OU_DEPTH,
  normalizeOuPath,
  parseTarget,
  type AssignmentEntry,
  type AttachmentEntry,
  type OuEntry
} from "./OrgSpec.js"
import type { OuSpec, SpecDocument } from "./SpecDocument.js"

export interface SpecIssuePath {
  readonly path: ReadonlyArray<string | number>
  readonly message: string
}

export interface CheckedSpec {
  readonly issues: ReadonlyArray<SpecIssuePath>
  readonly organizationalUnits: ReadonlyArray<OuEntry>
  readonly attachments: ReadonlyArray<AttachmentEntry>
  readonly assignments: ReadonlyArray<AssignmentEntry>
}

const flattenOus = (document: SpecDocument, issues: Array<SpecIssuePath>): Array<OuEntry> => {
  const entries: Array<OuEntry> = []
  const visit = (ous: ReadonlyArray<OuSpec>, parentPath: string | undefined, depth: number, at: ReadonlyArray<string | number>) => {
    const seen = new Set<string>()
    ous.forEach((ou, index) => {
      const here = [...at, index]
      const path = parentPath === undefined ? ou.name : `${parentPath}/${ou.name}`
      if (seen.has(ou.name)) issues.push({ path: [...here, "name"], message: `OU "${path}" is declared twice under the same parent` })
      seen.add(ou.name)
      if (depth > MAX_OU_DEPTH) {
        issues.push({ path: here, message: `OU "${path}" is nested ${depth} levels deep; AWS allows at most ${MAX_OU_DEPTH} under the root` })
        return
      }
      entries.push({ path, name: ou.name, parentPath, depth, tags: ou.tags ?? {} })
      visit(ou.children ?? [], path, depth + 1, [...here, "children"])
    })
  }
  visit(document.organizationalUnits, undefined, 1, ["organizationalUnits"])
  return entries
}

const duplicates = <A>(items: ReadonlyArray<A>, key: (item: A) => string): Array<[number, string]> => {
  const seen = new Set<string>()
  const found: Array<[number, string]> = []
  items.forEach((item, index) => {
    const k = key(item)
    if (seen.has(k)) found.push([index, k])
    seen.add(k)
  })
  return found
}

export const checkSpec = (document: SpecDocument): CheckedSpec => {
  const issues: Array<SpecIssuePath> = []
  const organizationalUnits = flattenOus(document, issues)
  const ouPaths = new Set(organizationalUnits.map((ou) => ou.path))
  const accountNames = new Set(document.accounts.map((account) => account.name))
  const policyNames = new Set([...document.policies.map((policy) => policy.name), ...AWS_MANAGED_POLICIES])
  const ouExists = (path: string) => path === "Root" || ouPaths.has(normalizeOuPath(path))

  for (const [index, name] of duplicates(document.accounts, (account) => account.name)) {
    issues.push({ path: ["accounts", index, "name"], message: `account name "${name}" is used twice` })
  }
  for (const [index, email] of duplicates(document.accounts, (account) => account.email.toLowerCase())) {
    issues.push({ path: ["accounts", index, "email"], message: `e-mail ${email} is used by two accounts; AWS requires a unique root e-mail per account` })
  }
  document.accounts.forEach((account, index) => {
    if (!ouExists(account.ou)) issues.push({ path: ["accounts", index, "ou"], message: `OU "${account.ou}" is not declared in organizationalUnits` })
    for (const required of document.requiredTags) {
      const value = account.tags[required.key]
      if (value === undefined) {
        issues.push({ path: ["accounts", index, "tags"], message: `account "${account.name}" lacks the required tag ${required.key}` })
      } else if (required.values !== undefined && !required.values.includes(value)) {
        issues.push({ path: ["accounts", index, "tags", required.key], message: `tag ${required.key} is "${value}"; allowed: ${required.values.join(", ")}` })
      }
    }
  })

  for (const [index, name] of duplicates(document.policies, (policy) => policy.name)) {
    issues.push({ path: ["policies", index, "name"], message: `policy "${name}" is declared twice` })
  }
  document.policies.forEach((policy, index) => {
    const given = [policy.file, policy.document, policy.content].filter((source) => source !== undefined).length
    if (given !== 1) issues.push({ path: ["policies", index], message: `policy "${policy.name}" needs exactly one of file, document or content (has ${given})` })
  })

  const attachments: Array<AttachmentEntry> = []
  document.attachments.forEach((attachment, index) => {
    if (!policyNames.has(attachment.policy)) issues.push({ path: ["attachments", index, "policy"], message: `policy "${attachment.policy}" is not declared in policies` })
    attachment.targets.forEach((text, t) => {
      const target = parseTarget(text)
      const ok = target.kind === "Root" || (target.kind === "Account" ? accountNames.has(target.name) : ouPaths.has(target.path))
      if (!ok) issues.push({ path: ["attachments", index, "targets", t], message: `target "${text}" is neither Root, a declared OU path nor account:<declared account>` })
      else attachments.push({ policy: attachment.policy, target })
    })
  })

  if (document.tenancy !== undefined) {
    const tenancy = document.tenancy
    const models = [["pool", tenancy.pool], ["silo", tenancy.silo], ["bridge", tenancy.bridge]] as const
    for (const [key, model] of models) {
      if (model !== undefined && !ouExists(model.ou)) issues.push({ path: ["tenancy", key, "ou"], message: `OU "${model.ou}" is not declared in organizationalUnits` })
    }
    if (!ouExists(tenancy.suspendedOu)) issues.push({ path: ["tenancy", "suspendedOu"], message: `OU "${tenancy.suspendedOu}" is not declared in organizationalUnits` })
  }

  for (const [index, name] of duplicates(document.permissionSets, (set) => set.name)) {
    issues.push({ path: ["permissionSets", index, "name"], message: `permission set "${name}" is declared twice` })
  }
  const setNames = new Set(document.permissionSets.map((set) => set.name))
  const assignments: Array<AssignmentEntry> = []
  const seenAssignments = new Set<string>()
  const assign = (entry: AssignmentEntry) => {
    const key = `${entry.permissionSet}|${entry.principalType}|${entry.principal}|${entry.accountName}`
    if (!seenAssignments.has(key)) assignments.push(entry)
    seenAssignments.add(key)
  }
  document.assignments.forEach((assignment, index) => {
    if (!setNames.has(assignment.permissionSet)) issues.push({ path: ["assignments", index, "permissionSet"], message: `permission set "${assignment.permissionSet}" is not declared in permissionSets` })
    if (assignment.accounts.length === 0 && assignment.ous.length === 0) issues.push({ path: ["assignments", index], message: "an assignment needs accounts or ous" })
    const base = { permissionSet: assignment.permissionSet, principalType: assignment.principalType, principal: assignment.principal }
    assignment.accounts.forEach((name, a) => {
      if (!accountNames.has(name)) issues.push({ path: ["assignments", index, "accounts", a], message: `account "${name}" is not declared in accounts` })
      else assign({ ...base, accountName: name })
    })
    assignment.ous.forEach((path, o) => {
      if (!ouExists(path)) {
        issues.push({ path: ["assignments", index, "ous", o], message: `OU "${path}" is not declared in organizationalUnits` })
        return
      }
      // An OU assignment covers the accounts of the OU and of every OU below it.
      const prefix = normalizeOuPath(path)
      for (const account of document.accounts) {
        const ou = normalizeOuPath(account.ou)
        if (path === "Root" || ou === prefix || ou.startsWith(`${prefix}/`)) assign({ ...base, accountName: account.name })
      }
    })
  })

  return { issues, organizationalUnits, attachments, assignments }
}
