/**
 * An in-memory organization behind the `Organizations` interface, for tests
 * and dry runs. It keeps AWS's rules that vending depends on: creation is
 * asynchronous (IN_PROGRESS for a number of status reads), at most 5
 * creations run at once (ConcurrentModification beyond), an e-mail is used
 * once (FAILED EMAIL_ALREADY_EXISTS), a new account's role answers
 * AccessDenied for a while. `failOn` injects a failure at any call, to test
 * that an interrupted vend or apply resumes.
 */
import { Account, AccountId, Organization, OrganizationalUnit, OrgNodeId, Policy, PolicyId, type AwsTags } from "@miyabi/types"
import { Effect, Layer, Ref } from "effect"
import { Organizations, OrganizationsError, type CreateAccountFailureReason, type CreateAccountStatus, type OrganizationsShape } from "./Organizations.js"

export interface MemoryOptions {
  /** Status reads a creation stays IN_PROGRESS (default 2). */
  readonly pollsUntilCreated?: number
  /** Role probes that answer AccessDenied for a new account (default 1). */
  readonly probesUntilRoleAnswers?: number
  /** E-mails whose creation fails with this reason. */
  readonly failures?: Readonly<Record<string, CreateAccountFailureReason>>
  /** Crashes the n-th call (0-based, over all operations; a defect) when it returns true: the process dying at that step. */
  readonly failOn?: (operation: string, call: number) => boolean
  /** Like failOn, but the call takes effect first and only its answer is lost. */
  readonly crashAfter?: (operation: string, call: number) => boolean
}

interface Creation extends CreateAccountStatus {
  readonly email: string
  readonly tags: AwsTags
  readonly polls: number
}

interface State {
  readonly organization: Organization
  readonly creations: ReadonlyArray<Creation>
  readonly probes: Readonly<Record<string, number>>
  readonly calls: number
  readonly counter: number
}

const MAX_IN_FLIGHT = 5
// Constructors below get `true` (skip validation): every value is built from checked ones, and
// re-validating the whole organization on each call makes crash-at-every-call tests slow.

/** A simulated crash: the call never returns. */
class Crash extends Error {}

export const make = (initial: Organization, options: MemoryOptions = {}): Effect.Effect<OrganizationsShape & { readonly state: Effect.Effect<Organization> }> =>
  Effect.gen(function* () {
    const ref = yield* Ref.make<State>({ organization: initial, creations: [], probes: {}, calls: 0, counter: 0 })
    const pollsUntilCreated = options.pollsUntilCreated ?? 2
    const probesUntil = options.probesUntilRoleAnswers ?? 1
    const fail = (operation: string, reason: OrganizationsError["reason"], detail: string) => new OrganizationsError({ operation, reason, detail })

    /** Runs `f` on the state atomically, after counting the call; `failOn` turns the call into a crash (a defect, as if the process died). */
    const op = <A>(operation: string, f: (state: State) => readonly [A | OrganizationsError, State] | OrganizationsError): Effect.Effect<A, OrganizationsError> =>
      Ref.modify(ref, (state): readonly [A | OrganizationsError | Crash, State] => {
        const counted = { ...state, calls: state.calls + 1 }
        if (options.failOn?.(operation, state.calls) === true) return [new Crash(`injected crash at ${operation} (call ${state.calls})`), counted]
        const result = f(counted)
        const [value, next] = result instanceof OrganizationsError ? [result, counted] : result
        // The call took effect but its answer was lost.
        if (options.crashAfter?.(operation, state.calls) === true) return [new Crash(`injected crash after ${operation} (call ${state.calls})`), next]
        return [value, next]
      }).pipe(
        Effect.flatMap((result) =>
          result instanceof Crash ? Effect.die(result) : result instanceof OrganizationsError ? Effect.fail(result) : Effect.succeed(result)
        )
      )

    const withOrg = (state: State, change: Partial<Organization>): State => ({ ...state, organization: new Organization({ ...state.organization, ...change }, true) })
    const nodeExists = (org: Organization, id: string) => id === org.rootId || org.organizationalUnits.some((ou) => ou.id === id)
    const retag = (tags: AwsTags, set: AwsTags, remove: ReadonlyArray<string> = []): AwsTags =>
      Object.fromEntries(Object.entries({ ...tags, ...set }).filter(([key]) => !remove.includes(key)))
    const updatePolicy = (state: State, id: string, f: (policy: Policy) => Policy) =>
      withOrg(state, { policies: state.organization.policies.map((policy) => (policy.id === id ? f(policy) : policy)) })
    const settle = (creation: Creation): Creation =>
      creation.state !== "IN_PROGRESS" || creation.polls < pollsUntilCreated
        ? creation
        : options.failures?.[creation.email] !== undefined
          ? { ...creation, state: "FAILED", failureReason: options.failures[creation.email]! }
          : { ...creation, state: "SUCCEEDED" }
    const view = ({ email: _email, tags: _tags, polls: _polls, ...status }: Creation): CreateAccountStatus => status

    const service: OrganizationsShape = {
      snapshot: () => op("snapshot", (state) => [state.organization, state]),
      listAccounts: () => op("listAccounts", (state) => [state.organization.accounts, state]),
      listAccountSummaries: () =>
        op("listAccountSummaries", (state) => [state.organization.accounts.map(({ id, name, email, status }) => ({ id, name, email, status })), state]),
      createOrganizationalUnit: (parentId, name, tags) =>
        op("createOrganizationalUnit", (state) => {
          const org = state.organization
          if (!nodeExists(org, parentId)) return fail("createOrganizationalUnit", "NotFound", `parent ${parentId}`)
          if (org.organizationalUnits.some((ou) => ou.parentId === parentId && ou.name === name)) return fail("createOrganizationalUnit", "Duplicate", `OU ${name} exists under ${parentId}`)
          const ou = new OrganizationalUnit({ id: OrgNodeId.make(`ou-${org.rootId.slice(2)}-${String(state.counter + 1).padStart(8, "0")}`), name, parentId, tags }, true)
          return [ou, { ...withOrg(state, { organizationalUnits: [...org.organizationalUnits, ou] }), counter: state.counter + 1 }]
        }),
      deleteOrganizationalUnit: (ouId) =>
        op("deleteOrganizationalUnit", (state) => {
          const org = state.organization
          if (org.accounts.some((a) => a.parentId === ouId) || org.organizationalUnits.some((ou) => ou.parentId === ouId)) return fail("deleteOrganizationalUnit", "ConstraintViolation", `OU ${ouId} is not empty`)
          return [undefined, withOrg(state, { organizationalUnits: org.organizationalUnits.filter((ou) => ou.id !== ouId) })]
        }),
      createAccount: ({ name, email, tags }) =>
        op("createAccount", (state) => {
          if (state.creations.filter((c) => c.state === "IN_PROGRESS").length >= MAX_IN_FLIGHT) return fail("createAccount", "ConcurrentModification", "5 account creations are already in progress")
          const duplicate = state.organization.accounts.some((a) => a.email.toLowerCase() === email.toLowerCase())
          const creation: Creation = {
            requestId: `car-${String(state.counter + 1).padStart(8, "0")}`,
            accountName: name,
            email,
            tags,
            polls: 0,
            requestedAt: new Date(0),
            ...(duplicate ? { state: "FAILED" as const, failureReason: "EMAIL_ALREADY_EXISTS" as const } : { state: "IN_PROGRESS" as const })
          }
          return [view(creation), { ...state, creations: [...state.creations, creation], counter: state.counter + 1 }]
        }),
      describeCreateAccountStatus: (requestId) =>
        op("describeCreateAccountStatus", (state) => {
          const found = state.creations.find((c) => c.requestId === requestId)
          if (found === undefined) return fail("describeCreateAccountStatus", "NotFound", requestId)
          const next = settle({ ...found, polls: found.polls + 1 })
          let organization = state.organization
          let counter = state.counter
          let result = next
          if (found.state === "IN_PROGRESS" && next.state === "SUCCEEDED") {
            counter++
            const id = AccountId.make(String(500_000_000_000 + counter))
            result = { ...next, accountId: id }
            const account = new Account({ id, name: next.accountName, email: next.email, status: "ACTIVE", parentId: organization.rootId, tags: next.tags }, true)
            organization = new Organization({ ...organization, accounts: [...organization.accounts, account] }, true)
          }
          return [view(result), { ...state, organization, counter, creations: state.creations.map((c) => (c.requestId === requestId ? result : c)) }]
        }),
      listCreateAccountStatus: (wanted) => op("listCreateAccountStatus", (state) => [state.creations.filter((c) => c.state === wanted).map(view), state]),
      parentOf: (accountId) =>
        op("parentOf", (state) => {
          const account = state.organization.accounts.find((a) => a.id === accountId)
          return account === undefined ? fail("parentOf", "NotFound", `account ${accountId}`) : [account.parentId, state]
        }),
      moveAccount: (accountId, from, to) =>
        op("moveAccount", (state) => {
          const org = state.organization
          const account = org.accounts.find((a) => a.id === accountId)
          if (account === undefined || !nodeExists(org, to)) return fail("moveAccount", "NotFound", `account ${accountId} or parent ${to}`)
          if (account.parentId !== from) return fail("moveAccount", "NotFound", `account ${accountId} is not in ${from} (SourceParentNotFound)`)
          return [undefined, withOrg(state, { accounts: org.accounts.map((a) => (a.id === accountId ? new Account({ ...a, parentId: to }, true) : a)) })]
        }),
      closeAccount: (accountId) =>
        op("closeAccount", (state) => [undefined, withOrg(state, { accounts: state.organization.accounts.map((a) => (a.id === accountId ? new Account({ ...a, status: "SUSPENDED" }, true) : a)) })]),
      tagResource: (resourceId, tags) =>
        op("tagResource", (state) => [undefined, withOrg(state, {
          accounts: state.organization.accounts.map((a) => (a.id === resourceId ? new Account({ ...a, tags: retag(a.tags, tags) }, true) : a)),
          organizationalUnits: state.organization.organizationalUnits.map((ou) => (ou.id === resourceId ? new OrganizationalUnit({ ...ou, tags: retag(ou.tags, tags) }, true) : ou))
        })]),
      untagResource: (resourceId, keys) =>
        op("untagResource", (state) => [undefined, withOrg(state, {
          accounts: state.organization.accounts.map((a) => (a.id === resourceId ? new Account({ ...a, tags: retag(a.tags, {}, keys) }, true) : a)),
          organizationalUnits: state.organization.organizationalUnits.map((ou) => (ou.id === resourceId ? new OrganizationalUnit({ ...ou, tags: retag(ou.tags, {}, keys) }, true) : ou))
        })]),
      createPolicy: (name, description, content) =>
        op("createPolicy", (state) => {
          if (state.organization.policies.some((p) => p.name === name)) return fail("createPolicy", "Duplicate", `policy ${name} exists`)
          const id = PolicyId.make(`p-${String(state.counter + 1).padStart(8, "0")}`)
          return [id, { ...withOrg(state, { policies: [...state.organization.policies, new Policy({ id, name, description, content, awsManaged: false, targets: [] }, true)] }), counter: state.counter + 1 }]
        }),
      updatePolicy: (policyId, description, content) => op("updatePolicy", (state) => [undefined, updatePolicy(state, policyId, (p) => new Policy({ ...p, description, content }, true))]),
      deletePolicy: (policyId) => op("deletePolicy", (state) => [undefined, withOrg(state, { policies: state.organization.policies.filter((p) => p.id !== policyId) })]),
      attachPolicy: (policyId, targetId) =>
        op("attachPolicy", (state) => {
          const attached = state.organization.policies.filter((p) => p.targets.includes(targetId)).length
          if (attached >= 5) return fail("attachPolicy", "ConstraintViolation", `${targetId} has 5 policies (POLICY_NUMBER_LIMIT_EXCEEDED)`)
          const policy = state.organization.policies.find((p) => p.id === policyId)
          if (policy?.targets.includes(targetId) === true) return fail("attachPolicy", "Duplicate", `${policy.name} is already attached to ${targetId}`)
          return [undefined, updatePolicy(state, policyId, (p) => new Policy({ ...p, targets: [...p.targets, targetId] }, true))]
        }),
      detachPolicy: (policyId, targetId) => op("detachPolicy", (state) => [undefined, updatePolicy(state, policyId, (p) => new Policy({ ...p, targets: p.targets.filter((t) => t !== targetId) }, true))]),
      probeAccountRole: (accountId) =>
        op("probeAccountRole", (state) => {
          const seen = state.probes[accountId] ?? 0
          const next = { ...state, probes: { ...state.probes, [accountId]: seen + 1 } }
          return [seen < probesUntil ? fail("probeAccountRole", "AccessDenied", `role in ${accountId} is not assumable yet`) : undefined, next]
        })
    }
    return { ...service, state: Ref.get(ref).pipe(Effect.map((state) => state.organization)) }
  })

/** A fresh in-memory organization as the `Organizations` service. */
export const layer = (initial: Organization, options: MemoryOptions = {}): Layer.Layer<Organizations> => Layer.effect(Organizations, make(initial, options))
