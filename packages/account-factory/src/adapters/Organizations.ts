/**
 * The `Organizations` service on the AWS SDK (client-organizations) through
 * @miyabi/aws-runtime: every call is budgeted, retried when transient,
 * abortable, and its failure mapped once to `OrganizationsError`. Lists are
 * paged as streams. Organizations is a global service served from us-east-1.
 */
import {
  AttachPolicyCommand,
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreatePolicyCommand,
  DeleteOrganizationalUnitCommand,
  DeletePolicyCommand,
  DescribeCreateAccountStatusCommand,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  DetachPolicyCommand,
  ListAccountsCommand,
  type ListAccountsCommandInput,
  ListCreateAccountStatusCommand,
  type ListCreateAccountStatusCommandInput,
  ListOrganizationalUnitsForParentCommand,
  type ListOrganizationalUnitsForParentCommandInput,
  ListParentsCommand,
  ListPoliciesCommand,
  type ListPoliciesCommandInput,
  ListRootsCommand,
  type ListRootsCommandInput,
  ListTagsForResourceCommand,
  type ListTagsForResourceCommandInput,
  ListTargetsForPolicyCommand,
  type ListTargetsForPolicyCommandInput,
  MoveAccountCommand,
  OrganizationsClient,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePolicyCommand,
  type CreateAccountStatus as SdkCreateAccountStatus
} from "@aws-sdk/client-organizations"
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts"
import { AwsClients, ServiceDescriptor, type AwsError } from "@miyabi/aws-runtime"
import { Account, AccountId, Organization, OrganizationalUnit, OrganizationId, OrgNodeId, Policy, PolicyId, Region, type AwsTags } from "@miyabi/types"
import { Chunk, Effect, Layer, Schema, Stream } from "effect"
import { CreateAccountFailureReason, Organizations, OrganizationsError, type CreateAccountStatus, type OrganizationsShape } from "../org/Organizations.js"

export const OrganizationsService = ServiceDescriptor.make("organizations", (config) => new OrganizationsClient(config))

/** Organizations answers only in us-east-1 (the aws partition's home region). */
const target = { region: Region.make("us-east-1") }
const SCP = "SERVICE_CONTROL_POLICY"

const toOrganizationsError = (error: AwsError): OrganizationsError => {
  const reason: OrganizationsError["reason"] =
    error.code === "ConcurrentModificationException" ? "ConcurrentModification"
    : error.code.startsWith("Duplicate") ? "Duplicate"
    : error.code === "ConstraintViolationException" ? "ConstraintViolation"
    : error.reason === "Throttled" ? "Throttled"
    : error.reason === "AccessDenied" ? "AccessDenied"
    : error.reason === "NotFound" || error.code.endsWith("NotFoundException") ? "NotFound"
    : error.reason === "Validation" ? "InvalidInput"
    : "Unavailable"
  return new OrganizationsError({ operation: error.operation, reason, detail: `${error.code}: ${error.awsMessage}` })
}

const tagsFrom = (list: ReadonlyArray<{ readonly Key?: string | undefined; readonly Value?: string | undefined }> | undefined): AwsTags =>
  Object.fromEntries((list ?? []).flatMap((tag) => (tag.Key === undefined ? [] : [[tag.Key, tag.Value ?? ""]])))
const tagList = (tags: AwsTags) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }))

const decodeReason = Schema.decodeUnknownOption(CreateAccountFailureReason)
const statusFrom = (status: SdkCreateAccountStatus | undefined): CreateAccountStatus => ({
  requestId: status?.Id ?? "",
  accountName: status?.AccountName ?? "",
  state: status?.State === "SUCCEEDED" || status?.State === "FAILED" ? status.State : "IN_PROGRESS",
  ...(status?.AccountId === undefined ? {} : { accountId: AccountId.make(status.AccountId) }),
  ...(status?.FailureReason === undefined ? {} : { failureReason: decodeReason(status.FailureReason).pipe((o) => (o._tag === "Some" ? o.value : "UNKNOWN" as const)) }),
  ...(status?.RequestedTimestamp === undefined ? {} : { requestedAt: status.RequestedTimestamp })
})

export const make: Effect.Effect<OrganizationsShape, never, AwsClients.AwsClients> = Effect.gen(function* () {
  const clients = yield* AwsClients.AwsClients
  const call = <A>(effect: Effect.Effect<A, AwsError>) => Effect.mapError(effect, toOrganizationsError)
  const collect = <A>(stream: Stream.Stream<A, AwsError>) => call(Stream.runCollect(stream).pipe(Effect.map(Chunk.toReadonlyArray)))

  const tagsOf = (resourceId: string) =>
    collect(clients.paginate(OrganizationsService, target, (input: ListTagsForResourceCommandInput) => new ListTagsForResourceCommand(input), { ResourceId: resourceId }, { inputToken: "NextToken", outputToken: "NextToken", items: "Tags" })).pipe(
      Effect.map(tagsFrom)
    )

  const rawAccounts = () =>
    collect(clients.paginate(OrganizationsService, target, (input: ListAccountsCommandInput) => new ListAccountsCommand(input), {}, { inputToken: "NextToken", outputToken: "NextToken", items: "Accounts" }))
  const statusOf = (status: string | undefined) => (status === "SUSPENDED" || status === "PENDING_CLOSURE" ? status : "ACTIVE")

  const listAccounts = () =>
    rawAccounts().pipe(
      Effect.flatMap((accounts) =>
        Effect.forEach(accounts, (account) =>
          Effect.all({ parent: parentOf(AccountId.make(account.Id ?? "")), tags: tagsOf(account.Id ?? "") }).pipe(
            Effect.map(({ parent, tags }) =>
              new Account({
                id: AccountId.make(account.Id ?? ""),
                name: account.Name ?? "",
                email: account.Email ?? "",
                status: statusOf(account.Status),
                parentId: parent,
                tags,
                ...(account.JoinedTimestamp === undefined ? {} : { joinedAt: account.JoinedTimestamp })
              })
            )
          ), { concurrency: 4 })
      )
    )

  const parentOf = (accountId: AccountId) =>
    call(clients.call(OrganizationsService, target, new ListParentsCommand({ ChildId: accountId }))).pipe(
      Effect.flatMap((out) => {
        const id = out.Parents?.[0]?.Id
        return id === undefined ? Effect.fail(new OrganizationsError({ operation: "ListParents", reason: "NotFound", detail: `no parent for ${accountId}` })) : Effect.succeed(OrgNodeId.make(id))
      })
    )

  const snapshot = () =>
    Effect.gen(function* () {
      const described = yield* call(clients.call(OrganizationsService, target, new DescribeOrganizationCommand({})))
      const roots = yield* collect(clients.paginate(OrganizationsService, target, (input: ListRootsCommandInput) => new ListRootsCommand(input), {}, { inputToken: "NextToken", outputToken: "NextToken", items: "Roots" }))
      const rootId = OrgNodeId.make(roots[0]?.Id ?? "")
      // OUs level by level (AWS nests at most five deep).
      const ous: Array<OrganizationalUnit> = []
      let parents: ReadonlyArray<OrgNodeId> = [rootId]
      for (let depth = 0; depth < 6 && parents.length > 0; depth++) {
        const level = yield* Effect.forEach(parents, (parentId) =>
          collect(clients.paginate(OrganizationsService, target, (input: ListOrganizationalUnitsForParentCommandInput) => new ListOrganizationalUnitsForParentCommand(input), { ParentId: parentId }, { inputToken: "NextToken", outputToken: "NextToken", items: "OrganizationalUnits" })).pipe(
            Effect.flatMap((children) => Effect.forEach(children, (child) => Effect.map(tagsOf(child.Id ?? ""), (tags) => new OrganizationalUnit({ id: OrgNodeId.make(child.Id ?? ""), name: child.Name ?? "", parentId, tags }))))
          ), { concurrency: 4 })
        const flat = level.flat()
        ous.push(...flat)
        parents = flat.map((ou) => ou.id)
      }
      const accounts = yield* listAccounts()
      const summaries = yield* collect(clients.paginate(OrganizationsService, target, (input: ListPoliciesCommandInput) => new ListPoliciesCommand(input), { Filter: SCP }, { inputToken: "NextToken", outputToken: "NextToken", items: "Policies" }))
      const policies = yield* Effect.forEach(summaries, (summary) =>
        Effect.all({
          described: call(clients.call(OrganizationsService, target, new DescribePolicyCommand({ PolicyId: summary.Id ?? "" }))),
          targets: collect(clients.paginate(OrganizationsService, target, (input: ListTargetsForPolicyCommandInput) => new ListTargetsForPolicyCommand(input), { PolicyId: summary.Id ?? "" }, { inputToken: "NextToken", outputToken: "NextToken", items: "Targets" }))
        }).pipe(
          Effect.map(({ described, targets }) =>
            new Policy({
              id: PolicyId.make(summary.Id ?? ""),
              name: summary.Name ?? "",
              description: summary.Description ?? "",
              content: described.Policy?.Content ?? "{}",
              awsManaged: summary.AwsManaged ?? false,
              targets: targets.flatMap((t) => (t.TargetId === undefined ? [] : [t.TargetId as OrgNodeId]))
            })
          )
        ), { concurrency: 4 })
      return new Organization({
        id: OrganizationId.make(described.Organization?.Id ?? ""),
        managementAccountId: AccountId.make(described.Organization?.MasterAccountId ?? ""),
        rootId,
        organizationalUnits: ous,
        accounts,
        policies
      })
    }).pipe(Effect.withSpan("Organizations.snapshot"))

  const service: OrganizationsShape = {
    snapshot,
    listAccounts,
    listAccountSummaries: () =>
      rawAccounts().pipe(Effect.map((accounts) => accounts.map((a) => ({ id: AccountId.make(a.Id ?? ""), name: a.Name ?? "", email: a.Email ?? "", status: statusOf(a.Status) })))),
    parentOf,
    createOrganizationalUnit: (parentId, name, tags) =>
      call(clients.call(OrganizationsService, target, new CreateOrganizationalUnitCommand({ ParentId: parentId, Name: name, Tags: tagList(tags) }))).pipe(
        Effect.map((out) => new OrganizationalUnit({ id: OrgNodeId.make(out.OrganizationalUnit?.Id ?? ""), name, parentId, tags }))
      ),
    deleteOrganizationalUnit: (ouId) => call(clients.call(OrganizationsService, target, new DeleteOrganizationalUnitCommand({ OrganizationalUnitId: ouId }))).pipe(Effect.asVoid),
    createAccount: ({ name, email, tags }) =>
      call(clients.call(OrganizationsService, target, new CreateAccountCommand({ AccountName: name, Email: email, Tags: tagList(tags) }))).pipe(Effect.map((out) => statusFrom(out.CreateAccountStatus))),
    describeCreateAccountStatus: (requestId) =>
      call(clients.call(OrganizationsService, target, new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: requestId }))).pipe(Effect.map((out) => statusFrom(out.CreateAccountStatus))),
    listCreateAccountStatus: (state) =>
      collect(clients.paginate(OrganizationsService, target, (input: ListCreateAccountStatusCommandInput) => new ListCreateAccountStatusCommand(input), { States: [state] }, { inputToken: "NextToken", outputToken: "NextToken", items: "CreateAccountStatuses" })).pipe(
        Effect.map((statuses) => statuses.map(statusFrom))
      ),
    moveAccount: (accountId, from, to) => call(clients.call(OrganizationsService, target, new MoveAccountCommand({ AccountId: accountId, SourceParentId: from, DestinationParentId: to }))).pipe(Effect.asVoid),
    closeAccount: (accountId) => call(clients.call(OrganizationsService, target, new CloseAccountCommand({ AccountId: accountId }))).pipe(Effect.asVoid),
    tagResource: (resourceId, tags) => call(clients.call(OrganizationsService, target, new TagResourceCommand({ ResourceId: resourceId, Tags: tagList(tags) }))).pipe(Effect.asVoid),
    untagResource: (resourceId, keys) => call(clients.call(OrganizationsService, target, new UntagResourceCommand({ ResourceId: resourceId, TagKeys: [...keys] }))).pipe(Effect.asVoid),
    createPolicy: (name, description, content) =>
      call(clients.call(OrganizationsService, target, new CreatePolicyCommand({ Name: name, Description: description, Content: content, Type: SCP }))).pipe(
        Effect.map((out) => PolicyId.make(out.Policy?.PolicySummary?.Id ?? ""))
      ),
    updatePolicy: (policyId, description, content) => call(clients.call(OrganizationsService, target, new UpdatePolicyCommand({ PolicyId: policyId, Description: description, Content: content }))).pipe(Effect.asVoid),
    deletePolicy: (policyId) => call(clients.call(OrganizationsService, target, new DeletePolicyCommand({ PolicyId: policyId }))).pipe(Effect.asVoid),
    attachPolicy: (policyId, targetId) => call(clients.call(OrganizationsService, target, new AttachPolicyCommand({ PolicyId: policyId, TargetId: targetId }))).pipe(Effect.asVoid),
    detachPolicy: (policyId, targetId) => call(clients.call(OrganizationsService, target, new DetachPolicyCommand({ PolicyId: policyId, TargetId: targetId }))).pipe(Effect.asVoid),
    // Assuming the platform role into the account and asking STS who we are is the cheapest proof the role answers.
    probeAccountRole: (accountId) => call(clients.call(AwsClients.Sts, { account: accountId }, new GetCallerIdentityCommand({}))).pipe(Effect.asVoid)
  }
  return service
})

/** `Organizations` on the SDK; needs the aws-runtime layer. */
export const layer: Layer.Layer<Organizations, never, AwsClients.AwsClients> = Layer.effect(Organizations, make)
