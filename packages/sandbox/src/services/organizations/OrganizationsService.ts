/**
 * AWS Organizations over JSON 1.1 (`AWSOrganizationsV20161128.*`). Shapes
 * follow the placebo recordings (DescribeOrganization, ListAccounts): fields
 * AWS leaves out are left out. Only the management account may change or list
 * the organization; members get AccessDeniedException, except for
 * DescribeOrganization. CreateAccount is asynchronous: IN_PROGRESS until
 * `createAccountDelayMs` of sandbox time passed, then SUCCEEDED or FAILED.
 * At most 5 creations run at once (AWS's quota); a sixth is refused with
 * ConcurrentModificationException until one settles.
 */
import { Effect } from "effect"
import type { Operation, RequestContext, ServiceFactory } from "../../ServiceHandler.js"
import { awsError } from "../../ServiceHandler.js"
import { str, strings, tagList } from "../Input.js"
import { constraint, err, invalid, page, withToken } from "./OrgErrors.js"
import { makePolicyOperations } from "./OrgPolicies.js"
import { type CreateAccountFailure, type OrgState, SCP } from "./OrgState.js"

export interface OrganizationsOptions {
  /** Sandbox time a CreateAccount stays IN_PROGRESS (default 3,000 ms). */
  readonly createAccountDelayMs?: number
  /** Emails whose CreateAccount fails with the given reason (to test failure paths). */
  readonly createAccountFailures?: Readonly<Record<string, CreateAccountFailure>>
  /** AWS's default quota of accounts per organization (default 10,000 here, AWS starts at 10). */
  readonly maxAccounts?: number
  /** Sandbox time after a CreateAccount succeeds during which AssumeRole into the new account is still AccessDenied (default 0). */
  readonly newAccountRoleDelayMs?: number
}

const MAX_CONCURRENT_CREATIONS = 5
const MAX_OU_DEPTH = 5

const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]+$/

export const makeOrganizationsService =
  (org: OrgState, options: OrganizationsOptions = {}): ServiceFactory =>
  () => {
    const delay = options.createAccountDelayMs ?? 3_000

    const accountView = (id: string) => {
      const a = org.accounts.get(id)
      return a === undefined
        ? undefined
        : { Id: a.id, Arn: org.arnOf(a.id), Email: a.email, Name: a.name, Status: a.status, JoinedMethod: a.joinedMethod, JoinedTimestamp: a.joined }
    }
    // OUs carry their id path ("o-x/r-y/ou-a/ou-b/"), as the AWS CLI example for ListOrganizationalUnitsForParent shows.
    const pathOf = (id: string): string => {
      const chain: Array<string> = []
      for (let current = org.ous.get(id); current !== undefined && chain.length < 10; current = org.ous.get(current.parentId)) chain.unshift(current.id)
      return `${org.orgId}/${org.rootId}/${chain.map((c) => `${c}/`).join("")}`
    }
    const ouView = (id: string) => {
      const ou = org.ous.get(id)
      return ou === undefined ? undefined : { Name: ou.name, Arn: org.arnOf(ou.id), Id: ou.id, Path: pathOf(ou.id) }
    }
    const statusView = (id: string) => {
      const r = org.requests.get(id)
      if (r === undefined) return undefined
      return {
        Id: r.id,
        AccountName: r.accountName,
        State: r.state,
        RequestedTimestamp: r.requested,
        ...(r.completed === undefined ? {} : { CompletedTimestamp: r.completed }),
        ...(r.state === "SUCCEEDED" && r.outcome.ok ? { AccountId: r.outcome.accountId } : {}),
        ...(r.state === "FAILED" && !r.outcome.ok ? { FailureReason: r.outcome.reason } : {})
      }
    }

    const isParent = (id: string) => id === org.rootId || org.ous.has(id)
    const childrenOf = (parentId: string, type: "ACCOUNT" | "ORGANIZATIONAL_UNIT"): ReadonlyArray<string> =>
      type === "ACCOUNT"
        ? [...org.accounts.values()].filter((a) => a.parentId === parentId).map((a) => a.id)
        : [...org.ous.values()].filter((o) => o.parentId === parentId).map((o) => o.id)

    const requireParent = (id: string | undefined, code = "ParentNotFoundException") =>
      id !== undefined && isParent(id) ? Effect.succeed(id) : Effect.fail(err(code, "We can't find a root or OU with the ParentId that you specified."))
    const requireAccount = (id: string | undefined) =>
      id !== undefined && org.accounts.has(id) ? Effect.succeed(id) : Effect.fail(err("AccountNotFoundException", "You specified an account that doesn't exist."))
    const requireOu = (id: string | undefined) =>
      id !== undefined && org.ous.has(id) ? Effect.succeed(id) : Effect.fail(err("OrganizationalUnitNotFoundException", "We can't find an OU with the OrganizationalUnitId that you specified."))
    const requireTaggable = (id: string | undefined) =>
      id !== undefined && (org.typeOf(id) !== undefined || org.policies.has(id))
        ? Effect.succeed(id)
        : Effect.fail(err("TargetNotFoundException", "We can't find a root, OU, account, or policy with the TargetId that you specified."))

    const operations: Record<string, Operation> = {
      ...makePolicyOperations(org),
      DescribeOrganization: () =>
        Effect.succeed({
          Organization: {
            Id: org.orgId,
            Arn: `${org.arnBase}:organization/${org.orgId}`,
            FeatureSet: "ALL",
            MasterAccountArn: org.arnOf(org.management.id),
            MasterAccountId: org.management.id,
            MasterAccountEmail: org.management.email,
            AvailablePolicyTypes: [{ Type: SCP, Status: "ENABLED" }]
          }
        }),

      ListRoots: (input) =>
        Effect.map(page(input, "roots", [org.rootId]), (p) => ({
          Roots: p.items.map((id) => ({ Id: id, Arn: org.arnOf(id), Name: "Root", PolicyTypes: [{ Type: SCP, Status: "ENABLED" }] })),
          ...withToken(p.nextToken)
        })),

      ListOrganizationalUnitsForParent: (input) =>
        Effect.gen(function* () {
          const parentId = yield* requireParent(str(input, "ParentId"))
          const p = yield* page(input, `ous:${parentId}`, childrenOf(parentId, "ORGANIZATIONAL_UNIT"))
          return { OrganizationalUnits: p.items.map(ouView), ...withToken(p.nextToken) }
        }),

      CreateOrganizationalUnit: (input) =>
        Effect.gen(function* () {
          const parentId = yield* requireParent(str(input, "ParentId"))
          const name = str(input, "Name") ?? ""
          if (name.length < 1 || name.length > 128) return yield* invalid("INVALID_INPUT", "The Name must be 1-128 characters.")
          if (childrenOf(parentId, "ORGANIZATIONAL_UNIT").some((id) => org.ous.get(id)?.name === name)) {
            return yield* err("DuplicateOrganizationalUnitException", "An OU with the same name already exists.")
          }
          if (org.depthOf(parentId) + 1 > MAX_OU_DEPTH) return yield* constraint("OU_DEPTH_LIMIT_EXCEEDED", "You attempted to create an OU tree that is too many levels deep.")
          const ou = org.addOu(name, parentId)
          org.setTags(ou.id, tagList(input, "Tags"))
          return { OrganizationalUnit: ouView(ou.id) }
        }),

      DescribeOrganizationalUnit: (input) =>
        Effect.map(requireOu(str(input, "OrganizationalUnitId")), (id) => ({ OrganizationalUnit: ouView(id) })),

      DeleteOrganizationalUnit: (input) =>
        Effect.gen(function* () {
          const id = yield* requireOu(str(input, "OrganizationalUnitId"))
          if (childrenOf(id, "ACCOUNT").length > 0 || childrenOf(id, "ORGANIZATIONAL_UNIT").length > 0) {
            return yield* err("OrganizationalUnitNotEmptyException", "The specified OU is not empty. Move all accounts to another root or to other OUs, remove all child OUs, and try the operation again.")
          }
          org.ous.delete(id)
          org.attachments.delete(id)
          org.tags.delete(id)
          return {}
        }),

      ListAccounts: (input) =>
        Effect.map(page(input, "accounts", [...org.accounts.keys()]), (p) => ({ Accounts: p.items.map(accountView), ...withToken(p.nextToken) })),

      ListAccountsForParent: (input) =>
        Effect.gen(function* () {
          const parentId = yield* requireParent(str(input, "ParentId"))
          const p = yield* page(input, `accounts:${parentId}`, childrenOf(parentId, "ACCOUNT"))
          return { Accounts: p.items.map(accountView), ...withToken(p.nextToken) }
        }),

      DescribeAccount: (input) => Effect.map(requireAccount(str(input, "AccountId")), (id) => ({ Account: accountView(id) })),

      ListParents: (input) =>
        Effect.gen(function* () {
          const childId = str(input, "ChildId") ?? ""
          const parentId = org.accounts.get(childId)?.parentId ?? org.ous.get(childId)?.parentId
          if (parentId === undefined) return yield* err("ChildNotFoundException", "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.")
          const p = yield* page(input, `parents:${childId}`, [parentId])
          return { Parents: p.items.map((id) => ({ Id: id, Type: org.typeOf(id) })), ...withToken(p.nextToken) }
        }),

      ListChildren: (input) =>
        Effect.gen(function* () {
          const parentId = yield* requireParent(str(input, "ParentId"))
          const type = str(input, "ChildType")
          if (type !== "ACCOUNT" && type !== "ORGANIZATIONAL_UNIT") return yield* invalid("INVALID_ENUM", "ChildType must be ACCOUNT or ORGANIZATIONAL_UNIT.")
          const p = yield* page(input, `children:${parentId}:${type}`, childrenOf(parentId, type))
          return { Children: p.items.map((id) => ({ Id: id, Type: type })), ...withToken(p.nextToken) }
        }),

      CreateAccount: (input, ctx) =>
        Effect.gen(function* () {
          org.settle(ctx.now)
          const email = str(input, "Email") ?? ""
          const accountName = str(input, "AccountName") ?? ""
          if (accountName.length < 1 || accountName.length > 50) return yield* invalid("INVALID_INPUT", "AccountName must be 1-50 characters.")
          if (email.length < 6 || email.length > 64) return yield* invalid("INVALID_INPUT", "Email must be 6-64 characters.")
          const inFlight = [...org.requests.values()].filter((r) => r.state === "IN_PROGRESS")
          if (inFlight.length >= MAX_CONCURRENT_CREATIONS) {
            return yield* err("ConcurrentModificationException", "AWS Organizations can't complete your request because it conflicts with another attempt to modify the same entity. Try again later.")
          }
          const failure: CreateAccountFailure | undefined =
            options.createAccountFailures?.[email] ??
            (!EMAIL.test(email) ? "INVALID_EMAIL"
            : [...org.accounts.values()].some((a) => a.email.toLowerCase() === email.toLowerCase()) ? "EMAIL_ALREADY_EXISTS"
            : inFlight.some((r) => r.email.toLowerCase() === email.toLowerCase()) ? "CONCURRENT_ACCOUNT_MODIFICATION"
            : org.accounts.size + inFlight.length >= (options.maxAccounts ?? 10_000) ? "ACCOUNT_LIMIT_EXCEEDED"
            : undefined)
          const id = org.newRequestId()
          org.requests.set(id, {
            id,
            accountName,
            email,
            requested: ctx.now,
            due: new Date(ctx.now.getTime() + delay),
            tags: tagList(input, "Tags"),
            state: "IN_PROGRESS",
            outcome: failure === undefined ? { ok: true, accountId: org.newAccountId() } : { ok: false, reason: failure }
          })
          return { CreateAccountStatus: statusView(id) }
        }),

      DescribeCreateAccountStatus: (input, ctx) => {
        org.settle(ctx.now)
        const view = statusView(str(input, "CreateAccountRequestId") ?? "")
        return view === undefined
          ? Effect.fail(err("CreateAccountStatusNotFoundException", "We can't find an create account request with the CreateAccountRequestId that you specified."))
          : Effect.succeed({ CreateAccountStatus: view })
      },

      ListCreateAccountStatus: (input, ctx) => {
        org.settle(ctx.now)
        const states = strings(input, "States")
        const ids = [...org.requests.values()].filter((r) => states.length === 0 || states.includes(r.state)).map((r) => r.id)
        return Effect.map(page(input, `car:${states.join(",")}`, ids), (p) => ({ CreateAccountStatuses: p.items.map(statusView), ...withToken(p.nextToken) }))
      },

      MoveAccount: (input) =>
        Effect.gen(function* () {
          const id = yield* requireAccount(str(input, "AccountId"))
          const source = yield* requireParent(str(input, "SourceParentId"), "SourceParentNotFoundException")
          const destination = yield* requireParent(str(input, "DestinationParentId"), "DestinationParentNotFoundException")
          const account = org.accounts.get(id)
          if (account === undefined) return yield* err("AccountNotFoundException", "You specified an account that doesn't exist.")
          if (account.parentId === destination) return yield* err("DuplicateAccountException", "That account is already present in the specified destination.")
          if (account.parentId !== source) return yield* err("SourceParentNotFoundException", "We can't find a source root or OU with the ParentId that you specified.")
          account.parentId = destination
          return {}
        }),

      CloseAccount: (input) =>
        Effect.gen(function* () {
          const id = yield* requireAccount(str(input, "AccountId"))
          const account = org.accounts.get(id)
          if (account === undefined) return yield* err("AccountNotFoundException", "You specified an account that doesn't exist.")
          if (id === org.management.id) return yield* constraint("MASTER_ACCOUNT_ADDRESS_DOES_NOT_MATCH_MARKETPLACE", "You can't close the management account with CloseAccount.")
          if (account.status !== "ACTIVE") return yield* err("AccountAlreadyClosedException", "You attempted to close an account that is already closed.")
          account.status = "SUSPENDED"
          return {}
        }),

      TagResource: (input) =>
        Effect.map(requireTaggable(str(input, "ResourceId")), (id) => {
          org.setTags(id, tagList(input, "Tags"))
          return {}
        }),

      UntagResource: (input) =>
        Effect.map(requireTaggable(str(input, "ResourceId")), (id) => {
          const map = org.tags.get(id)
          for (const key of strings(input, "TagKeys")) map?.delete(key)
          return {}
        }),

      ListTagsForResource: (input) =>
        Effect.gen(function* () {
          const id = yield* requireTaggable(str(input, "ResourceId"))
          const p = yield* page(input, `tags:${id}`, [...(org.tags.get(id) ?? new Map<string, string>()).entries()])
          return { Tags: p.items.map(([Key, Value]) => ({ Key, Value })), ...withToken(p.nextToken) }
        })
    }

    const managementOnly = (name: string, op: Operation): Operation => (input, ctx: RequestContext) =>
      name !== "DescribeOrganization" && ctx.accountId !== org.management.id
        ? Effect.fail(awsError("AccessDeniedException", "You don't have permissions to access this resource.", { status: 400 }))
        : op(input, ctx)

    return {
      signingName: "organizations",
      jsonNamespace: "com.amazonaws.organizations",
      protocol: "json1.1",
      targetPrefix: "AWSOrganizationsV20161128",
      errors: {
        throttling: { code: "TooManyRequestsException", status: 400, message: "You have sent too many requests in too short a period of time." },
        internal: { code: "ServiceException", status: 500, message: "AWS Organizations can't complete your request because of an internal service error. Try again later." }
      },
      operations: Object.fromEntries(Object.entries(operations).map(([name, op]) => [name, managementOnly(name, op)]))
    }
  }
