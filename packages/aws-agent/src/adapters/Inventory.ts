/**
 * What every inventory adapter shares: where it reads (an account and a
 * region), how a discovered AWS object becomes a `Resource` (owner from the
 * roster, cost filled in later by the pricing catalog), and AWS's two tag
 * shapes turned into one record.
 */
import type { AwsError } from "@miyabi/aws-runtime"
import {
  type AccountId,
  Arn,
  MicroUsd,
  owningAgent,
  type Region,
  Resource,
  type ResourceDetails,
  ResourceId,
  type ResourceKind,
  type ResourceState,
  type ResourceTags
} from "@miyabi/types"
import { Chunk, Effect, Stream } from "effect"

/** Where an inventory reads. Discovery always knows the account (ARNs need it). */
export interface InventoryTarget {
  readonly account: AccountId
  readonly region: Region
}

/**
 * One service's inventory as discovery runs it. `scope: "global"` services
 * (S3's bucket list, CloudFront) are read once per account, not per region.
 */
export interface ServiceInventory {
  /** The SDK's service id, as coverage names it: "ec2", "s3"... */
  readonly service: string
  readonly scope: "regional" | "global"
  /**
   * Every resource of the service at `target`, as one array. An Effect, not
   * a Stream: discovery wants whole lists, and a Stream's machinery cost
   * several hundred Effect operations per unit on a CPU-bound client.
   */
  readonly discover: (target: InventoryTarget) => Effect.Effect<ReadonlyArray<Resource>, AwsError>
}

/** A Stream of resources read whole, for inventories that still build their list as a Stream. */
export const collected = <E>(resources: Stream.Stream<Resource, E>): Effect.Effect<ReadonlyArray<Resource>, E> =>
  Effect.map(Stream.runCollect(resources), (chunk) => Chunk.toReadonlyArray(chunk))

export interface ResourceInput {
  readonly id: string
  readonly arn: string
  readonly kind: ResourceKind
  readonly name?: string | undefined
  readonly account: AccountId
  readonly region: Region
  readonly state: ResourceState
  readonly tags: ResourceTags
  readonly dependencies?: ReadonlyArray<string>
  readonly details: ResourceDetails
}

/**
 * A discovered resource, priced at zero until the catalog prices it.
 * Built with validation off (the `true` of `make`), as are the per-kind
 * details in the adapters: the fields are typed by the compiler, and
 * re-checking every schema refinement of 10,000 resources (then again in the
 * WorldState) cost more CPU than the whole discovery's HTTP. Worlds read
 * back from JSON are decoded, and so validated, at that boundary.
 */
export const makeResource = (input: ResourceInput): Resource =>
  Resource.make({
    id: ResourceId.make(input.id),
    arn: Arn.make(input.arn),
    kind: input.kind,
    ...(input.name === undefined || input.name === "" ? {} : { name: input.name }),
    account: input.account,
    region: input.region,
    state: input.state,
    owner: owningAgent(input.kind),
    tags: input.tags,
    dependencies: (input.dependencies ?? []).map((d) => Arn.make(d)),
    details: input.details,
    monthlyCost: MicroUsd.make(0)
  }, true)

/** EC2/RDS/ELB style `[{Key, Value}]` tags; an absent list (an untagged resource) is no tags. */
export const tagsFromList = (tags: ReadonlyArray<{ readonly Key?: string | undefined; readonly Value?: string | undefined }> | undefined): ResourceTags =>
  Object.fromEntries((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? ""] as const])))

/** ECS style `[{key, value}]` tags. */
export const tagsFromLowerList = (tags: ReadonlyArray<{ readonly key?: string | undefined; readonly value?: string | undefined }> | undefined): ResourceTags =>
  Object.fromEntries((tags ?? []).flatMap((t) => (t.key === undefined ? [] : [[t.key, t.value ?? ""] as const])))

/** The `Name` tag, which the consoles show as the resource's name. */
export const nameTag = (tags: ResourceTags): string | undefined => tags["Name"]

export const nonNegativeInt = (n: number | undefined): number | undefined =>
  n === undefined || !Number.isFinite(n) ? undefined : Math.max(0, Math.round(n))
