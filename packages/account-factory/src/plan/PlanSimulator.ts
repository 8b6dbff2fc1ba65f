/**
 * Applies a plan to a snapshot of an organization, in memory, the way AWS
 * would (new OUs and accounts get FullAWSAccess attached, ids are minted).
 * Used to preview the organization after `apply` and to check that applying
 * a plan leaves nothing to do.
 */
import {
  Account,
  AccountId,
  Organization,
  OrganizationalUnit,
  OrgNodeId,
  PermissionSet,
  PermissionSetAssignment,
  Policy,
  PolicyId,
  SessionDuration
} from "@miyabi/types"
import type { LiveState } from "./OrgDiff.js"
import type { OrgPlan } from "./PlanStep.js"

const pad = (n: number, width: number) => String(n).padStart(width, "0")

export const simulatePlan = (live: LiveState, plan: OrgPlan): LiveState => {
  const org = live.organization
  let ous = [...org.organizationalUnits]
  let accounts = [...org.accounts]
  let policies = [...org.policies]
  let permissionSets = [...(live.identityCenter?.permissionSets ?? [])]
  let assignments = [...(live.identityCenter?.assignments ?? [])]
  let counter = ous.length + accounts.length + policies.length
  const rootSuffix = org.rootId.slice(2)
  const fullAccess = () => policies.find((policy) => policy.awsManaged && policy.name === "FullAWSAccess")

  const ouIdByPath = (path: string): OrgNodeId | undefined => {
    if (path === "" || path === "Root") return org.rootId
    const parts = path.split("/")
    let parent: OrgNodeId = org.rootId
    for (const part of parts) {
      const ou = ous.find((candidate) => candidate.parentId === parent && candidate.name === part)
      if (ou === undefined) return undefined
      parent = ou.id
    }
    return parent
  }
  const idOfTarget = (target: string): string | undefined => {
    if (target === "Root") return org.rootId
    if (target.startsWith("ou:")) return ouIdByPath(target.slice(3))
    if (target.startsWith("account:")) return accounts.find((account) => account.name === target.slice(8))?.id
    return undefined
  }
  const attach = (policyName: string, targetId: string) => {
    policies = policies.map((policy) => (policy.name === policyName && !policy.targets.includes(targetId as OrgNodeId) ? new Policy({ ...policy, targets: [...policy.targets, targetId as OrgNodeId] }) : policy))
  }
  const missing = (what: string): never => {
    throw new Error(`simulatePlan: ${what} does not exist; the plan is out of order`)
  }

  for (const step of plan.steps) {
    switch (step._tag) {
      case "CreateOrganizationalUnit": {
        const id = OrgNodeId.make(`ou-${rootSuffix}-${pad(++counter, 8)}`)
        ous = [...ous, new OrganizationalUnit({ id, name: step.name, parentId: ouIdByPath(step.parentPath ?? "") ?? missing(`OU ${step.parentPath}`), tags: step.tags })]
        if (fullAccess() !== undefined) attach("FullAWSAccess", id)
        break
      }
      case "CreatePolicy":
        policies = [...policies, new Policy({ id: PolicyId.make(`p-${pad(++counter, 8)}`), name: step.name, description: step.description, content: step.content, awsManaged: false, targets: [] })]
        break
      case "UpdatePolicy":
        policies = policies.map((policy) => (policy.id === step.policyId ? new Policy({ ...policy, content: step.content, description: step.description }) : policy))
        break
      case "CreateAccount": {
        const id = AccountId.make(pad(100_000_000_000 + ++counter, 12))
        accounts = [...accounts, new Account({ id, name: step.name, email: step.email, status: "ACTIVE", parentId: ouIdByPath(step.ouPath) ?? missing(`OU ${step.ouPath}`), tags: step.tags })]
        if (fullAccess() !== undefined) attach("FullAWSAccess", id)
        break
      }
      case "MoveAccount":
        accounts = accounts.map((account) => (account.id === step.accountId ? new Account({ ...account, parentId: ouIdByPath(step.toPath) ?? missing(`OU ${step.toPath}`) }) : account))
        break
      case "SetTags":
      case "UntagResource": {
        const retag = (tags: { readonly [key: string]: string }) =>
          step._tag === "SetTags" ? { ...tags, ...step.tags } : Object.fromEntries(Object.entries(tags).filter(([key]) => !step.keys.includes(key)))
        accounts = accounts.map((account) => (account.id === step.resourceId ? new Account({ ...account, tags: retag(account.tags) }) : account))
        ous = ous.map((ou) => (ou.id === step.resourceId ? new OrganizationalUnit({ ...ou, tags: retag(ou.tags) }) : ou))
        break
      }
      case "AttachPolicy":
        attach(step.policy, idOfTarget(step.target) ?? missing(step.target))
        break
      case "DetachPolicy":
        policies = policies.map((policy) => (policy.id === step.policyId ? new Policy({ ...policy, targets: policy.targets.filter((target) => target !== step.targetId) }) : policy))
        break
      case "DeletePolicy":
        policies = policies.filter((policy) => policy.id !== step.policyId)
        break
      case "DeleteOrganizationalUnit":
        ous = ous.filter((ou) => ou.id !== step.ouId)
        break
      case "CreatePermissionSet":
      case "UpdatePermissionSet": {
        const set = new PermissionSet({
          name: step.name,
          sessionDuration: SessionDuration.make(step.sessionDuration),
          managedPolicies: step.managedPolicies,
          ...(step.inlinePolicy === undefined ? {} : { inlinePolicy: step.inlinePolicy })
        })
        permissionSets = [...permissionSets.filter((p) => p.name !== step.name), set]
        break
      }
      case "CreateAccountAssignment": {
        const accountId = accounts.find((account) => account.name === step.accountName)?.id ?? missing(`account ${step.accountName}`)
        assignments = [...assignments, new PermissionSetAssignment({ permissionSet: step.permissionSet, principalType: step.principalType, principal: step.principal, accountId })]
        break
      }
    }
  }
  const organization = new Organization({ ...org, organizationalUnits: ous, accounts, policies })
  return live.identityCenter === undefined && permissionSets.length === 0 ? { organization } : { organization, identityCenter: { permissionSets, assignments } }
}
