/**
 * The deployer's view of AWS: read one resource as it is now, and apply one
 * change action to it, through the change adapters. A test can provide its
 * own; the default runs over EC2, RDS and Lambda.
 */
import { type AwsError, type AwsClients } from "@miyabi/aws-runtime"
import type { ChangeAction, Resource, ResourceRef } from "@miyabi/types"
import { Context, Effect, Layer, Option } from "effect"
import * as Ec2Changes from "../adapters/Ec2Changes.js"
import * as LambdaChanges from "../adapters/LambdaChanges.js"
import * as RdsChanges from "../adapters/RdsChanges.js"
import { DeployError } from "./DeployError.js"

/** Polling of transitions inside one action (the stop of a resize). */
export type WaitPolicy = Ec2Changes.WaitPolicy

export type ApplyError = AwsError | Ec2Changes.Ec2ChangeTimeout | DeployError

export interface LiveResourcesShape {
  readonly observe: (ref: ResourceRef) => Effect.Effect<Option.Option<Resource>, AwsError>
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
      default:
        return Effect.fail(new DeployError({ reason: "UnsupportedAction", message: `${action._tag} is not executed by the deployer` }))
    }
  }
  return { observe, apply } satisfies LiveResourcesShape
})

/** The change adapters `make` runs over. */
export const adapters: Layer.Layer<Ec2Changes.Ec2Changes | RdsChanges.RdsChanges | LambdaChanges.LambdaChanges, never, AwsClients.AwsClients> = Layer.mergeAll(
  Ec2Changes.layer,
  RdsChanges.layer,
  LambdaChanges.layer
)

/** Over the change adapters, which run over AwsClients. */
export const layer: Layer.Layer<LiveResources, never, AwsClients.AwsClients> = Layer.effect(LiveResources, make).pipe(Layer.provide(adapters))
