/**
 * The accounts and regions a discovery walks. Given accounts are taken as
 * they are; given regions are checked once against every Region EC2's
 * DescribeRegions lists (`AllRegions`) in the caller's account, so a typo is
 * refused at once instead of costing a failed unit per account and service
 * (against AWS, an unknown region's endpoint does not even resolve). A Region
 * AWS lists but the account has not opted in to is kept: its units report
 * the opt-in in the coverage, as for any other denied unit. When the list
 * cannot be read, the regions are taken as given, with a warning.
 */
import { type AwsError, AwsClients } from "@miyabi/aws-runtime"
import { AccountId, Region } from "@miyabi/types"
import { Effect, Schema } from "effect"
import { Ec2Inventory } from "../adapters/Ec2Inventory.js"
import { OrganizationsDirectory } from "../adapters/OrganizationsDirectory.js"

export class DiscoveryScopeError extends Schema.TaggedError<DiscoveryScopeError>("DiscoveryScopeError")("DiscoveryScopeError", {
  reason: Schema.Literal("UnknownRegion"),
  /** The names asked for that AWS does not list. */
  regions: Schema.Array(Schema.String),
  /** Every Region AWS lists for the caller's account. */
  known: Schema.Array(Schema.String)
}) {
  override get message(): string {
    const s = this.regions.length === 1 ? "" : "s"
    return `unknown region${s} ${this.regions.join(", ")}: not among the ${this.known.length} regions EC2 DescribeRegions lists (${this.known.join(", ")})`
  }
}

export interface DiscoveryScope {
  readonly accounts: ReadonlyArray<AccountId>
  readonly regions: ReadonlyArray<Region>
}

const checkRegions = (asked: ReadonlyArray<string>, self: AccountId): Effect.Effect<ReadonlyArray<Region>, DiscoveryScopeError, Ec2Inventory> =>
  Effect.gen(function* () {
    const listed = yield* (yield* Ec2Inventory).regionNames({ account: self }).pipe(
      Effect.catchAll((error: AwsError) => Effect.as(Effect.logWarning(`cannot list AWS's regions (${error.reason}); taking ${asked.join(",")} as given`), undefined))
    )
    const unknown = listed === undefined ? [] : asked.filter((r) => !listed.includes(Region.make(r)))
    if (listed !== undefined && unknown.length > 0) return yield* new DiscoveryScopeError({ reason: "UnknownRegion", regions: unknown, known: [...listed].sort() })
    return asked.map((r) => Region.make(r))
  })

export const discoveryScope = (options: {
  readonly accounts?: ReadonlyArray<string> | undefined
  readonly regions?: ReadonlyArray<string> | undefined
}): Effect.Effect<DiscoveryScope, AwsError | DiscoveryScopeError, AwsClients.AwsClients | OrganizationsDirectory | Ec2Inventory> =>
  Effect.gen(function* () {
    const aws = yield* AwsClients.AwsClients
    const me = yield* aws.callerIdentity
    const self = AccountId.make(me.account)
    const accounts =
      options.accounts !== undefined
        ? options.accounts.map((a) => AccountId.make(a))
        : yield* (yield* OrganizationsDirectory).activeAccounts.pipe(
            Effect.map((as) => (as.length === 0 ? [self] : as.map((a) => a.id))),
            // Not in an organization, or not allowed to list it: this account alone.
            Effect.catchAll((error) => Effect.as(Effect.logWarning(`cannot list the organization's accounts (${error.reason}); discovering ${self} only`), [self]))
          )
    const regions =
      options.regions !== undefined
        ? yield* checkRegions(options.regions, self)
        : yield* (yield* Ec2Inventory).enabledRegions({ account: self }).pipe(
            Effect.catchAll((error) =>
              Effect.as(Effect.logWarning(`cannot list enabled regions (${error.reason}); using ${aws.defaultRegion}`), [Region.make(aws.defaultRegion)])
            )
          )
    return { accounts, regions }
  })
