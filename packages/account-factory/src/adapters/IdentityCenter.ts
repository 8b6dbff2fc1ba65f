/**
 * `IdentityCenter` on the AWS SDK (client-sso-admin) through
 * @miyabi/aws-runtime. Account assignment creation is asynchronous: the
 * adapter polls its status on a Schedule until SUCCEEDED or FAILED.
 */
import {
  AttachManagedPolicyToPermissionSetCommand,
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribePermissionSetCommand,
  DetachManagedPolicyFromPermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  ListAccountAssignmentsCommand,
  ListInstancesCommand,
  ListManagedPoliciesInPermissionSetCommand,
  ListPermissionSetsCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  SSOAdminClient,
  UpdatePermissionSetCommand,
  type ListAccountAssignmentsCommandInput,
  type ListInstancesCommandInput,
  type ListManagedPoliciesInPermissionSetCommandInput,
  type ListPermissionSetsCommandInput
} from "@aws-sdk/client-sso-admin"
import { AwsClients, ServiceDescriptor, type AwsError } from "@miyabi/aws-runtime"
import { PermissionSet, PermissionSetAssignment, Region, SessionDuration } from "@miyabi/types"
import { Chunk, Effect, Layer, Schedule, Stream } from "effect"
import { IdentityCenter, IdentityCenterError, type IdentityCenterShape } from "../org/IdentityCenter.js"

export const SsoAdmin = ServiceDescriptor.make("sso-admin", (config) => new SSOAdminClient(config))

export interface IdentityCenterOptions {
  /** The region of the Identity Center instance (default us-east-1). */
  readonly region?: string
  /** Between assignment status reads (default every 2 s, at most 60 reads). */
  readonly pollSchedule?: Schedule.Schedule<unknown, unknown>
}

const toError = (error: AwsError): IdentityCenterError =>
  new IdentityCenterError({
    operation: error.operation,
    reason: error.reason === "Throttled" ? "Throttled" : error.reason === "AccessDenied" ? "AccessDenied" : error.reason === "NotFound" ? "NotFound" : error.reason === "Conflict" ? "Conflict" : error.reason === "Validation" ? "InvalidInput" : "Unavailable",
    detail: `${error.code}: ${error.awsMessage}`
  })

class StillInProgress {
  readonly _tag = "StillInProgress"
}

export const make = (options: IdentityCenterOptions = {}): Effect.Effect<IdentityCenterShape, never, AwsClients.AwsClients> =>
  Effect.gen(function* () {
    const clients = yield* AwsClients.AwsClients
    const target = { region: Region.make(options.region ?? "us-east-1") }
    const call = <A>(effect: Effect.Effect<A, AwsError>) => Effect.mapError(effect, toError)
    const collect = <A>(stream: Stream.Stream<A, AwsError>) => call(Stream.runCollect(stream).pipe(Effect.map(Chunk.toReadonlyArray)))
    const keys = { inputToken: "NextToken", outputToken: "NextToken" } as const

    const instanceArn = collect(clients.paginate(SsoAdmin, target, (input: ListInstancesCommandInput) => new ListInstancesCommand(input), {}, { ...keys, items: "Instances" })).pipe(
      Effect.flatMap((instances) => {
        const arn = instances[0]?.InstanceArn
        return arn === undefined ? Effect.fail(new IdentityCenterError({ operation: "ListInstances", reason: "NoInstance", detail: "Identity Center is not enabled in this organization" })) : Effect.succeed(arn)
      }),
      Effect.cached
    )
    const instance = yield* instanceArn

    /** name -> ARN of every permission set. */
    const permissionSetArns = Effect.gen(function* () {
      const arn = yield* instance
      const arns = yield* collect(clients.paginate(SsoAdmin, target, (input: ListPermissionSetsCommandInput) => new ListPermissionSetsCommand(input), { InstanceArn: arn }, { ...keys, items: "PermissionSets" }))
      const described = yield* Effect.forEach(arns, (psArn) => call(clients.call(SsoAdmin, target, new DescribePermissionSetCommand({ InstanceArn: arn, PermissionSetArn: psArn }))).pipe(
        Effect.map((out) => [out.PermissionSet?.Name ?? "", psArn, out.PermissionSet] as const)
      ), { concurrency: 4 })
      return described
    })

    const read: IdentityCenterShape["read"] = (accounts) =>
      Effect.gen(function* () {
        const arn = yield* instance
        const sets = yield* permissionSetArns
        const permissionSets = yield* Effect.forEach(sets, ([name, psArn, described]) =>
          Effect.all({
            managed: collect(clients.paginate(SsoAdmin, target, (input: ListManagedPoliciesInPermissionSetCommandInput) => new ListManagedPoliciesInPermissionSetCommand(input), { InstanceArn: arn, PermissionSetArn: psArn }, { ...keys, items: "AttachedManagedPolicies" })),
            inline: call(clients.call(SsoAdmin, target, new GetInlinePolicyForPermissionSetCommand({ InstanceArn: arn, PermissionSetArn: psArn })))
          }).pipe(
            Effect.map(({ managed, inline }) => new PermissionSet({
              name,
              description: described?.Description ?? "",
              sessionDuration: SessionDuration.make(described?.SessionDuration ?? "PT1H"),
              managedPolicies: managed.flatMap((policy) => (policy.Arn === undefined ? [] : [policy.Arn])),
              ...(inline.InlinePolicy === undefined || inline.InlinePolicy === "" ? {} : { inlinePolicy: inline.InlinePolicy })
            }))
          ), { concurrency: 4 })
        const assignments = yield* Effect.forEach(accounts.flatMap((accountId) => sets.map(([name, psArn]) => [accountId, name, psArn] as const)), ([accountId, name, psArn]) =>
          collect(clients.paginate(SsoAdmin, target, (input: ListAccountAssignmentsCommandInput) => new ListAccountAssignmentsCommand(input), { InstanceArn: arn, AccountId: accountId, PermissionSetArn: psArn }, { ...keys, items: "AccountAssignments" })).pipe(
            Effect.map((list) => list.map((a) => new PermissionSetAssignment({ permissionSet: name, principalType: a.PrincipalType === "USER" ? "USER" : "GROUP", principal: a.PrincipalId ?? "", accountId })))
          ), { concurrency: 4 })
        return { permissionSets, assignments: assignments.flat() }
      }).pipe(Effect.withSpan("IdentityCenter.read"))

    const putPermissionSet: IdentityCenterShape["putPermissionSet"] = (request) =>
      Effect.gen(function* () {
        const arn = yield* instance
        const existing = (yield* permissionSetArns).find(([name]) => name === request.name)
        let psArn: string
        if (existing === undefined) {
          const created = yield* call(clients.call(SsoAdmin, target, new CreatePermissionSetCommand({ InstanceArn: arn, Name: request.name, Description: request.description === "" ? undefined : request.description, SessionDuration: request.sessionDuration })))
          psArn = created.PermissionSet?.PermissionSetArn ?? ""
        } else {
          psArn = existing[1]
          yield* call(clients.call(SsoAdmin, target, new UpdatePermissionSetCommand({ InstanceArn: arn, PermissionSetArn: psArn, SessionDuration: request.sessionDuration, Description: request.description === "" ? undefined : request.description })))
        }
        const attached = yield* collect(clients.paginate(SsoAdmin, target, (input: ListManagedPoliciesInPermissionSetCommandInput) => new ListManagedPoliciesInPermissionSetCommand(input), { InstanceArn: arn, PermissionSetArn: psArn }, { ...keys, items: "AttachedManagedPolicies" }))
        const have = new Set(attached.flatMap((policy) => (policy.Arn === undefined ? [] : [policy.Arn])))
        for (const policy of request.managedPolicies) {
          if (!have.has(policy)) yield* call(clients.call(SsoAdmin, target, new AttachManagedPolicyToPermissionSetCommand({ InstanceArn: arn, PermissionSetArn: psArn, ManagedPolicyArn: policy })))
        }
        for (const policy of have) {
          if (!request.managedPolicies.includes(policy)) yield* call(clients.call(SsoAdmin, target, new DetachManagedPolicyFromPermissionSetCommand({ InstanceArn: arn, PermissionSetArn: psArn, ManagedPolicyArn: policy })))
        }
        if (request.inlinePolicy !== undefined) yield* call(clients.call(SsoAdmin, target, new PutInlinePolicyToPermissionSetCommand({ InstanceArn: arn, PermissionSetArn: psArn, InlinePolicy: request.inlinePolicy })))
        // Changes reach accounts that already use the set only once it is provisioned again.
        if (existing !== undefined) yield* call(clients.call(SsoAdmin, target, new ProvisionPermissionSetCommand({ InstanceArn: arn, PermissionSetArn: psArn, TargetType: "ALL_PROVISIONED_ACCOUNTS" })))
      }).pipe(Effect.withSpan("IdentityCenter.putPermissionSet", { attributes: { name: request.name } }))

    const assign: IdentityCenterShape["assign"] = (assignment) =>
      Effect.gen(function* () {
        const arn = yield* instance
        const psArn = (yield* permissionSetArns).find(([name]) => name === assignment.permissionSet)?.[1]
        if (psArn === undefined) return yield* Effect.fail(new IdentityCenterError({ operation: "CreateAccountAssignment", reason: "NotFound", detail: `permission set ${assignment.permissionSet}` }))
        const started = yield* call(clients.call(SsoAdmin, target, new CreateAccountAssignmentCommand({
          InstanceArn: arn, PermissionSetArn: psArn, PrincipalType: assignment.principalType, PrincipalId: assignment.principal, TargetType: "AWS_ACCOUNT", TargetId: assignment.accountId
        })))
        const requestId = started.AccountAssignmentCreationStatus?.RequestId ?? ""
        const status = yield* call(clients.call(SsoAdmin, target, new DescribeAccountAssignmentCreationStatusCommand({ InstanceArn: arn, AccountAssignmentCreationRequestId: requestId }))).pipe(
          Effect.flatMap((out) => (out.AccountAssignmentCreationStatus?.Status === "IN_PROGRESS" ? Effect.fail(new StillInProgress()) : Effect.succeed(out.AccountAssignmentCreationStatus))),
          Effect.retry({ schedule: options.pollSchedule ?? Schedule.spaced("2 seconds").pipe(Schedule.intersect(Schedule.recurs(60))), while: (error) => error instanceof StillInProgress }),
          Effect.catchIf((error): error is StillInProgress => error instanceof StillInProgress, () =>
            Effect.fail(new IdentityCenterError({ operation: "CreateAccountAssignment", reason: "Failed", detail: `request ${requestId} still in progress` })))
        )
        if (status?.Status === "FAILED") return yield* Effect.fail(new IdentityCenterError({ operation: "CreateAccountAssignment", reason: "Failed", detail: status.FailureReason ?? "no reason given" }))
      }).pipe(Effect.withSpan("IdentityCenter.assign", { attributes: { permissionSet: assignment.permissionSet } }))

    return { read, putPermissionSet, assign }
  })

export const layer = (options: IdentityCenterOptions = {}): Layer.Layer<IdentityCenter, never, AwsClients.AwsClients> => Layer.effect(IdentityCenter, make(options))
