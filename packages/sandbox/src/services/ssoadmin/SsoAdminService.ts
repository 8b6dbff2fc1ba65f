/**
 * IAM Identity Center administration (SSO Admin) over JSON 1.1
 * (`SWBExternalService.*`): one instance owned by the management account,
 * permission sets with inline and managed policies, account assignments and
 * provisioning. Assignment creation and deletion are asynchronous on AWS:
 * IN_PROGRESS for `assignmentDelayMs` of sandbox time, then SUCCEEDED.
 */
import { createHash } from "node:crypto"
import { Effect } from "effect"
import type { AwsError, Operation, RequestContext, ServiceFactory } from "../../ServiceHandler.js"
import { awsError } from "../../ServiceHandler.js"
import { type Input, num, str, tagList } from "../Input.js"
import { paginate } from "../Pagination.js"

export interface SsoAdminOptions {
  /** Sandbox time an account assignment stays IN_PROGRESS (default 1,000 ms). */
  readonly assignmentDelayMs?: number
}

interface PermissionSet {
  readonly arn: string
  readonly name: string
  description?: string
  sessionDuration: string
  relayState?: string
  readonly created: Date
  inlinePolicy?: string
  readonly managed: Set<string>
  readonly tags: Map<string, string>
}

interface Assignment {
  readonly accountId: string
  readonly permissionSetArn: string
  readonly principalType: string
  readonly principalId: string
}

interface AssignmentRequest {
  readonly id: string
  readonly kind: "create" | "delete"
  readonly assignment: Assignment
  readonly created: Date
  readonly due: Date
  applied: boolean
}

const notFound = (what: string): AwsError => awsError("ResourceNotFoundException", `${what} not found`)
const conflict = (message: string): AwsError => awsError("ConflictException", message)
const validation = (message: string): AwsError => awsError("ValidationException", message)
const DURATION = /^PT(?:([1-9]|1[0-2])H)?(?:([0-5]?\d)M)?$/

const hex = (text: string, n: number): string => createHash("sha256").update(text).digest("hex").slice(0, n)

export const makeSsoAdminService =
  (managementAccountId: string, accountExists: (id: string) => boolean, options: SsoAdminOptions = {}): ServiceFactory =>
  () => {
    const instanceId = `ssoins-${hex(`instance:${managementAccountId}`, 16)}`
    const instanceArn = `arn:aws:sso:::instance/${instanceId}`
    const identityStoreId = `d-${hex(`store:${managementAccountId}`, 10)}`
    const created = new Date("2024-01-01T00:00:00Z")
    const permissionSets = new Map<string, PermissionSet>()
    const assignments = new Map<string, Assignment>()
    const requests = new Map<string, AssignmentRequest>()
    const provisioned = new Map<string, Set<string>>()
    let counter = 0
    const delay = options.assignmentDelayMs ?? 1_000
    const assignmentKey = (a: Assignment) => [a.accountId, a.permissionSetArn, a.principalType, a.principalId].join("|")

    const settle = (now: Date): void => {
      for (const r of requests.values()) {
        if (r.applied || r.due.getTime() > now.getTime()) continue
        r.applied = true
        if (r.kind === "create") {
          assignments.set(assignmentKey(r.assignment), r.assignment)
          const accounts = provisioned.get(r.assignment.permissionSetArn) ?? new Set<string>()
          accounts.add(r.assignment.accountId)
          provisioned.set(r.assignment.permissionSetArn, accounts)
        } else assignments.delete(assignmentKey(r.assignment))
      }
    }

    const requireInstance = (input: Input) =>
      str(input, "InstanceArn") === instanceArn ? Effect.void : Effect.fail(notFound(`Instance ${str(input, "InstanceArn") ?? ""}`))
    const requireSet = (input: Input) =>
      Effect.flatMap(requireInstance(input), () => {
        const ps = permissionSets.get(str(input, "PermissionSetArn") ?? "")
        return ps === undefined ? Effect.fail(notFound(`PermissionSet ${str(input, "PermissionSetArn") ?? ""}`)) : Effect.succeed(ps)
      })
    const page = <A>(input: Input, scope: string, items: ReadonlyArray<A>) =>
      paginate(items, { scope, token: str(input, "NextToken"), pageSize: num(input, "MaxResults") ?? 100, invalidToken: () => validation("Invalid NextToken") })
    const tokenOf = (next: string | undefined) => (next === undefined ? {} : { NextToken: next })

    const setView = (ps: PermissionSet) => ({
      Name: ps.name,
      PermissionSetArn: ps.arn,
      ...(ps.description === undefined ? {} : { Description: ps.description }),
      CreatedDate: ps.created,
      SessionDuration: ps.sessionDuration,
      ...(ps.relayState === undefined ? {} : { RelayState: ps.relayState })
    })
    const statusView = (r: AssignmentRequest) => ({
      Status: r.applied ? "SUCCEEDED" : "IN_PROGRESS",
      RequestId: r.id,
      TargetId: r.assignment.accountId,
      TargetType: "AWS_ACCOUNT",
      PermissionSetArn: r.assignment.permissionSetArn,
      PrincipalType: r.assignment.principalType,
      PrincipalId: r.assignment.principalId,
      CreatedDate: r.created
    })

    const assignmentRequest = (kind: AssignmentRequest["kind"]) => (input: Input, ctx: RequestContext) =>
      Effect.gen(function* () {
        settle(ctx.now)
        const ps = yield* requireSet(input)
        const accountId = str(input, "TargetId") ?? ""
        if (str(input, "TargetType") !== "AWS_ACCOUNT") return yield* validation("TargetType must be AWS_ACCOUNT")
        if (!accountExists(accountId)) return yield* validation(`TargetId ${accountId} is not an account of the organization`)
        const principalType = str(input, "PrincipalType") ?? ""
        if (principalType !== "USER" && principalType !== "GROUP") return yield* validation("PrincipalType must be USER or GROUP")
        const assignment: Assignment = { accountId, permissionSetArn: ps.arn, principalType, principalId: str(input, "PrincipalId") ?? "" }
        counter += 1
        const id = `${hex(`${kind}:${counter}:${assignmentKey(assignment)}`, 8)}-${hex(String(counter), 4)}-4${hex(`b${counter}`, 3)}-8${hex(`c${counter}`, 3)}-${hex(`d${counter}`, 12)}`
        const request: AssignmentRequest = { id, kind, assignment, created: ctx.now, due: new Date(ctx.now.getTime() + delay), applied: false }
        requests.set(id, request)
        return kind === "create" ? { AccountAssignmentCreationStatus: statusView(request) } : { AccountAssignmentDeletionStatus: statusView(request) }
      })

    const describeRequest = (field: string, out: string, kind: AssignmentRequest["kind"]) => (input: Input, ctx: RequestContext) =>
      Effect.gen(function* () {
        yield* requireInstance(input)
        settle(ctx.now)
        const r = requests.get(str(input, field) ?? "")
        if (r === undefined || r.kind !== kind) return yield* notFound(`Request ${str(input, field) ?? ""}`)
        return { [out]: statusView(r) }
      })

    const operations: Record<string, Operation> = {
      ListInstances: (input) =>
        Effect.map(page(input, "instances", [0]), (p) => ({
          Instances: p.items.map(() => ({ InstanceArn: instanceArn, IdentityStoreId: identityStoreId, OwnerAccountId: managementAccountId, CreatedDate: created, Status: "ACTIVE" })),
          ...tokenOf(p.nextToken)
        })),

      CreatePermissionSet: (input) =>
        Effect.gen(function* () {
          yield* requireInstance(input)
          const name = str(input, "Name") ?? ""
          if (!/^[\w+=,.@-]{1,32}$/.test(name)) return yield* validation("Name must be 1-32 characters of [\\w+=,.@-]")
          if ([...permissionSets.values()].some((p) => p.name === name)) return yield* conflict(`PermissionSet with name ${name} already exists`)
          const sessionDuration = str(input, "SessionDuration") ?? "PT1H"
          if (!DURATION.test(sessionDuration)) return yield* validation("SessionDuration must be an ISO-8601 duration between PT1H and PT12H")
          const arn = `arn:aws:sso:::permissionSet/${instanceId}/ps-${hex(`ps:${name}:${permissionSets.size}`, 16)}`
          const description = str(input, "Description")
          const relayState = str(input, "RelayState")
          const ps: PermissionSet = {
            arn, name, sessionDuration, created: new Date(), managed: new Set(), tags: new Map(tagList(input, "Tags").map((t) => [t.Key, t.Value])),
            ...(description === undefined ? {} : { description }), ...(relayState === undefined ? {} : { relayState })
          }
          permissionSets.set(arn, ps)
          return { PermissionSet: setView(ps) }
        }),

      DescribePermissionSet: (input) => Effect.map(requireSet(input), (ps) => ({ PermissionSet: setView(ps) })),

      UpdatePermissionSet: (input) =>
        Effect.gen(function* () {
          const ps = yield* requireSet(input)
          const duration = str(input, "SessionDuration")
          if (duration !== undefined && !DURATION.test(duration)) return yield* validation("SessionDuration must be an ISO-8601 duration between PT1H and PT12H")
          ps.sessionDuration = duration ?? ps.sessionDuration
          const description = str(input, "Description")
          const relayState = str(input, "RelayState")
          if (description !== undefined) ps.description = description
          if (relayState !== undefined) ps.relayState = relayState
          return {}
        }),

      DeletePermissionSet: (input) =>
        Effect.gen(function* () {
          const ps = yield* requireSet(input)
          if ([...assignments.values()].some((a) => a.permissionSetArn === ps.arn)) return yield* conflict("PermissionSet is still assigned to accounts")
          permissionSets.delete(ps.arn)
          provisioned.delete(ps.arn)
          return {}
        }),

      ListPermissionSets: (input) =>
        Effect.gen(function* () {
          yield* requireInstance(input)
          const p = yield* page(input, "ps", [...permissionSets.keys()])
          return { PermissionSets: p.items, ...tokenOf(p.nextToken) }
        }),

      PutInlinePolicyToPermissionSet: (input) =>
        Effect.gen(function* () {
          const ps = yield* requireSet(input)
          const policy = str(input, "InlinePolicy") ?? ""
          try {
            JSON.parse(policy)
          } catch {
            return yield* validation("The InlinePolicy is not valid JSON")
          }
          if (policy.length > 32_768) return yield* awsError("ServiceQuotaExceededException", "The inline policy exceeds 32,768 characters")
          ps.inlinePolicy = policy
          return {}
        }),

      GetInlinePolicyForPermissionSet: (input) => Effect.map(requireSet(input), (ps) => (ps.inlinePolicy === undefined ? {} : { InlinePolicy: ps.inlinePolicy })),

      DeleteInlinePolicyFromPermissionSet: (input) =>
        Effect.map(requireSet(input), (ps) => {
          delete ps.inlinePolicy
          return {}
        }),

      AttachManagedPolicyToPermissionSet: (input) =>
        Effect.gen(function* () {
          const ps = yield* requireSet(input)
          const arn = str(input, "ManagedPolicyArn") ?? ""
          if (!/^arn:aws:iam::aws:policy\/.+/.test(arn)) return yield* validation("ManagedPolicyArn must be an AWS managed policy ARN")
          if (ps.managed.has(arn)) return yield* conflict(`Managed policy ${arn} is already attached`)
          if (ps.managed.size >= 20) return yield* awsError("ServiceQuotaExceededException", "At most 20 managed policies can be attached to a permission set")
          ps.managed.add(arn)
          return {}
        }),

      DetachManagedPolicyFromPermissionSet: (input) =>
        Effect.gen(function* () {
          const ps = yield* requireSet(input)
          const arn = str(input, "ManagedPolicyArn") ?? ""
          if (!ps.managed.delete(arn)) return yield* notFound(`Managed policy ${arn}`)
          return {}
        }),

      ListManagedPoliciesInPermissionSet: (input) =>
        Effect.gen(function* () {
          const ps = yield* requireSet(input)
          const p = yield* page(input, `mp:${ps.arn}`, [...ps.managed])
          return { AttachedManagedPolicies: p.items.map((arn) => ({ Name: arn.slice(arn.lastIndexOf("/") + 1), Arn: arn })), ...tokenOf(p.nextToken) }
        }),

      CreateAccountAssignment: assignmentRequest("create"),
      DeleteAccountAssignment: assignmentRequest("delete"),
      DescribeAccountAssignmentCreationStatus: describeRequest("AccountAssignmentCreationRequestId", "AccountAssignmentCreationStatus", "create"),
      DescribeAccountAssignmentDeletionStatus: describeRequest("AccountAssignmentDeletionRequestId", "AccountAssignmentDeletionStatus", "delete"),

      ListAccountAssignments: (input, ctx) =>
        Effect.gen(function* () {
          const ps = yield* requireSet(input)
          settle(ctx.now)
          const accountId = str(input, "AccountId") ?? ""
          const list = [...assignments.values()].filter((a) => a.accountId === accountId && a.permissionSetArn === ps.arn)
          const p = yield* page(input, `aa:${accountId}:${ps.arn}`, list)
          return { AccountAssignments: p.items.map((a) => ({ AccountId: a.accountId, PermissionSetArn: a.permissionSetArn, PrincipalType: a.principalType, PrincipalId: a.principalId })), ...tokenOf(p.nextToken) }
        }),

      ProvisionPermissionSet: (input, ctx) =>
        Effect.gen(function* () {
          const ps = yield* requireSet(input)
          const targetType = str(input, "TargetType") ?? ""
          const targetId = str(input, "TargetId")
          if (targetType === "AWS_ACCOUNT" && (targetId === undefined || !accountExists(targetId))) return yield* validation("TargetId must be an account of the organization")
          if (targetType !== "AWS_ACCOUNT" && targetType !== "ALL_PROVISIONED_ACCOUNTS") return yield* validation("TargetType must be AWS_ACCOUNT or ALL_PROVISIONED_ACCOUNTS")
          if (targetId !== undefined) provisioned.set(ps.arn, new Set([...(provisioned.get(ps.arn) ?? []), targetId]))
          counter += 1
          return {
            PermissionSetProvisioningStatus: {
              Status: "SUCCEEDED", RequestId: `prov-${hex(String(counter), 28)}`, PermissionSetArn: ps.arn, CreatedDate: ctx.now,
              ...(targetId === undefined ? {} : { AccountId: targetId })
            }
          }
        }),

      ListAccountsForProvisionedPermissionSet: (input) =>
        Effect.gen(function* () {
          const ps = yield* requireSet(input)
          const p = yield* page(input, `prov:${ps.arn}`, [...(provisioned.get(ps.arn) ?? [])].sort())
          return { AccountIds: p.items, ...tokenOf(p.nextToken) }
        }),

      ListPermissionSetsProvisionedToAccount: (input) =>
        Effect.gen(function* () {
          yield* requireInstance(input)
          const accountId = str(input, "AccountId") ?? ""
          const arns = [...provisioned.entries()].filter(([, accounts]) => accounts.has(accountId)).map(([arn]) => arn)
          const p = yield* page(input, `pta:${accountId}`, arns)
          return { PermissionSets: p.items, ...tokenOf(p.nextToken) }
        })
    }

    const managementOnly = (op: Operation): Operation => (input, ctx) =>
      ctx.accountId === managementAccountId ? op(input, ctx) : Effect.fail(awsError("AccessDeniedException", "User is not authorized to perform this operation", { status: 400 }))

    return {
      signingName: "sso",
      protocol: "json1.1",
      targetPrefix: "SWBExternalService",
      errors: {
        throttling: { code: "ThrottlingException", status: 400, message: "Rate exceeded" },
        internal: { code: "InternalServerException", status: 500, message: "The request processing has failed because of an unknown error, exception, or failure with an internal server." }
      },
      operations: Object.fromEntries(Object.entries(operations).map(([name, op]) => [name, managementOnly(op)]))
    }
  }
