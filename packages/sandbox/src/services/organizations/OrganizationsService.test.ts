import {
  AccessDeniedException, AccountAlreadyClosedException, AttachPolicyCommand, CloseAccountCommand, ConcurrentModificationException,
  ConstraintViolationException, CreateAccountCommand, CreateOrganizationalUnitCommand, CreatePolicyCommand, DeleteOrganizationalUnitCommand,
  DescribeCreateAccountStatusCommand, DescribeOrganizationCommand, DescribeOrganizationalUnitCommand, DescribePolicyCommand, DetachPolicyCommand,
  DuplicateAccountException, DuplicateOrganizationalUnitException, ListAccountsForParentCommand, ListChildrenCommand, ListCreateAccountStatusCommand,
  ListOrganizationalUnitsForParentCommand, ListParentsCommand, ListPoliciesCommand, ListPoliciesForTargetCommand, ListRootsCommand,
  ListTagsForResourceCommand, ListTargetsForPolicyCommand, MalformedPolicyDocumentException, MoveAccountCommand, OrganizationalUnitNotEmptyException,
  OrganizationalUnitNotFoundException, OrganizationsClient, paginateListAccounts, PolicyNotAttachedException, TagResourceCommand,
  TooManyRequestsException, UntagResourceCommand, UpdatePolicyCommand, InvalidInputException
} from "@aws-sdk/client-organizations"
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Estate } from "../../EstateContract.js"
import { minimalEstate } from "../../EstateContract.js"
import { type SandboxHandle, start } from "../../Sandbox.js"
import { call } from "../../testing/SdkCalls.js"

const clientOf = (sandbox: SandboxHandle, credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = sandbox.credentials) =>
  new OrganizationsClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials, maxAttempts: 1 })
const failure = (f: () => Promise<unknown>) => Effect.promise(() => f().then(() => { throw new Error("expected a failure") }, (e: unknown) => e))

const bigEstate = (members: number): Estate => {
  const base = minimalEstate()
  return {
    ...base,
    organization: {
      ...base.organization,
      members: Array.from({ length: members }, (_, i) => ({ id: String(400000000000 + i), name: `Member ${i}`, email: `m${i}@example.com`, ouPath: "Production" }))
    }
  }
}

describe("Organizations", () => {
  it.scoped("describes the organization and its root like the recordings", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const client = clientOf(sandbox)
      const { Organization } = yield* call(() => client.send(new DescribeOrganizationCommand({})))
      expect(Organization?.Id).toMatch(/^o-[a-z0-9]{10}$/)
      expect(Organization?.MasterAccountId).toBe(sandbox.accountId)
      expect(Organization?.MasterAccountArn).toBe(`arn:aws:organizations::${sandbox.accountId}:account/${Organization?.Id}/${sandbox.accountId}`)
      expect(Organization?.AvailablePolicyTypes).toEqual([{ Type: "SERVICE_CONTROL_POLICY", Status: "ENABLED" }])
      const { Roots } = yield* call(() => client.send(new ListRootsCommand({})))
      expect(Roots?.[0]?.Id).toMatch(/^r-[a-z0-9]{4}$/)
      expect(Roots?.[0]?.Name).toBe("Root")
    }))

  it.scoped("paginates ListAccounts to the end and refuses foreign tokens", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, estate: bigEstate(45) })
      const client = clientOf(sandbox)
      const ids: Array<string> = []
      let pages = 0
      yield* call(async () => {
        for await (const page of paginateListAccounts({ client, pageSize: 7 }, {})) {
          pages += 1
          for (const a of page.Accounts ?? []) ids.push(a.Id ?? "")
        }
      })
      expect(ids.length).toBe(46)
      expect(new Set(ids).size).toBe(46)
      expect(pages).toBe(7)
      const first = yield* call(() => client.send(new ListAccountsForParentCommand({ ParentId: (sandbox.organization.rootId), MaxResults: 1 })))
      expect(first.Accounts?.[0]?.JoinedTimestamp).toBeInstanceOf(Date)
      expect(first.Accounts?.[0]?.JoinedMethod).toBe("CREATED")
      const bad = yield* failure(() => client.send(new ListRootsCommand({ NextToken: first.NextToken ?? "x" })))
      expect(bad).toBeInstanceOf(InvalidInputException)
      expect((bad as InvalidInputException).Reason).toBe("INVALID_NEXT_TOKEN")
    }))

  it.scoped("creates, lists, describes and deletes OUs with AWS's errors", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const client = clientOf(sandbox)
      const rootId = sandbox.organization.rootId
      const created = yield* call(() => client.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: "Workloads", Tags: [{ Key: "Owner", Value: "platform" }] })))
      const ouId = created.OrganizationalUnit?.Id ?? ""
      expect(ouId).toMatch(/^ou-[a-z0-9]{4}-[a-z0-9]{8}$/)
      expect(created.OrganizationalUnit?.Arn).toContain(`:ou/`)
      const dup = yield* failure(() => client.send(new CreateOrganizationalUnitCommand({ ParentId: rootId, Name: "Workloads" })))
      expect(dup).toBeInstanceOf(DuplicateOrganizationalUnitException)
      const listed = yield* call(() => client.send(new ListOrganizationalUnitsForParentCommand({ ParentId: rootId })))
      expect(listed.OrganizationalUnits?.map((o) => o.Name).sort()).toEqual(["Non-Production", "Production", "Workloads"])
      expect(listed.NextToken).toBeUndefined()
      const child = yield* call(() => client.send(new CreateOrganizationalUnitCommand({ ParentId: ouId, Name: "Pools" })))
      const orgId = (yield* call(() => client.send(new DescribeOrganizationCommand({})))).Organization?.Id
      expect(child.OrganizationalUnit?.Path).toBe(`${orgId}/${rootId}/${ouId}/${child.OrganizationalUnit?.Id}/`)
      const parents = yield* call(() => client.send(new ListParentsCommand({ ChildId: child.OrganizationalUnit?.Id ?? "" })))
      expect(parents.Parents).toEqual([{ Id: ouId, Type: "ORGANIZATIONAL_UNIT" }])
      const children = yield* call(() => client.send(new ListChildrenCommand({ ParentId: ouId, ChildType: "ORGANIZATIONAL_UNIT" })))
      expect(children.Children).toEqual([{ Id: child.OrganizationalUnit?.Id, Type: "ORGANIZATIONAL_UNIT" }])
      const notEmpty = yield* failure(() => client.send(new DeleteOrganizationalUnitCommand({ OrganizationalUnitId: ouId })))
      expect(notEmpty).toBeInstanceOf(OrganizationalUnitNotEmptyException)
      yield* call(() => client.send(new DeleteOrganizationalUnitCommand({ OrganizationalUnitId: child.OrganizationalUnit?.Id ?? "" })))
      const gone = yield* failure(() => client.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: child.OrganizationalUnit?.Id ?? "" })))
      expect(gone).toBeInstanceOf(OrganizationalUnitNotFoundException)
      const tags = yield* call(() => client.send(new ListTagsForResourceCommand({ ResourceId: ouId })))
      expect(tags.Tags).toEqual([{ Key: "Owner", Value: "platform" }])
      let deep = ouId
      for (let depth = 2; depth <= 5; depth++) {
        const next = yield* call(() => client.send(new CreateOrganizationalUnitCommand({ ParentId: deep, Name: `L${depth}` })))
        deep = next.OrganizationalUnit?.Id ?? ""
      }
      const tooDeep = yield* failure(() => client.send(new CreateOrganizationalUnitCommand({ ParentId: deep, Name: "L6" })))
      expect((tooDeep as ConstraintViolationException).Reason).toBe("OU_DEPTH_LIMIT_EXCEEDED")
    }))

  it.scoped("runs the asynchronous CreateAccount lifecycle on the sandbox clock", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, organizations: { createAccountDelayMs: 60_000, createAccountFailures: { "broke@example.com": "INVALID_PAYMENT_INSTRUMENT" } } })
      const client = clientOf(sandbox)
      const created = yield* call(() => client.send(new CreateAccountCommand({ Email: "new@example.com", AccountName: "New", Tags: [{ Key: "CostCenter", Value: "cc-1" }] })))
      const requestId = created.CreateAccountStatus?.Id ?? ""
      expect(requestId).toMatch(/^car-[0-9a-f]{32}$/)
      expect(created.CreateAccountStatus?.State).toBe("IN_PROGRESS")
      expect(created.CreateAccountStatus?.AccountId).toBeUndefined()
      const existing = yield* call(() => client.send(new CreateAccountCommand({ Email: "production@example.com", AccountName: "Dup" })))
      const broke = yield* call(() => client.send(new CreateAccountCommand({ Email: "broke@example.com", AccountName: "Broke" })))
      const still = yield* call(() => client.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: requestId })))
      expect(still.CreateAccountStatus?.State).toBe("IN_PROGRESS")
      sandbox.clock.advance(60_000)
      const done = yield* call(() => client.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: requestId })))
      expect(done.CreateAccountStatus?.State).toBe("SUCCEEDED")
      expect(done.CreateAccountStatus?.AccountId).toMatch(/^\d{12}$/)
      expect(done.CreateAccountStatus?.CompletedTimestamp).toBeInstanceOf(Date)
      const failedDup = yield* call(() => client.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: existing.CreateAccountStatus?.Id ?? "" })))
      expect(failedDup.CreateAccountStatus).toMatchObject({ State: "FAILED", FailureReason: "EMAIL_ALREADY_EXISTS" })
      const failedPay = yield* call(() => client.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: broke.CreateAccountStatus?.Id ?? "" })))
      expect(failedPay.CreateAccountStatus?.FailureReason).toBe("INVALID_PAYMENT_INSTRUMENT")
      const failedOnly = yield* call(() => client.send(new ListCreateAccountStatusCommand({ States: ["FAILED"] })))
      expect(failedOnly.CreateAccountStatuses?.length).toBe(2)
      const newId = done.CreateAccountStatus?.AccountId ?? ""
      const inRoot = yield* call(() => client.send(new ListAccountsForParentCommand({ ParentId: sandbox.organization.rootId })))
      expect(inRoot.Accounts?.some((a) => a.Id === newId && a.Email === "new@example.com")).toBe(true)
      const tags = yield* call(() => client.send(new ListTagsForResourceCommand({ ResourceId: newId })))
      expect(tags.Tags).toEqual([{ Key: "CostCenter", Value: "cc-1" }])
    }))

  it.scoped("refuses AssumeRole into a new account until its role settles", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, organizations: { createAccountDelayMs: 1_000, newAccountRoleDelayMs: 30_000 } })
      const created = yield* call(() => clientOf(sandbox).send(new CreateAccountCommand({ Email: "fresh@example.com", AccountName: "Fresh" })))
      sandbox.clock.advance(1_000)
      const status = yield* call(() => clientOf(sandbox).send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: created.CreateAccountStatus?.Id ?? "" })))
      const sts = new STSClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials: sandbox.credentials, maxAttempts: 1 })
      const assume = () => sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${status.CreateAccountStatus?.AccountId ?? ""}:role/OrganizationAccountAccessRole`, RoleSessionName: "vend" }))
      const early = yield* failure(assume)
      expect((early as Error).name).toBe("AccessDenied")
      sandbox.clock.advance(30_000)
      const later = yield* call(assume)
      expect(later.Credentials?.AccessKeyId).toMatch(/^ASIA/)
    }))

  it.scoped("enforces five concurrent account creations", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, organizations: { createAccountDelayMs: 1_000 } })
      const client = clientOf(sandbox)
      for (let i = 0; i < 5; i++) yield* call(() => client.send(new CreateAccountCommand({ Email: `a${i}@example.com`, AccountName: `A${i}` })))
      const sixth = yield* failure(() => client.send(new CreateAccountCommand({ Email: "a5@example.com", AccountName: "A5" })))
      expect(sixth).toBeInstanceOf(ConcurrentModificationException)
      sandbox.clock.advance(1_000)
      const later = yield* call(() => client.send(new CreateAccountCommand({ Email: "a5@example.com", AccountName: "A5" })))
      expect(later.CreateAccountStatus?.State).toBe("IN_PROGRESS")
    }))

  it.scoped("moves and closes accounts", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const client = clientOf(sandbox)
      const member = "222222222222"
      const [{ Id: from = "" } = {}] = (yield* call(() => client.send(new ListParentsCommand({ ChildId: member })))).Parents ?? []
      const rootId = sandbox.organization.rootId
      yield* call(() => client.send(new MoveAccountCommand({ AccountId: member, SourceParentId: from, DestinationParentId: rootId })))
      const again = yield* failure(() => client.send(new MoveAccountCommand({ AccountId: member, SourceParentId: from, DestinationParentId: rootId })))
      expect(again).toBeInstanceOf(DuplicateAccountException)
      const inRoot = yield* call(() => client.send(new ListChildrenCommand({ ParentId: rootId, ChildType: "ACCOUNT" })))
      expect(inRoot.Children?.map((c) => c.Id)).toContain(member)
      yield* call(() => client.send(new CloseAccountCommand({ AccountId: member })))
      const closedTwice = yield* failure(() => client.send(new CloseAccountCommand({ AccountId: member })))
      expect(closedTwice).toBeInstanceOf(AccountAlreadyClosedException)
      const listed = yield* call(() => client.send(new ListAccountsForParentCommand({ ParentId: rootId })))
      expect(listed.Accounts?.find((a) => a.Id === member)?.Status).toBe("SUSPENDED")
    }))

  it.scoped("manages SCPs: create, update, attach with AWS's limits, detach, list both ways", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const client = clientOf(sandbox)
      const doc = (n: number) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: `svc${n}:*`, Resource: "*" }] })
      const malformed = yield* failure(() => client.send(new CreatePolicyCommand({ Name: "bad", Description: "", Type: "SERVICE_CONTROL_POLICY", Content: "{nope" })))
      expect(malformed).toBeInstanceOf(MalformedPolicyDocumentException)
      const tooBig = yield* failure(() => client.send(new CreatePolicyCommand({ Name: "big", Description: "", Type: "SERVICE_CONTROL_POLICY", Content: `{"Statement":"${"x".repeat(5200)}"}` })))
      expect((tooBig as ConstraintViolationException).Reason).toBe("POLICY_CONTENT_LIMIT_EXCEEDED")
      const ids: Array<string> = []
      for (let i = 0; i < 5; i++) {
        const p = yield* call(() => client.send(new CreatePolicyCommand({ Name: `deny-${i}`, Description: `d${i}`, Type: "SERVICE_CONTROL_POLICY", Content: doc(i) })))
        expect(p.Policy?.PolicySummary?.AwsManaged).toBe(false)
        ids.push(p.Policy?.PolicySummary?.Id ?? "")
      }
      const updated = yield* call(() => client.send(new UpdatePolicyCommand({ PolicyId: ids[0] ?? "", Description: "changed" })))
      expect(updated.Policy?.PolicySummary?.Description).toBe("changed")
      expect(updated.Policy?.Content).toBe(doc(0))
      const described = yield* call(() => client.send(new DescribePolicyCommand({ PolicyId: ids[1] ?? "" })))
      expect(described.Policy?.PolicySummary?.Name).toBe("deny-1")
      const all = yield* call(() => client.send(new ListPoliciesCommand({ Filter: "SERVICE_CONTROL_POLICY" })))
      expect(all.Policies?.length).toBe(6)
      const target = "333333333333"
      for (const id of ids.slice(0, 4)) yield* call(() => client.send(new AttachPolicyCommand({ PolicyId: id, TargetId: target })))
      const sixth = yield* failure(() => client.send(new AttachPolicyCommand({ PolicyId: ids[4] ?? "", TargetId: target })))
      expect((sixth as ConstraintViolationException).Reason).toBe("MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")
      const forTarget = yield* call(() => client.send(new ListPoliciesForTargetCommand({ TargetId: target, Filter: "SERVICE_CONTROL_POLICY" })))
      expect(forTarget.Policies?.map((p) => p.Name)).toEqual(["FullAWSAccess", "deny-0", "deny-1", "deny-2", "deny-3"])
      const targets = yield* call(() => client.send(new ListTargetsForPolicyCommand({ PolicyId: ids[0] ?? "" })))
      expect(targets.Targets).toEqual([{ TargetId: target, Arn: expect.stringContaining(`:account/`), Name: "Development", Type: "ACCOUNT" }])
      yield* call(() => client.send(new DetachPolicyCommand({ PolicyId: ids[0] ?? "", TargetId: target })))
      const notAttached = yield* failure(() => client.send(new DetachPolicyCommand({ PolicyId: ids[0] ?? "", TargetId: target })))
      expect(notAttached).toBeInstanceOf(PolicyNotAttachedException)
      const rootOnly = yield* failure(() => client.send(new DetachPolicyCommand({ PolicyId: "p-FullAWSAccess", TargetId: sandbox.organization.rootId })))
      expect((rootOnly as ConstraintViolationException).Reason).toBe("MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED")
    }))

  it.scoped("tags and untags resources", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const client = clientOf(sandbox)
      yield* call(() => client.send(new TagResourceCommand({ ResourceId: "222222222222", Tags: [{ Key: "CostCenter", Value: "a" }, { Key: "Env", Value: "prod" }] })))
      yield* call(() => client.send(new UntagResourceCommand({ ResourceId: "222222222222", TagKeys: ["Env"] })))
      const tags = yield* call(() => client.send(new ListTagsForResourceCommand({ ResourceId: "222222222222" })))
      expect(tags.Tags).toEqual([{ Key: "CostCenter", Value: "a" }])
      expect(sandbox.log.changes().map((c) => c.operation)).toEqual(["TagResource", "UntagResource"])
    }))

  it.scoped("refuses member accounts and maps faults to TooManyRequestsException", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false })
      const member = clientOf(sandbox, sandbox.credentialsFor("222222222222"))
      const denied = yield* failure(() => member.send(new ListRootsCommand({})))
      expect(denied).toBeInstanceOf(AccessDeniedException)
      const org = yield* call(() => member.send(new DescribeOrganizationCommand({})))
      expect(org.Organization?.MasterAccountId).toBe(sandbox.accountId)
      sandbox.faults.set({ rules: [{ service: "organizations", operation: "ListRoots", throttleRate: 1 }] })
      const throttled = yield* failure(() => clientOf(sandbox).send(new ListRootsCommand({})))
      expect(throttled).toBeInstanceOf(TooManyRequestsException)
    }))
})
