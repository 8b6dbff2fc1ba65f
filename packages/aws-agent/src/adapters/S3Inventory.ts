/**
 * S3 buckets with what findings need: region, default encryption, public
 * access block, lifecycle rules. ListBuckets is global (one call per
 * account); the per-bucket reads go to the bucket's own region.
 */
import {
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketLocationCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  type ListBucketsCommandInput,
  S3Client
} from "@aws-sdk/client-s3"
import { type AwsError, AwsClients, ServiceDescriptor } from "@miyabi/aws-runtime"
import { PublicAccessBlock, Region, type Resource, S3BucketDetails } from "@miyabi/types"
import { Config, Context, Effect, Layer, Option } from "effect"
import { type InventoryTarget, makeResource, type ServiceInventory } from "./Inventory.js"

/**
 * Path-style addressing for local endpoints (the sandbox, LocalStack), which
 * cannot resolve bucket subdomains; virtual-hosted style against AWS.
 * `followRegionRedirects` lets a client of one region read a bucket of another.
 */
export const s3Descriptor = (forcePathStyle: boolean) =>
  ServiceDescriptor.make("s3", (config) => new S3Client({ ...config, forcePathStyle, followRegionRedirects: true }))

export interface S3InventoryShape {
  readonly buckets: (target: InventoryTarget) => Effect.Effect<ReadonlyArray<Resource>, AwsError>
  readonly inventory: ServiceInventory
}

export class S3Inventory extends Context.Tag("@miyabi/aws-agent/S3Inventory")<S3Inventory, S3InventoryShape>() {}

/** A missing configuration is an answer ("none"), not a failure. */
const orAbsent = <A>(effect: Effect.Effect<A, AwsError>): Effect.Effect<Option.Option<A>, AwsError> =>
  effect.pipe(
    Effect.map(Option.some),
    Effect.catchIf(
      (e) => e.reason === "NotFound",
      () => Effect.succeed(Option.none())
    )
  )

/** GetBucketLocation answers "" for us-east-1 and "EU" for the oldest eu-west-1 buckets. */
export const locationRegion = (constraint: string | undefined): string =>
  constraint === undefined || constraint === "" ? "us-east-1" : constraint === "EU" ? "eu-west-1" : constraint

export interface BucketFacts {
  readonly name: string
  readonly region: string
  readonly encryption: Option.Option<string>
  readonly publicAccessBlock: Option.Option<PublicAccessBlock>
  readonly lifecycleRules: number
}

export const bucketResource = (target: InventoryTarget, facts: BucketFacts): Resource =>
  makeResource({
    id: facts.name,
    arn: `arn:aws:s3:::${facts.name}`,
    kind: "s3-bucket",
    name: facts.name,
    account: target.account,
    region: Region.make(facts.region),
    state: "running",
    tags: {},
    details: S3BucketDetails.make({
      encryption: Option.getOrElse(facts.encryption, () => "none"),
      ...Option.match(facts.publicAccessBlock, { onNone: () => ({}), onSome: (publicAccessBlock) => ({ publicAccessBlock }) }),
      // Bucket policies and ACLs are not read yet: only the public access block decides "public".
      publicByPolicy: false,
      lifecycleRules: facts.lifecycleRules,
      // Versioning is not read yet.
      versioning: "Disabled"
    }, true)
  })

export const make = (forcePathStyle: boolean): Effect.Effect<S3InventoryShape, never, AwsClients.AwsClients> =>
  Effect.gen(function* () {
    const aws = yield* AwsClients.AwsClients
    const S3 = s3Descriptor(forcePathStyle)
    const describe = (target: InventoryTarget, name: string, listedRegion: string | undefined) =>
      Effect.gen(function* () {
        const region =
          listedRegion ?? locationRegion((yield* aws.call(S3, target, new GetBucketLocationCommand({ Bucket: name }))).LocationConstraint)
        const at = { account: target.account, region: Region.make(region) }
        const [encryption, block, lifecycle] = yield* Effect.all(
          [
            orAbsent(aws.call(S3, at, new GetBucketEncryptionCommand({ Bucket: name }))),
            orAbsent(aws.call(S3, at, new GetPublicAccessBlockCommand({ Bucket: name }))),
            orAbsent(aws.call(S3, at, new GetBucketLifecycleConfigurationCommand({ Bucket: name })))
          ]
          // One after the other: the buckets are read side by side instead (below), which keeps as many calls in
          // flight with a third of the fibers.
        )
        return bucketResource(target, {
          name,
          region,
          encryption: Option.flatMap(encryption, (e) =>
            Option.fromNullable(e.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm)
          ),
          publicAccessBlock: Option.flatMap(block, (b) =>
            Option.fromNullable(b.PublicAccessBlockConfiguration).pipe(
              Option.map((c) =>
                PublicAccessBlock.make({
                  blockPublicAcls: c.BlockPublicAcls === true,
                  ignorePublicAcls: c.IgnorePublicAcls === true,
                  blockPublicPolicy: c.BlockPublicPolicy === true,
                  restrictPublicBuckets: c.RestrictPublicBuckets === true
                }, true)
              )
            )
          ),
          lifecycleRules: Option.match(lifecycle, { onNone: () => 0, onSome: (l) => (l.Rules ?? []).length })
        })
      })
    // The list first, then each bucket's three reads, 24 buckets at a time (24 calls in flight, as 8 buckets with
    // three concurrent reads each were): Effect.forEach, not Stream.mapEffect, whose per-element fibers and queues
    // cost about ten times the Effect operations.
    const buckets = (target: InventoryTarget) =>
      aws
        .paginateAll(S3, target, (input: ListBucketsCommandInput) => new ListBucketsCommand(input), { MaxBuckets: 1000 }, { inputToken: "ContinuationToken", outputToken: "ContinuationToken", items: "Buckets" })
        .pipe(Effect.flatMap((listed) => Effect.forEach(listed, (b) => describe(target, b.Name ?? "", b.BucketRegion), { concurrency: 24 })))
    return { buckets, inventory: { service: "s3", scope: "global", discover: buckets } }
  })

/** Path style when an endpoint override is set (AWS_ENDPOINT_URL[_S3]) unless MIYABI_S3_FORCE_PATH_STYLE says otherwise. */
export const forcePathStyleConfig: Effect.Effect<boolean> = Effect.gen(function* () {
  const overridden = yield* Config.option(Config.string("AWS_ENDPOINT_URL_S3")).pipe(
    Effect.zipWith(Config.option(Config.string("AWS_ENDPOINT_URL")), (a, b) => Option.isSome(a) || Option.isSome(b)),
    Effect.orElseSucceed(() => false)
  )
  return yield* Config.boolean("MIYABI_S3_FORCE_PATH_STYLE").pipe(Config.withDefault(overridden), Effect.orElseSucceed(() => overridden))
})

export const layerConfig: Layer.Layer<S3Inventory, never, AwsClients.AwsClients> = Layer.effect(S3Inventory, Effect.flatMap(forcePathStyleConfig, make))

export const layer = (options: { readonly forcePathStyle: boolean }): Layer.Layer<S3Inventory, never, AwsClients.AwsClients> =>
  Layer.effect(S3Inventory, make(options.forcePathStyle))
