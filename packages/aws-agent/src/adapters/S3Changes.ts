/**
 * S3 changes θ4 applies: a bucket's lifecycle configuration (put, or delete
 * to restore "none"), its public access block (put, or delete to restore
 * "none") and its default encryption (put; "none" deletes the configuration,
 * which S3 answers by falling back to SSE-S3), and the read of the bucket
 * (lifecycle rules verbatim, so an inverse restores them exactly, encryption,
 * public access block, and tags, on which protection is decided) before and
 * after.
 */
import {
  DeleteBucketEncryptionCommand,
  DeleteBucketLifecycleCommand,
  DeletePublicAccessBlockCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  type LifecycleRule,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutPublicAccessBlockCommand
} from "@aws-sdk/client-s3"
import { type AwsError, AwsClients } from "@miyabi/aws-runtime"
import { PublicAccessBlock, Resource } from "@miyabi/types"
import { Context, Effect, Layer, Option } from "effect"
import type { InventoryTarget } from "./Inventory.js"
import { bucketResource, forcePathStyleConfig, s3Descriptor } from "./S3Inventory.js"

export interface S3ChangesShape {
  /** The bucket in the target's region, with its tags and lifecycle rule count; none when it does not exist. */
  readonly bucket: (target: InventoryTarget, name: string) => Effect.Effect<Option.Option<Resource>, AwsError>
  /** The lifecycle rules as S3 answers them (JSON), empty when the bucket has none. */
  readonly lifecycleRules: (target: InventoryTarget, name: string) => Effect.Effect<ReadonlyArray<LifecycleRule>, AwsError>
  /** `rules` are S3's own JSON rules (a plan keeps them opaque, so an inverse restores them verbatim). */
  readonly putLifecycle: (target: InventoryTarget, name: string, rules: ReadonlyArray<unknown>) => Effect.Effect<void, AwsError>
  readonly deleteLifecycle: (target: InventoryTarget, name: string) => Effect.Effect<void, AwsError>
  readonly putPublicAccessBlock: (target: InventoryTarget, name: string, configuration: PublicAccessBlock) => Effect.Effect<void, AwsError>
  readonly deletePublicAccessBlock: (target: InventoryTarget, name: string) => Effect.Effect<void, AwsError>
  /** "none" deletes the default encryption configuration (S3 then applies SSE-S3, as it does to every bucket since 2023). */
  readonly setEncryption: (target: InventoryTarget, name: string, algorithm: "AES256" | "aws:kms" | "none") => Effect.Effect<void, AwsError>
}

export class S3Changes extends Context.Tag("@miyabi/aws-agent/S3Changes")<S3Changes, S3ChangesShape>() {}

const blockOf = (c: { readonly BlockPublicAcls?: boolean | undefined; readonly IgnorePublicAcls?: boolean | undefined; readonly BlockPublicPolicy?: boolean | undefined; readonly RestrictPublicBuckets?: boolean | undefined }) =>
  PublicAccessBlock.make({
    blockPublicAcls: c.BlockPublicAcls ?? false,
    ignorePublicAcls: c.IgnorePublicAcls ?? false,
    blockPublicPolicy: c.BlockPublicPolicy ?? false,
    restrictPublicBuckets: c.RestrictPublicBuckets ?? false
  })

const orAbsent = <A>(effect: Effect.Effect<A, AwsError>): Effect.Effect<Option.Option<A>, AwsError> =>
  Effect.catchIf(Effect.map(effect, Option.some), (e) => e.reason === "NotFound", () => Effect.succeed(Option.none()))

export const make = (forcePathStyle: boolean): Effect.Effect<S3ChangesShape, never, AwsClients.AwsClients> =>
  Effect.map(AwsClients.AwsClients, (aws) => {
    const S3 = s3Descriptor(forcePathStyle)
    const lifecycleRules: S3ChangesShape["lifecycleRules"] = (target, name) =>
      Effect.map(orAbsent(aws.call(S3, target, new GetBucketLifecycleConfigurationCommand({ Bucket: name }))), (l) =>
        Option.match(l, { onNone: () => [], onSome: (x) => x.Rules ?? [] })
      ).pipe(Effect.withSpan("S3Changes.lifecycleRules"))
    const bucket: S3ChangesShape["bucket"] = (target, name) =>
      Effect.gen(function* () {
        // NoSuchBucket (NotFound) on the first read: the bucket is gone.
        const tagging = yield* orAbsent(aws.call(S3, target, new GetBucketTaggingCommand({ Bucket: name }))).pipe(
          Effect.catchIf((e) => e.code === "NoSuchBucket", () => Effect.succeed(undefined))
        )
        if (tagging === undefined) return Option.none()
        const [rules, encryption, block] = yield* Effect.all(
          [
            lifecycleRules(target, name),
            orAbsent(aws.call(S3, target, new GetBucketEncryptionCommand({ Bucket: name }))),
            orAbsent(aws.call(S3, target, new GetPublicAccessBlockCommand({ Bucket: name })))
          ],
          { concurrency: 3 }
        )
        const resource = bucketResource(target, {
          name,
          region: target.region,
          encryption: Option.flatMap(encryption, (e) => Option.fromNullable(e.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm)),
          publicAccessBlock: Option.flatMap(block, (b) => Option.map(Option.fromNullable(b.PublicAccessBlockConfiguration), blockOf)),
          lifecycleRules: rules.length
        })
        const tags = Option.match(tagging, { onNone: () => ({}), onSome: (t) => Object.fromEntries((t.TagSet ?? []).flatMap((x) => (x.Key === undefined ? [] : [[x.Key, x.Value ?? ""]]))) })
        return Option.some(Resource.make({ ...resource, tags }, true))
      }).pipe(Effect.withSpan("S3Changes.bucket"))
    return {
      bucket,
      lifecycleRules,
      putLifecycle: (target, name, rules) =>
        Effect.asVoid(aws.call(S3, target, new PutBucketLifecycleConfigurationCommand({ Bucket: name, LifecycleConfiguration: { Rules: rules as Array<LifecycleRule> } }))).pipe(
          Effect.withSpan("S3Changes.putLifecycle")
        ),
      deleteLifecycle: (target, name) =>
        Effect.asVoid(aws.call(S3, target, new DeleteBucketLifecycleCommand({ Bucket: name }))).pipe(Effect.withSpan("S3Changes.deleteLifecycle")),
      putPublicAccessBlock: (target, name, c) =>
        Effect.asVoid(
          aws.call(
            S3,
            target,
            new PutPublicAccessBlockCommand({
              Bucket: name,
              PublicAccessBlockConfiguration: { BlockPublicAcls: c.blockPublicAcls, IgnorePublicAcls: c.ignorePublicAcls, BlockPublicPolicy: c.blockPublicPolicy, RestrictPublicBuckets: c.restrictPublicBuckets }
            })
          )
        ).pipe(Effect.withSpan("S3Changes.putPublicAccessBlock")),
      deletePublicAccessBlock: (target, name) =>
        Effect.asVoid(aws.call(S3, target, new DeletePublicAccessBlockCommand({ Bucket: name }))).pipe(Effect.withSpan("S3Changes.deletePublicAccessBlock")),
      setEncryption: (target, name, algorithm) =>
        Effect.asVoid(
          algorithm === "none"
            ? aws.call(S3, target, new DeleteBucketEncryptionCommand({ Bucket: name }))
            : aws.call(S3, target, new PutBucketEncryptionCommand({ Bucket: name, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: algorithm } }] } }))
        ).pipe(Effect.withSpan("S3Changes.setEncryption"))
    }
  })

/** Path style when an endpoint override is set (the sandbox, LocalStack), as S3Inventory decides it. */
export const layerConfig: Layer.Layer<S3Changes, never, AwsClients.AwsClients> = Layer.effect(S3Changes, Effect.flatMap(forcePathStyleConfig, make))
