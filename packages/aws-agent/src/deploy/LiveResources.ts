/**
 * The deployer's view of AWS: read one resource as it is now, and apply one
 * change action to it, through the change adapters. A test can provide its
 * own; the default runs over EC2, RDS, Lambda, S3 and ECS.
 */
import { type AwsError, type AwsClients } from "@miyabi/aws-runtime"
import type { ChangeAction, Resource, ResourceRef } from "@miyabi/types"
import { Context, Effect, Layer, Option } from "effect"
import * as Ec2Changes from "../adapters/Ec2Changes.js"
import * as EcsChanges from "../adapters/EcsChanges.js"
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

export const make = Effect.gen(function* () {
  const ec2 = yield* Ec2Changes.Ec2Changes
  const rds = yield* RdsChanges.RdsChanges
  const lambda = yield* LambdaChanges.LambdaChanges
  const s3 = yield* S3Changes.S3Changes
  const ecs = yield* EcsChanges.EcsChanges
  const observe: LiveResourcesShape["observe"] = (ref) => {
    const target = { account: ref.account, region: ref.region }
    switch (ref.kind) {
      case "ec2-instance":
        return ec2.instance(target, ref.id)
      case "ebs-volume":
        return ec2.volume(target, ref.id)
      case "elastic-ip":
        return ec2.address(target, ref.id)
      case "rds-instance":
        return rds.dbInstance(target, ref.id)
      case "lambda-function":
        return lambda.function(target, ref.id)
      case "s3-bucket":
        return s3.bucket(target, ref.id)
      case "security-group":
        return ec2.securityGroup(target, ref.id)
      case "ecs-service":
        return ecs.service(target, ref.arn)
      default:
        return Effect.succeed(Option.none())
    }
  }
  const apply: LiveResourcesShape["apply"] = (ref, action, options) => {
    const target = { account: ref.account, region: ref.region }
    switch (action._tag) {
      case "ResizeInstance":
        return ec2.resize(target, ref.id, action.toType, options.wait, {
          startAfter: options.before.details._tag === "ec2-instance" && options.before.details.awsState !== "stopped" && options.before.details.awsState !== "stopping"
        })
      case "StopInstance":
        return ec2.stop(target, ref.id)
      case "StartInstance":
        return ec2.start(target, ref.id)
      case "ModifyVolume":
        return ec2.modifyVolume(target, ref.id, { volumeType: action.toType, iops: action.iops, throughputMiBps: action.throughputMiBps })
      case "SnapshotAndDeleteVolume":
        return Effect.gen(function* () {
          const snapshotId = yield* ec2.snapshot(target, ref.id, action.snapshotDescription)
          yield* options.snapshotTaken(snapshotId)
          yield* ec2.deleteVolume(target, ref.id)
        })
      case "RestoreVolumeFromSnapshot":
        return Effect.asVoid(ec2.restoreVolume(target, action.snapshotId, action.volumeType))
      case "ReleaseAddress":
        return ec2.releaseAddress(target, ref.id)
      case "AllocateAddress":
        return Effect.asVoid(ec2.recoverAddress(target, action.publicIp))
      case "SetLambdaMemory":
        return lambda.setMemory(target, ref.id, action.toMiB)
      case "ResizeDbInstance":
        return rds.modifyClass(target, ref.id, action.toClass)
      case "PutBucketLifecycle":
        return s3.putLifecycle(target, ref.id, action.rules)
      case "DeleteBucketLifecycle":
        return s3.deleteLifecycle(target, ref.id)
      case "PutPublicAccessBlock":
        return s3.putPublicAccessBlock(target, ref.id, action.configuration)
      case "DeletePublicAccessBlock":
        return s3.deletePublicAccessBlock(target, ref.id)
      case "SetBucketEncryption":
        return s3.setEncryption(target, ref.id, action.algorithm)
      case "SetDbPubliclyAccessible":
        return rds.setPubliclyAccessible(target, ref.id, action.publiclyAccessible)
      case "RevokeIngress":
        return ec2.revokeIngress(target, ref.id, action.rule)
      case "AuthorizeIngress":
        return ec2.authorizeIngress(target, ref.id, action.rule)
      case "ResizeEcsTask": {
        // Back to the recorded size: the revision the service ran before still exists, use it rather than register a twin.
        const b = options.before.details
        return b._tag === "ecs-service" && b.cpuUnits === action.toCpuUnits && b.memoryMiB === action.toMemoryMiB
          ? ecs.useTaskDefinition(target, ref.arn, b.taskDefinitionArn)
          : Effect.asVoid(ecs.resizeTask(target, ref.arn, { cpuUnits: action.toCpuUnits, memoryMiB: action.toMemoryMiB }))
      }
      default:
        return Effect.fail(new DeployError({ reason: "UnsupportedAction", message: `${action._tag} is not executed by the deployer` }))
    }
  }
  const inverse: LiveResourcesShape["inverse"] = (ref, action, before) =>
    action._tag === "PutBucketLifecycle"
      ? Effect.map(s3.lifecycleRules({ account: ref.account, region: ref.region }, ref.id), (rules) =>
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
