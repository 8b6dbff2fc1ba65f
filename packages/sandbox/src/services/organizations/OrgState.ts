/**
 * The organization's state: root, OUs, accounts, policies and their
 * attachments, tags and CreateAccount requests. Ids and ARNs follow AWS's
 * formats (o-, r-, ou-<root>-, p-, car-) and are drawn deterministically from
 * the management account id, so the same estate gives the same ids.
 */
import type { AccountSeed, OrganizationSeed } from "../../EstateContract.js"
import { makePrng, seedOf } from "../../estate/Prng.js"

export type NodeType = "ROOT" | "ORGANIZATIONAL_UNIT" | "ACCOUNT"

export interface OrgAccount {
  readonly id: string
  name: string
  email: string
  status: "ACTIVE" | "SUSPENDED" | "PENDING_CLOSURE"
  joinedMethod: "INVITED" | "CREATED"
  joined: Date
  parentId: string
}

export interface OrgUnit {
  readonly id: string
  name: string
  parentId: string
}

export interface OrgPolicy {
  readonly id: string
  name: string
  description: string
  content: string
  readonly type: string
  readonly awsManaged: boolean
}

export type CreateAccountFailure =
  | "ACCOUNT_LIMIT_EXCEEDED"
  | "EMAIL_ALREADY_EXISTS"
  | "INVALID_ADDRESS"
  | "INVALID_EMAIL"
  | "CONCURRENT_ACCOUNT_MODIFICATION"
  | "INTERNAL_FAILURE"
  | "GOVCLOUD_ACCOUNT_ALREADY_EXISTS"
  | "MISSING_BUSINESS_VALIDATION"
  | "FAILED_BUSINESS_VALIDATION"
  | "PENDING_BUSINESS_VALIDATION"
  | "INVALID_IDENTITY_FOR_BUSINESS_VALIDATION"
  | "UNKNOWN_BUSINESS_VALIDATION"
  | "MISSING_PAYMENT_INSTRUMENT"
  | "INVALID_PAYMENT_INSTRUMENT"
  | "UPDATE_EXISTING_RESOURCE_POLICY_WITH_TAGS_NOT_SUPPORTED"

export interface CreateAccountRequest {
  readonly id: string
  readonly accountName: string
  readonly email: string
  readonly requested: Date
  /** When the request settles. */
  readonly due: Date
  readonly tags: ReadonlyArray<{ readonly Key: string; readonly Value: string }>
  state: "IN_PROGRESS" | "SUCCEEDED" | "FAILED"
  /** Decided at submission, revealed when due. */
  readonly outcome: { readonly ok: true; readonly accountId: string } | { readonly ok: false; readonly reason: CreateAccountFailure }
  completed?: Date
}

export const FULL_AWS_ACCESS_ID = "p-FullAWSAccess"
export const SCP = "SERVICE_CONTROL_POLICY"

const LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
const DIGITS = "0123456789"

export const makeOrgState = (seed: OrganizationSeed) => {
  const management = seed.managementAccount
  const ids = makePrng(seedOf(`org:${management.id}`))
  const orgId = `o-${ids.chars(LOWER_ALNUM, 10)}`
  const rootSuffix = ids.chars(LOWER_ALNUM, 4)
  const rootId = `r-${rootSuffix}`
  const arnBase = `arn:aws:organizations::${management.id}`

  const accounts = new Map<string, OrgAccount>()
  const ous = new Map<string, OrgUnit>()
  const policies = new Map<string, OrgPolicy>()
  /** target id -> attached policy ids (insertion ordered). */
  const attachments = new Map<string, Set<string>>()
  const tags = new Map<string, Map<string, string>>()
  const requests = new Map<string, CreateAccountRequest>()
  const ouByPath = new Map<string, string>([["", rootId]])

  const newOuId = () => `ou-${rootSuffix}-${ids.chars(LOWER_ALNUM, 8)}`
  const newPolicyId = () => `p-${ids.chars(LOWER_ALNUM, 8)}`
  const newRequestId = () => `car-${ids.chars("0123456789abcdef", 32)}`
  const newAccountId = (): string => {
    for (let i = 0; i < 1000; i++) {
      const candidate = `${ids.chars("123456789", 1)}${ids.chars(DIGITS, 11)}`
      if (!accounts.has(candidate)) return candidate
    }
    throw new Error("account id space exhausted")
  }

  const attach = (policyId: string, targetId: string): void => {
    const set = attachments.get(targetId) ?? new Set<string>()
    set.add(policyId)
    attachments.set(targetId, set)
  }

  const addOu = (name: string, parentId: string): OrgUnit => {
    const ou: OrgUnit = { id: newOuId(), name, parentId }
    ous.set(ou.id, ou)
    attach(FULL_AWS_ACCESS_ID, ou.id)
    return ou
  }

  const addAccount = (a: AccountSeed | { id: string; name: string; email: string; joined: Date }, parentId: string, method: OrgAccount["joinedMethod"]): OrgAccount => {
    const account: OrgAccount = {
      id: a.id,
      name: a.name,
      email: a.email,
      status: "status" in a && a.status !== undefined ? a.status : "ACTIVE",
      joinedMethod: method,
      joined: a.joined ?? new Date("2024-01-01T00:00:00Z"),
      parentId
    }
    accounts.set(account.id, account)
    attach(FULL_AWS_ACCESS_ID, account.id)
    if ("tags" in a && a.tags !== undefined) tags.set(account.id, new Map(Object.entries(a.tags)))
    return account
  }

  policies.set(FULL_AWS_ACCESS_ID, {
    id: FULL_AWS_ACCESS_ID,
    name: "FullAWSAccess",
    description: "Allows access to every operation",
    content: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}',
    type: SCP,
    awsManaged: true
  })
  attach(FULL_AWS_ACCESS_ID, rootId)
  for (const path of seed.ouPaths) {
    const cut = path.lastIndexOf("/")
    const parentPath = cut < 0 ? "" : path.slice(0, cut)
    const parentId = ouByPath.get(parentPath) ?? rootId
    ouByPath.set(path, addOu(cut < 0 ? path : path.slice(cut + 1), parentId).id)
  }
  addAccount(management, rootId, "CREATED")
  for (const member of seed.members) addAccount(member, ouByPath.get(member.ouPath ?? "") ?? rootId, "CREATED")

  const arnOf = (id: string): string | undefined => {
    if (id === rootId) return `${arnBase}:root/${orgId}/${rootId}`
    if (ous.has(id)) return `${arnBase}:ou/${orgId}/${id}`
    if (accounts.has(id)) return `${arnBase}:account/${orgId}/${id}`
    const policy = policies.get(id)
    if (policy !== undefined) {
      return policy.awsManaged ? `arn:aws:organizations::aws:policy/service_control_policy/${id}` : `${arnBase}:policy/${orgId}/service_control_policy/${id}`
    }
    return undefined
  }

  const typeOf = (id: string): NodeType | undefined =>
    id === rootId ? "ROOT" : ous.has(id) ? "ORGANIZATIONAL_UNIT" : accounts.has(id) ? "ACCOUNT" : undefined

  const depthOf = (id: string): number => {
    let depth = 0
    let current = ous.get(id)
    while (current !== undefined && depth < 10) {
      depth += 1
      current = ous.get(current.parentId)
    }
    return depth
  }

  const setTags = (id: string, list: ReadonlyArray<{ readonly Key: string; readonly Value: string }>): void => {
    const map = tags.get(id) ?? new Map<string, string>()
    for (const t of list) map.set(t.Key, t.Value)
    tags.set(id, map)
  }

  /** Settles CreateAccount requests that are due at `now`. */
  const settle = (now: Date): void => {
    for (const request of requests.values()) {
      if (request.state !== "IN_PROGRESS" || request.due.getTime() > now.getTime()) continue
      request.completed = request.due
      if (request.outcome.ok) {
        request.state = "SUCCEEDED"
        addAccount({ id: request.outcome.accountId, name: request.accountName, email: request.email, joined: request.due }, rootId, "CREATED")
        if (request.tags.length > 0) tags.set(request.outcome.accountId, new Map(request.tags.map((t) => [t.Key, t.Value])))
      } else request.state = "FAILED"
    }
  }

  return {
    orgId,
    rootId,
    management,
    arnBase,
    accounts,
    ous,
    policies,
    attachments,
    tags,
    requests,
    newOuId,
    newPolicyId,
    newRequestId,
    newAccountId,
    attach,
    addOu,
    arnOf,
    typeOf,
    depthOf,
    setTags,
    settle
  }
}

export type OrgState = ReturnType<typeof makeOrgState>
