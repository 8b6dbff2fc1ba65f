import {
  AttachManagedPolicyToPermissionSetCommand, ConflictException, CreateAccountAssignmentCommand, CreatePermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand, DescribePermissionSetCommand, GetInlinePolicyForPermissionSetCommand, ListAccountAssignmentsCommand,
  ListInstancesCommand, ListManagedPoliciesInPermissionSetCommand, ListPermissionSetsProvisionedToAccountCommand, paginateListPermissionSets,
  ProvisionPermissionSetCommand, PutInlinePolicyToPermissionSetCommand, ResourceNotFoundException, SSOAdminClient, AccessDeniedException
} from "@aws-sdk/client-sso-admin"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { type SandboxHandle, start } from "../../Sandbox.js"
import { call } from "../../testing/SdkCalls.js"

const failure = (f: () => Promise<unknown>) => Effect.promise(() => f().then(() => { throw new Error("expected a failure") }, (e: unknown) => e))
const clientOf = (sandbox: SandboxHandle, credentials = sandbox.credentials) => new SSOAdminClient({ endpoint: sandbox.endpoint, region: sandbox.region, credentials, maxAttempts: 1 })

describe("SSO Admin", () => {
  it.scoped("manages permission sets and asynchronous account assignments", () =>
    Effect.gen(function* () {
      const sandbox = yield* start({ dynamodb: false, ssoAdmin: { assignmentDelayMs: 5_000 } })
      const sso = clientOf(sandbox)
      const { Instances } = yield* call(() => sso.send(new ListInstancesCommand({})))
      const InstanceArn = Instances?.[0]?.InstanceArn ?? ""
      expect(InstanceArn).toMatch(/^arn:aws:sso:::instance\/ssoins-[0-9a-f]{16}$/)
      expect(Instances?.[0]?.IdentityStoreId).toMatch(/^d-[0-9a-f]{10}$/)
      const created = yield* call(() => sso.send(new CreatePermissionSetCommand({ InstanceArn, Name: "administrator", SessionDuration: "PT8H", Description: "Admins" })))
      const PermissionSetArn = created.PermissionSet?.PermissionSetArn ?? ""
      expect(PermissionSetArn).toMatch(/^arn:aws:sso:::permissionSet\/ssoins-[0-9a-f]{16}\/ps-[0-9a-f]{16}$/)
      const dup = yield* failure(() => sso.send(new CreatePermissionSetCommand({ InstanceArn, Name: "administrator" })))
      expect(dup).toBeInstanceOf(ConflictException)
      for (const name of ["developer", "read-only"]) yield* call(() => sso.send(new CreatePermissionSetCommand({ InstanceArn, Name: name, SessionDuration: "PT4H" })))
      const arns: Array<string> = []
      yield* call(async () => {
        for await (const page of paginateListPermissionSets({ client: sso, pageSize: 2 }, { InstanceArn })) arns.push(...(page.PermissionSets ?? []))
      })
      expect(arns.length).toBe(3)
      const described = yield* call(() => sso.send(new DescribePermissionSetCommand({ InstanceArn, PermissionSetArn })))
      expect(described.PermissionSet).toMatchObject({ Name: "administrator", SessionDuration: "PT8H", Description: "Admins" })
      expect(described.PermissionSet?.CreatedDate).toBeInstanceOf(Date)
      const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "organizations:*", Resource: "*" }] })
      yield* call(() => sso.send(new PutInlinePolicyToPermissionSetCommand({ InstanceArn, PermissionSetArn, InlinePolicy: policy })))
      expect((yield* call(() => sso.send(new GetInlinePolicyForPermissionSetCommand({ InstanceArn, PermissionSetArn })))).InlinePolicy).toBe(policy)
      yield* call(() => sso.send(new AttachManagedPolicyToPermissionSetCommand({ InstanceArn, PermissionSetArn, ManagedPolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })))
      const managed = yield* call(() => sso.send(new ListManagedPoliciesInPermissionSetCommand({ InstanceArn, PermissionSetArn })))
      expect(managed.AttachedManagedPolicies).toEqual([{ Name: "AdministratorAccess", Arn: "arn:aws:iam::aws:policy/AdministratorAccess" }])
      const assignment = { InstanceArn, PermissionSetArn, TargetId: "222222222222", TargetType: "AWS_ACCOUNT" as const, PrincipalType: "GROUP" as const, PrincipalId: "g-admins" }
      const started = yield* call(() => sso.send(new CreateAccountAssignmentCommand(assignment)))
      const requestId = started.AccountAssignmentCreationStatus?.RequestId ?? ""
      expect(started.AccountAssignmentCreationStatus?.Status).toBe("IN_PROGRESS")
      const before = yield* call(() => sso.send(new ListAccountAssignmentsCommand({ InstanceArn, PermissionSetArn, AccountId: "222222222222" })))
      expect(before.AccountAssignments).toEqual([])
      sandbox.clock.advance(5_000)
      const done = yield* call(() => sso.send(new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn, AccountAssignmentCreationRequestId: requestId })))
      expect(done.AccountAssignmentCreationStatus?.Status).toBe("SUCCEEDED")
      const after = yield* call(() => sso.send(new ListAccountAssignmentsCommand({ InstanceArn, PermissionSetArn, AccountId: "222222222222" })))
      expect(after.AccountAssignments).toEqual([{ AccountId: "222222222222", PermissionSetArn, PrincipalType: "GROUP", PrincipalId: "g-admins" }])
      const prov = yield* call(() => sso.send(new ProvisionPermissionSetCommand({ InstanceArn, PermissionSetArn, TargetType: "ALL_PROVISIONED_ACCOUNTS" })))
      expect(prov.PermissionSetProvisioningStatus?.Status).toBe("SUCCEEDED")
      const toAccount = yield* call(() => sso.send(new ListPermissionSetsProvisionedToAccountCommand({ InstanceArn, AccountId: "222222222222" })))
      expect(toAccount.PermissionSets).toEqual([PermissionSetArn])
      const missing = yield* failure(() => sso.send(new DescribePermissionSetCommand({ InstanceArn, PermissionSetArn: `${PermissionSetArn}0` })))
      expect(missing).toBeInstanceOf(ResourceNotFoundException)
      const member = yield* failure(() => clientOf(sandbox, sandbox.credentialsFor("222222222222")).send(new ListInstancesCommand({})))
      expect(member).toBeInstanceOf(AccessDeniedException)
    }))
})
