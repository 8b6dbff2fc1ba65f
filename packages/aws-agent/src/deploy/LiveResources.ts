/**
 * The deployer's view of AWS: read one resource as it is now, and apply one
 * change action to it, through the change adapters. A test can provide its
 * own; the default runs over EC2, RDS, Lambda, S3 and ECS.
 */
import { type AwsError, type AwsClients } from "@miyabi/aws-runtime"
import type { ChangeAction, Resource, ResourceKind, ResourceRef } from "@miyabi/types"
import { Context, Effect, Layer, Match, Option } from "effect"
import * as Ec2Changes from "../adapters/Ec2Changes.js"
import * as EcsChanges from "../adapters/EcsChanges.js"
import type { InventoryTarget } from "../adapters/Inventory.js"
import * as LambdaChanges from "../adapters/LambdaChanges.js"
import * as RdsChanges from "../adapters/RdsChanges.js"
import * as S3Changes from "../adapters/S3Changes.js"
import { inverseOf } from "./Actions.js"
import { DeployError } from "./DeployError.js"

/** Polling of transitions inside one action (the stop of a resize). */
export type WaitPolicy = Ec2Changes.WaitPolicy

export type ApplyError = AwsError | Ec2Changes.Ec2ChangeTimeout | DeployError

export interface LiveResourcesShape {
  readonly observe: (ref: ResourceRef) => Effect.Effect<Option.Option<Resource>, AwsError>
  /** The action that restores `before`: from the before-state, or read live where the state does not hold it (lifecycle rules). */
  readonly inverse: (ref: ResourceRef, action: ChangeAction, before: Resource) => Effect.Effect<Option.Option<ChangeAction>, AwsError>
  /** Applies `action`; for a volume deletion, `snapshotTaken` is told the snapshot id before the volume is deleted. */
  readonly apply: (
    ref: ResourceRef,
    action: ChangeAction,
    options: {
      readonly wait: WaitPolicy
      /** The resource as recorded before the change: a resize ends running only if it was running. */
      readonly before: Resource
      readonly snapshotTaken: (snapshotId: string) => Effect.Effect<void, never>
    }
  ) => Effect.Effect<void, ApplyError>
}

export class LiveResources extends Context.Tag("@miyabi/aws-agent/LiveResources")<LiveResources, LiveResourcesShape>() {}

/** The resource as the change adapters name it: an ECS service by its ARN (its name is unique only within a cluster), the rest by id. */
const addressOf = (ref: ResourceRef): string => (ref.kind === "ecs-service" ? ref.arn : ref.id)

const targetOf = (ref: ResourceRef): InventoryTarget => ({ account: ref.account, region: ref.region })

/** A resize ends with the instance running only if it was running (or on its way) before. */
const wasRunning = (before: Resource): boolean =>
  before.details._tag === "ec2-instance" && before.details.awsState !== "stopped" && before.details.awsState !== "stopping"

export const make = Effect.gen(function* () {
  const ec2 = yield* Ec2Changes.Ec2Changes
  const rds = yield* RdsChanges.RdsChanges
  const lambda = yield* LambdaChanges.LambdaChanges
  const s3 = yield* S3Changes.S3Changes
  const ecs = yield* EcsChanges.EcsChanges
  // The kinds the deployer changes, each read by one adapter; other kinds read as absent.
  const readers: { readonly [K in ResourceKind]?: (target: InventoryTarget, address: string) => Effect.Effect<Option.Option<Resource>, AwsError> } = {
    "ec2-instance": ec2.instance,
    "ebs-volume": ec2.volume,
    "elastic-ip": ec2.address,
    "security-group": ec2.securityGroup,
    "rds-instance": rds.dbInstance,
    "lambda-function": lambda.function,
    "s3-bucket": s3.bucket,
    "ecs-service": ecs.service
  }
  const observe: LiveResourcesShape["observe"] = (ref) => {
    const read = readers[ref.kind]
    return read === undefined ? Effect.succeed(Option.none()) : read(targetOf(ref), addressOf(ref))
  }
  const apply: LiveResourcesShape["apply"] = (ref, action, options) => {
    const target = targetOf(ref)
    const at = ref.id
    return Match.valueTags(action, {
      ResizeInstance: (a) => ec2.resize(target, at, a.toType, options.wait, { startAfter: wasRunning(options.before) }),
      StopInstance: () => ec2.stop(target, at),
      StartInstance: () => ec2.start(target, at),
      ModifyVolume: (a) => ec2.modifyVolume(target, at, { volumeType: a.toType, iops: a.iops, throughputMiBps: a.throughputMiBps }),
      SnapshotAndDeleteVolume: (a) =>
        Effect.gen(function* () {
          const snapshotId = yield* ec2.snapshot(target, at, a.snapshotDescription)
          yield* options.snapshotTaken(snapshotId)
          yield* ec2.deleteVolume(target, at)
        }),
      RestoreVolumeFromSnapshot: (a) => Effect.asVoid(ec2.restoreVolume(target, a.snapshotId, a.volumeType)),
      ReleaseAddress: () => ec2.releaseAddress(target, at),
      AllocateAddress: (a) => Effect.asVoid(ec2.recoverAddress(target, a.publicIp)),
      SetLambdaMemory: (a) => lambda.setMemory(target, at, a.toMiB),
      ResizeDbInstance: (a) => rds.modifyClass(target, at, a.toClass),
      SetDbPubliclyAccessible: (a) => rds.setPubliclyAccessible(target, at, a.publiclyAccessible),
      PutBucketLifecycle: (a) => s3.putLifecycle(target, at, a.rules),
      DeleteBucketLifecycle: () => s3.deleteLifecycle(target, at),
      PutPublicAccessBlock: (a) => s3.putPublicAccessBlock(target, at, a.configuration),
      DeletePublicAccessBlock: () => s3.deletePublicAccessBlock(target, at),
      SetBucketEncryption: (a) => s3.setEncryption(target, at, a.algorithm),
      RevokeIngress: (a) => ec2.revokeIngress(target, at, a.rule),
      AuthorizeIngress: (a) => ec2.authorizeIngress(target, at, a.rule),
      ResizeEcsTask: (a) => {
        // Back to the recorded size: the revision the service ran before still exists, use it rather than register a twin.
        const b = options.before.details
        return b._tag === "ecs-service" && b.cpuUnits === a.toCpuUnits && b.memoryMiB === a.toMemoryMiB
          ? ecs.useTaskDefinition(target, ref.arn, b.taskDefinitionArn)
          : Effect.asVoid(ecs.resizeTask(target, ref.arn, { cpuUnits: a.toCpuUnits, memoryMiB: a.toMemoryMiB }))
      },
      PurchaseCommitment: (a) => Effect.fail(new DeployError({ reason: "UnsupportedAction", message: `${a._tag} is not executed by the deployer` }))
    })
  }
  const inverse: LiveResourcesShape["inverse"] = (ref, action, before) =>
    action._tag === "PutBucketLifecycle"
      ? Effect.map(s3.lifecycleRules(targetOf(ref), ref.id), (rules) =>
          Option.some<ChangeAction>(rules.length === 0 ? { _tag: "DeleteBucketLifecycle" } : { _tag: "PutBucketLifecycle", rules })
        )
      : Effect.succeed(inverseOf(action, before))
  return { observe, inverse, apply } satisfies LiveResourcesShape
})

type Adapters = Ec2Changes.Ec2Changes | RdsChanges.RdsChanges | LambdaChanges.LambdaChanges | S3Changes.S3Changes | EcsChanges.EcsChanges

/** The change adapters `make` runs over; S3 path style from the environment (an endpoint override means path style). */
export const adapters: Layer.Layer<Adapters, never, AwsClients.AwsClients> = Layer.mergeAll(Ec2Changes.layer, RdsChanges.layer, LambdaChanges.layer, S3Changes.layerConfig, EcsChanges.layer)

/** The change adapters with S3's addressing given (tests set the sandbox's endpoint after layers are built). */
export const adaptersWith = (options: { readonly s3ForcePathStyle: boolean }): Layer.Layer<Adapters, never, AwsClients.AwsClients> =>
  Layer.mergeAll(Ec2Changes.layer, RdsChanges.layer, LambdaChanges.layer, Layer.effect(S3Changes.S3Changes, S3Changes.make(options.s3ForcePathStyle)), EcsChanges.layer)

/** Over the change adapters, which run over AwsClients. */
export const layer: Layer.Layer<LiveResources, never, AwsClients.AwsClients> = Layer.effect(LiveResources, make).pipe(Layer.provide(adapters))

export const layerWith = (options: { readonly s3ForcePathStyle: boolean }): Layer.Layer<LiveResources, never, AwsClients.AwsClients> =>
  Layer.effect(LiveResources, make).pipe(Layer.provide(adaptersWith(options)))
