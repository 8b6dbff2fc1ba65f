/**
 * S3 changes θ4 applies: a bucket's lifecycle configuration (put, or delete
 * to restore "none"), and the read of the bucket (lifecycle rules verbatim,
 * so an inverse restores them exactly, and tags, on which protection is
 * decided) before and after.
 */
import {
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketTaggingCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand
} from "@aws-sdk/client-s3"
import { type AwsError, AwsClients } from "@miyabi/aws-runtime"
import { Resource } from "@miyabi/types"
import { Config, Context, Effect, Layer, Option } from "effect"
import type { InventoryTarget } from "./Inventory.js"
import { bucketResource, s3Descriptor } from "./S3Inventory.js"

export interface S3ChangesShape {
  /** The bucket in the target's region, with its tags and lifecycle rule count; none when it does not exist. */
  readonly bucket: (target: InventoryTarget, name: string) => Effect.Effect<Option.Option<Resource>, AwsError>
  /** The lifecycle rules as S3 answers them (JSON), empty when the bucket has none. */
  readonly lifecycleRules: (target: InventoryTarget, name: string) => Effect.Effect<ReadonlyArray<LifecycleRule>, AwsError>
  /** `rules` are S3's own JSON rules (a plan keeps them opaque, so an inverse restores them verbatim). */
  readonly putLifecycle: (target: InventoryTarget, name: string, rules: ReadonlyArray<unknown>) => Effect.Effect<void, AwsError>
  readonly deleteLifecycle: (target: InventoryTarget, name: string) => Effect.Effect<void, AwsError>
}

export class S3Changes extends Context.Tag("@miyabi/aws-agent/S3Changes")<S3Changes, S3ChangesShape>() {}

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
        const rules = yield* lifecycleRules(target, name)
        const resource = bucketResource(target, { name, region: target.region, encryption: Option.none(), publicAccessBlock: Option.none(), lifecycleRules: rules.length })
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
        Effect.asVoid(aws.call(S3, target, new DeleteBucketLifecycleCommand({ Bucket: name }))).pipe(Effect.withSpan("S3Changes.deleteLifecycle"))
    }
  })

/** Path style when an endpoint override is set (the sandbox, LocalStack), as S3Inventory decides it. */
export const layerConfig: Layer.Layer<S3Changes, never, AwsClients.AwsClients> = Layer.effect(
  S3Changes,
  Effect.gen(function* () {
    const overridden = yield* Config.option(Config.string("AWS_ENDPOINT_URL_S3")).pipe(
      Effect.zipWith(Config.option(Config.string("AWS_ENDPOINT_URL")), (a, b) => Option.isSome(a) || Option.isSome(b)),
      Effect.orElseSucceed(() => false)
    )
    const pathStyle = yield* Config.boolean("MIYABI_S3_FORCE_PATH_STYLE").pipe(Config.withDefault(overridden), Effect.orElseSucceed(() => overridden))
    return yield* make(pathStyle)
  })
)
