/**
 * The org diff: desired spec + live organization -> an ordered plan. Pure.
 * Order: OUs (parents first), policies, accounts, moves, tags, attachments,
 * permission sets, assignments; then, only with `prune: true`, detachments,
 * untagging and deletions (children before parents). Without prune nothing
 * is removed: what the spec does not mention is listed in `notes`.
 */
import { type Account, jsonToPlain, type Organization, type PermissionSet, type PermissionSetAssignment } from "@miyabi/types"
import { Either } from "effect"
import { targetKey, type OrgSpec } from "../spec/OrgSpec.js"
import { parsePolicyJson } from "../scp/PolicyJson.js"
import { minifyPolicy } from "../scp/ScpLint.js"
import type { OrgPlan, PlanStep } from "./PlanStep.js"

/** What Identity Center holds now; without it the plan leaves permission sets alone. */
export interface LiveIdentityCenter {
  readonly permissionSets: ReadonlyArray<PermissionSet>
  readonly assignments: ReadonlyArray<PermissionSetAssignment>
}

export interface LiveState {
  readonly organization: Organization
  readonly identityCenter?: LiveIdentityCenter
}

type Tags = { readonly [key: string]: string }

const sortKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortKeys)
    : value !== null && typeof value === "object"
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]))
      : value

/** Two policy documents are the same when they parse to the same JSON (key order and whitespace aside). */
const canonicalPolicy = (content: string): string => {
  const parsed = parsePolicyJson(content)
  return Either.isRight(parsed) ? JSON.stringify(sortKeys(jsonToPlain(parsed.right))) : content
}

const diffTags = (desired: Tags, actual: Tags) => {
  const set: Record<string, string> = {}
  const previous: Record<string, string> = {}
  for (const [key, value] of Object.entries(desired)) {
    if (actual[key] !== value) {
      set[key] = value
      if (actual[key] !== undefined) previous[key] = actual[key]
    }
  }
  const extra = Object.keys(actual).filter((key) => desired[key] === undefined).sort()
  return { set, previous, extra }
}

/** Paths of the live OUs ("" for the root). */
const livePaths = (organization: Organization): ReadonlyMap<string, string> => {
  const byId = new Map(organization.organizationalUnits.map((ou) => [ou.id as string, ou]))
  const paths = new Map<string, string>([[organization.rootId, ""]])
  const resolve = (id: string, depth: number): string | undefined => {
    const known = paths.get(id)
    if (known !== undefined) return known
    const ou = byId.get(id)
    if (ou === undefined || depth > 10) return undefined
    const parent = resolve(ou.parentId, depth + 1)
    if (parent === undefined) return undefined
    const path = parent === "" ? ou.name : `${parent}/${ou.name}`
    paths.set(id, path)
    return path
  }
  for (const ou of organization.organizationalUnits) resolve(ou.id, 0)
  return paths
}

const displayPath = (path: string) => (path === "" ? "Root" : path)

export const planOrganization = (spec: OrgSpec, live: LiveState): OrgPlan => {
  const org = live.organization
  const steps: Array<PlanStep> = []
  const notes: Array<string> = []
  const pathById = livePaths(org)
  const ouByPath = new Map(org.organizationalUnits.flatMap((ou) => {
    const path = pathById.get(ou.id)
    return path === undefined ? [] : [[path, ou] as const]
  }))
  const specOuPaths = new Set(spec.organizationalUnits.map((ou) => ou.path))

  // 1. OUs, parents first (the spec lists them that way).
  for (const ou of spec.organizationalUnits) {
    if (!ouByPath.has(ou.path)) {
      steps.push({ _tag: "CreateOrganizationalUnit", path: ou.path, name: ou.name, ...(ou.parentPath === undefined ? {} : { parentPath: ou.parentPath }), tags: ou.tags })
    }
  }

  // 2. Policies.
  const livePolicyByName = new Map(org.policies.map((policy) => [policy.name, policy]))
  for (const policy of spec.policies) {
    const current = livePolicyByName.get(policy.name)
    const content = minifyPolicy(policy.content)
    if (current === undefined) {
      steps.push({ _tag: "CreatePolicy", name: policy.name, description: policy.description, content })
    } else if (!current.awsManaged) {
      const changes: Array<"content" | "description"> = []
      if (canonicalPolicy(current.content) !== canonicalPolicy(policy.content)) changes.push("content")
      if (current.description !== policy.description) changes.push("description")
      if (changes.length > 0) steps.push({ _tag: "UpdatePolicy", name: policy.name, policyId: current.id, description: policy.description, content, changes })
    }
  }

  // 3. Accounts: found by e-mail (unique across AWS), else by name.
  const liveAccountFor = (name: string, email: string): Account | undefined =>
    org.accounts.find((account) => account.email.toLowerCase() === email.toLowerCase()) ?? org.accounts.find((account) => account.name === name)
  const accountNameById = new Map<string, string>()
  const tagSteps: Array<PlanStep> = []
  const untagSteps: Array<PlanStep> = []
  const moves: Array<PlanStep> = []
  for (const account of spec.accounts) {
    const current = liveAccountFor(account.name, account.email)
    const ouPath = account.ou === "Root" ? "" : account.ou
    if (current === undefined) {
      steps.push({ _tag: "CreateAccount", name: account.name, email: account.email, ouPath: displayPath(ouPath), tags: account.tags })
      continue
    }
    accountNameById.set(current.id, account.name)
    const currentPath = pathById.get(current.parentId)
    if (currentPath !== ouPath) {
      moves.push({ _tag: "MoveAccount", name: account.name, accountId: current.id, fromPath: displayPath(currentPath ?? current.parentId), toPath: displayPath(ouPath) })
    }
    const tags = diffTags(account.tags, current.tags)
    if (Object.keys(tags.set).length > 0) tagSteps.push({ _tag: "SetTags", target: `account:${account.name}`, resourceId: current.id, tags: tags.set, previous: tags.previous })
    if (tags.extra.length > 0) {
      if (spec.prune) untagSteps.push({ _tag: "UntagResource", target: `account:${account.name}`, resourceId: current.id, keys: tags.extra })
      else notes.push(`account:${account.name} has tags the spec does not declare: ${tags.extra.join(", ")}`)
    }
  }
  for (const ou of spec.organizationalUnits) {
    const current = ouByPath.get(ou.path)
    if (current === undefined) continue
    const tags = diffTags(ou.tags, current.tags)
    if (Object.keys(tags.set).length > 0) tagSteps.push({ _tag: "SetTags", target: `ou:${ou.path}`, resourceId: current.id, tags: tags.set, previous: tags.previous })
    if (tags.extra.length > 0 && spec.prune) untagSteps.push({ _tag: "UntagResource", target: `ou:${ou.path}`, resourceId: current.id, keys: tags.extra })
  }
  steps.push(...moves, ...tagSteps)
  for (const account of org.accounts) {
    if (!accountNameById.has(account.id) && account.id !== org.managementAccountId) {
      notes.push(`account ${account.name} (${account.id}) in ${displayPath(pathById.get(account.parentId) ?? account.parentId)} is not in the spec; left alone (accounts are closed by offboarding, never by a plan)`)
    }
  }

  // 4. Attachments.
  const liveTargetKey = (id: string): string | undefined => {
    if (id === org.rootId) return "Root"
    const path = pathById.get(id)
    if (path !== undefined) return `ou:${path}`
    const account = org.accounts.find((a) => a.id === id)
    return account === undefined ? undefined : `account:${accountNameById.get(account.id) ?? account.name}`
  }
  const liveAttachments = new Set(org.policies.flatMap((policy) => policy.targets.map((target) => `${policy.name}|${liveTargetKey(target) ?? target}`)))
  const specAttachments = new Set(spec.attachments.map((attachment) => `${attachment.policy}|${targetKey(attachment.target)}`))
  for (const attachment of spec.attachments) {
    const key = `${attachment.policy}|${targetKey(attachment.target)}`
    if (!liveAttachments.has(key)) steps.push({ _tag: "AttachPolicy", policy: attachment.policy, target: targetKey(attachment.target) })
  }

  // 5. Identity Center.
  if (live.identityCenter === undefined) {
    if (spec.permissionSets.length > 0) notes.push("Identity Center was not read: permission sets and assignments are not planned")
  } else {
    const center = live.identityCenter
    for (const set of spec.permissionSets) {
      const inlinePolicy = set.inlinePolicy === undefined ? undefined : JSON.stringify(set.inlinePolicy)
      const desired = { name: set.name, sessionDuration: set.sessionDuration, managedPolicies: set.managedPolicies, ...(inlinePolicy === undefined ? {} : { inlinePolicy }) }
      const current = center.permissionSets.find((p) => p.name === set.name)
      if (current === undefined) {
        steps.push({ _tag: "CreatePermissionSet", ...desired })
        continue
      }
      const changes: Array<"sessionDuration" | "managedPolicies" | "inlinePolicy"> = []
      if (current.sessionDuration !== set.sessionDuration) changes.push("sessionDuration")
      if ([...current.managedPolicies].sort().join() !== [...set.managedPolicies].sort().join()) changes.push("managedPolicies")
      if ((current.inlinePolicy === undefined ? "" : canonicalPolicy(current.inlinePolicy)) !== (inlinePolicy === undefined ? "" : canonicalPolicy(inlinePolicy))) changes.push("inlinePolicy")
      if (changes.length > 0) steps.push({ _tag: "UpdatePermissionSet", ...desired, changes })
    }
    const liveAssigned = new Set(center.assignments.map((a) => `${a.permissionSet}|${a.principalType}|${a.principal}|${accountNameById.get(a.accountId) ?? a.accountId}`))
    for (const assignment of spec.assignments) {
      if (!liveAssigned.has(`${assignment.permissionSet}|${assignment.principalType}|${assignment.principal}|${assignment.accountName}`)) {
        steps.push({ _tag: "CreateAccountAssignment", ...assignment })
      }
    }
  }

  // 6. Removals, only with prune.
  for (const policy of org.policies) {
    for (const target of policy.targets) {
      const key = liveTargetKey(target) ?? target
      if (specAttachments.has(`${policy.name}|${key}`)) continue
      if (policy.awsManaged) continue // AWS attaches FullAWSAccess to every new OU and account; removing it denies everything there.
      if (spec.prune) steps.push({ _tag: "DetachPolicy", policy: policy.name, policyId: policy.id, target: key, targetId: target })
      else notes.push(`policy ${policy.name} is attached to ${key} but the spec does not say so (prune: true would detach it)`)
    }
  }
  steps.push(...untagSteps)
  const specPolicyNames = new Set(spec.policies.map((policy) => policy.name))
  for (const policy of org.policies) {
    if (policy.awsManaged || specPolicyNames.has(policy.name)) continue
    if (spec.prune) steps.push({ _tag: "DeletePolicy", name: policy.name, policyId: policy.id })
    else notes.push(`policy ${policy.name} is not in the spec (prune: true would delete it)`)
  }
  const staying = new Set(org.accounts.filter((account) => !accountNameById.has(account.id) && account.id !== org.managementAccountId).map((account) => account.parentId as string))
  const extraOus = [...ouByPath.entries()].filter(([path]) => !specOuPaths.has(path)).sort(([a], [b]) => b.split("/").length - a.split("/").length)
  // AWS deletes only empty OUs: one that keeps an unmanaged account, or a child OU, stays.
  const blocked = new Set<string>()
  for (const [path, ou] of extraOus) {
    const keepsChild = [...blocked].some((other) => other.startsWith(`${path}/`)) || [...specOuPaths].some((other) => other.startsWith(`${path}/`))
    if (!spec.prune) notes.push(`OU ${path} is not in the spec (prune: true would delete it)`)
    else if (staying.has(ou.id) || keepsChild) {
      blocked.add(path)
      notes.push(`OU ${path} is not in the spec but is not empty (unmanaged accounts or OUs); not deleted`)
    } else steps.push({ _tag: "DeleteOrganizationalUnit", path, ouId: ou.id })
  }

  return { spec: spec.file, organizationId: org.id, prune: spec.prune, steps, notes }
}
