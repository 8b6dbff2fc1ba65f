/** The organization's member accounts, for discovery across all of them. */
import { type Account, ListAccountsCommand, type ListAccountsCommandInput, OrganizationsClient } from "@aws-sdk/client-organizations"
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
}

export class OrganizationsDirectory extends Context.Tag("@miyabi/aws-agent/OrganizationsDirectory")<OrganizationsDirectory, OrganizationsDirectoryShape>() {}

export const orgAccount = (a: Account): OrgAccount => ({ id: AccountId.make(a.Id ?? ""), name: a.Name ?? "", status: a.State ?? a.Status ?? "UNKNOWN" })

export const make: Effect.Effect<OrganizationsDirectoryShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => ({
  activeAccounts: aws
    .paginate(Organizations, {}, (input: ListAccountsCommandInput) => new ListAccountsCommand(input), {}, { inputToken: "NextToken", outputToken: "NextToken", items: "Accounts" })
    .pipe(
      Stream.map(orgAccount),
      Stream.filter((a) => a.status === "ACTIVE"),
      Stream.runCollect,
      Effect.map(Chunk.toReadonlyArray),
      Effect.withSpan("OrganizationsDirectory.activeAccounts")
    )
}))

export const layer: Layer.Layer<OrganizationsDirectory, never, AwsClients.AwsClients> = Layer.effect(OrganizationsDirectory, make)
