/**
 * The organization's member accounts, for discovery across all of them, and
 * the accounts under an OU (θ4 never touches production OUs' accounts
 * without an override).
 */
import {
  type Account,
  ListAccountsCommand,
  type ListAccountsCommandInput,
  ListAccountsForParentCommand,
  type ListAccountsForParentCommandInput,
  ListOrganizationalUnitsForParentCommand,
  type ListOrganizationalUnitsForParentCommandInput,
  OrganizationsClient
} from "@aws-sdk/client-organizations"
import { type AwsError, AwsClients, ServiceDescriptor } from "@miyabi/aws-runtime"
import { AccountId } from "@miyabi/types"
import { Chunk, Context, Effect, Layer, Stream } from "effect"

export const Organizations = ServiceDescriptor.make("organizations", (config) => new OrganizationsClient(config))

export interface OrgAccount {
  readonly id: AccountId
  readonly name: string
  readonly status: string
}

export interface OrganizationsDirectoryShape {
  /** ACTIVE accounts only: suspended and pending-closure accounts cannot be read. */
  readonly activeAccounts: Effect.Effect<ReadonlyArray<OrgAccount>, AwsError>
  /** Every account under the OU (or root), in its child OUs too, whatever its status. */
  readonly accountsUnder: (parentId: string) => Effect.Effect<ReadonlyArray<OrgAccount>, AwsError>
}

export class OrganizationsDirectory extends Context.Tag("@miyabi/aws-agent/OrganizationsDirectory")<OrganizationsDirectory, OrganizationsDirectoryShape>() {}

export const orgAccount = (a: Account): OrgAccount => ({ id: AccountId.make(a.Id ?? ""), name: a.Name ?? "", status: a.State ?? a.Status ?? "UNKNOWN" })

const PAGED = { inputToken: "NextToken", outputToken: "NextToken" } as const

export const make: Effect.Effect<OrganizationsDirectoryShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => {
  const collect = <A>(stream: Stream.Stream<A, AwsError>) => Effect.map(Stream.runCollect(stream), Chunk.toReadonlyArray)
  const accountsUnder = (parentId: string): Effect.Effect<ReadonlyArray<OrgAccount>, AwsError> =>
    Effect.gen(function* () {
      const own = yield* collect(
        aws.paginate(Organizations, {}, (input: ListAccountsForParentCommandInput) => new ListAccountsForParentCommand(input), { ParentId: parentId }, { ...PAGED, items: "Accounts" })
      )
      const children = yield* collect(
        aws.paginate(
          Organizations,
          {},
          (input: ListOrganizationalUnitsForParentCommandInput) => new ListOrganizationalUnitsForParentCommand(input),
          { ParentId: parentId },
          { ...PAGED, items: "OrganizationalUnits" }
        )
      )
      const nested = yield* Effect.forEach(children, (ou) => accountsUnder(ou.Id ?? ""))
      return [...own.map(orgAccount), ...nested.flat()]
    })
  return {
    activeAccounts: collect(
      aws
        .paginate(Organizations, {}, (input: ListAccountsCommandInput) => new ListAccountsCommand(input), {}, { ...PAGED, items: "Accounts" })
        .pipe(Stream.map(orgAccount), Stream.filter((a) => a.status === "ACTIVE"))
    ).pipe(Effect.withSpan("OrganizationsDirectory.activeAccounts")),
    accountsUnder: (parentId) => accountsUnder(parentId).pipe(Effect.withSpan("OrganizationsDirectory.accountsUnder", { attributes: { parentId } }))
  }
})

export const layer: Layer.Layer<OrganizationsDirectory, never, AwsClients.AwsClients> = Layer.effect(OrganizationsDirectory, make)
