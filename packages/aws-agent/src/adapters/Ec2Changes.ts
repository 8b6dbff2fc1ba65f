/**
 * EC2 changes θ4 applies: stop, start, resize (stop -> modify -> start,
 * because EC2 changes the type only of a stopped instance), gp2 -> gp3 and
 * other volume modifications, snapshot-then-delete of a volume, release of an
 * Elastic IP, revoke and authorize of a security group's ingress rule, and
 * the reads of the live state before and after each.
 * Nothing else in θ4 speaks EC2.
 */
import {
  AllocateAddressCommand,
  AuthorizeSecurityGroupIngressCommand,
  CreateSnapshotCommand,
  CreateVolumeCommand,
  DeleteVolumeCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSnapshotsCommand,
  DescribeVolumesCommand,
  ModifyInstanceAttributeCommand,
  type IpPermission,
  ModifyVolumeCommand,
  ReleaseAddressCommand,
  RevokeSecurityGroupIngressCommand,
  StartInstancesCommand,
  StopInstancesCommand,
  type VolumeType
} from "@aws-sdk/client-ec2"
import { type AwsError, AwsClients } from "@miyabi/aws-runtime"
import type { EbsVolumeType, IngressRule, Resource } from "@miyabi/types"
import { Context, Duration, Effect, Layer, Option, Schedule, Schema } from "effect"
import { addressResource, Ec2, instanceResource, securityGroupResource, volumeResource } from "./Ec2Inventory.js"
import type { InventoryTarget } from "./Inventory.js"

/** How long a stop may take before a resize gives up waiting for it. */
export interface WaitPolicy {
  readonly spacing: Duration.DurationInput
  readonly timeout: Duration.DurationInput
}

export interface Ec2ChangesShape {
  /** The instance as it is now; none when it does not exist (any more). */
  readonly instance: (target: InventoryTarget, id: string) => Effect.Effect<Option.Option<Resource>, AwsError>
  readonly volume: (target: InventoryTarget, id: string) => Effect.Effect<Option.Option<Resource>, AwsError>
  /** By allocation id. */
  readonly address: (target: InventoryTarget, allocationId: string) => Effect.Effect<Option.Option<Resource>, AwsError>
  readonly stop: (target: InventoryTarget, id: string) => Effect.Effect<void, AwsError>
  readonly start: (target: InventoryTarget, id: string) => Effect.Effect<void, AwsError>
  /**
   * Changes the type. A running instance is stopped, waited for, modified and
   * started again; a stopped one is only modified (and stays stopped).
   * `startAfter` overrides the "was it running" decision (a resumed resize
   * finds the instance stopped half-way and must still start it).
   */
  readonly resize: (target: InventoryTarget, id: string, toType: string, wait: WaitPolicy, options?: { readonly startAfter?: boolean }) => Effect.Effect<void, AwsError | Ec2ChangeTimeout>
  readonly modifyVolume: (
    target: InventoryTarget,
    id: string,
    change: { readonly volumeType: EbsVolumeType; readonly iops?: number | undefined; readonly throughputMiBps?: number | undefined }
  ) => Effect.Effect<void, AwsError>
  /** Returns the snapshot id. */
  readonly snapshot: (target: InventoryTarget, volumeId: string, description: string) => Effect.Effect<string, AwsError>
  readonly deleteVolume: (target: InventoryTarget, volumeId: string) => Effect.Effect<void, AwsError>
  /** A new volume from a snapshot (a new id: a deleted volume does not come back under its own). */
  readonly restoreVolume: (target: InventoryTarget, snapshotId: string, volumeType: EbsVolumeType) => Effect.Effect<string, AwsError>
  readonly releaseAddress: (target: InventoryTarget, allocationId: string) => Effect.Effect<void, AwsError>
  /** Best effort: EC2 gives a released address back only while nobody else took it. */
  readonly recoverAddress: (target: InventoryTarget, publicIp: string) => Effect.Effect<string, AwsError>
  /** The group as discovery shows it (Ec2Inventory's mapping); none when it does not exist. */
  readonly securityGroup: (target: InventoryTarget, groupId: string) => Effect.Effect<Option.Option<Resource>, AwsError>
  /** Removes exactly the rule's sources from the group's ingress; other sources of the same ports stay. */
  readonly revokeIngress: (target: InventoryTarget, groupId: string, rule: IngressRule) => Effect.Effect<void, AwsError>
  readonly authorizeIngress: (target: InventoryTarget, groupId: string, rule: IngressRule) => Effect.Effect<void, AwsError>
}

/** The rule as EC2's IpPermission; ports only for a protocol that has them ("-1" is all traffic). */
export const ipPermission = (rule: IngressRule): IpPermission => ({
  IpProtocol: rule.protocol,
  ...(rule.protocol === "-1" || rule.fromPort === undefined ? {} : { FromPort: rule.fromPort }),
  ...(rule.protocol === "-1" || rule.toPort === undefined ? {} : { ToPort: rule.toPort }),
  ...(rule.ipv4Ranges.length === 0 ? {} : { IpRanges: rule.ipv4Ranges.map((CidrIp) => ({ CidrIp })) }),
  ...(rule.ipv6Ranges.length === 0 ? {} : { Ipv6Ranges: rule.ipv6Ranges.map((CidrIpv6) => ({ CidrIpv6 })) }),
  ...(rule.sourceGroupIds.length === 0 ? {} : { UserIdGroupPairs: rule.sourceGroupIds.map((GroupId) => ({ GroupId })) })
})

/** An instance that did not reach the state a change waits for in time. */
export class Ec2ChangeTimeout extends Schema.TaggedError<Ec2ChangeTimeout>()("Ec2ChangeTimeout", {
  instanceId: Schema.String,
  waitedFor: Schema.String
}) {}

const ZONE_TAG = "miyabi:availability-zone"

export class Ec2Changes extends Context.Tag("@miyabi/aws-agent/Ec2Changes")<Ec2Changes, Ec2ChangesShape>() {}

/** A missing resource is an answer (none), not a failure. */
const absentOnNotFound = <A>(effect: Effect.Effect<Option.Option<A>, AwsError>): Effect.Effect<Option.Option<A>, AwsError> =>
  Effect.catchIf(effect, (e) => e.reason === "NotFound", () => Effect.succeed(Option.none()))

export const make: Effect.Effect<Ec2ChangesShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => {
  const instance: Ec2ChangesShape["instance"] = (target, id) =>
    absentOnNotFound(
      Effect.map(aws.call(Ec2, target, new DescribeInstancesCommand({ InstanceIds: [id] })), (out) =>
        Option.map(Option.fromNullable(out.Reservations?.[0]?.Instances?.[0]), (i) => instanceResource(target, i))
      )
    ).pipe(Effect.withSpan("Ec2Changes.instance"))

  const volume: Ec2ChangesShape["volume"] = (target, id) =>
    absentOnNotFound(
      Effect.map(aws.call(Ec2, target, new DescribeVolumesCommand({ VolumeIds: [id] })), (out) =>
        Option.map(Option.fromNullable(out.Volumes?.[0]), (v) => volumeResource(target, v))
      )
    ).pipe(Effect.withSpan("Ec2Changes.volume"))

  // DescribeAddresses answers every address of the region; filter here rather than by AllocationIds,
  // which fails the whole call with InvalidAllocationID.NotFound once the address is released.
  const address: Ec2ChangesShape["address"] = (target, allocationId) =>
    Effect.map(aws.call(Ec2, target, new DescribeAddressesCommand({})), (out) =>
      Option.map(Option.fromNullable((out.Addresses ?? []).find((a) => a.AllocationId === allocationId)), (a) => addressResource(target, a))
    ).pipe(Effect.withSpan("Ec2Changes.address"))

  const stop: Ec2ChangesShape["stop"] = (target, id) =>
    Effect.asVoid(aws.call(Ec2, target, new StopInstancesCommand({ InstanceIds: [id] }))).pipe(Effect.withSpan("Ec2Changes.stop"))
  const start: Ec2ChangesShape["start"] = (target, id) =>
    Effect.asVoid(aws.call(Ec2, target, new StartInstancesCommand({ InstanceIds: [id] }))).pipe(Effect.withSpan("Ec2Changes.start"))

  const awsStateOf = (r: Option.Option<Resource>): string | undefined =>
    Option.match(r, { onNone: () => undefined, onSome: (x) => (x.details._tag === "ec2-instance" ? x.details.awsState : undefined) })

  const resize: Ec2ChangesShape["resize"] = (target, id, toType, wait, options) =>
    Effect.gen(function* () {
      const before = awsStateOf(yield* instance(target, id))
      const wasRunning = options?.startAfter ?? (before === "running" || before === "pending")
      if (before !== "stopped") {
        yield* stop(target, id)
        yield* instance(target, id).pipe(
          Effect.repeat({ schedule: Schedule.spaced(wait.spacing), until: (r) => awsStateOf(r) === "stopped" }),
          Effect.timeoutFail({ duration: wait.timeout, onTimeout: () => new Ec2ChangeTimeout({ instanceId: id, waitedFor: `stopped within ${Duration.format(wait.timeout)}` }) })
        )
      }
      yield* aws.call(Ec2, target, new ModifyInstanceAttributeCommand({ InstanceId: id, InstanceType: { Value: toType } }))
      if (wasRunning) yield* start(target, id)
    }).pipe(Effect.withSpan("Ec2Changes.resize"))

  const modifyVolume: Ec2ChangesShape["modifyVolume"] = (target, id, change) =>
    Effect.asVoid(
      aws.call(
        Ec2,
        target,
        new ModifyVolumeCommand({
          VolumeId: id,
          VolumeType: change.volumeType as VolumeType,
          ...(change.iops === undefined ? {} : { Iops: change.iops }),
          ...(change.throughputMiBps === undefined ? {} : { Throughput: change.throughputMiBps })
        })
      )
    ).pipe(Effect.withSpan("Ec2Changes.modifyVolume"))

  // CreateVolume needs an availability zone and a snapshot does not keep its volume's: the tag does.
  const snapshot: Ec2ChangesShape["snapshot"] = (target, volumeId, description) =>
    Effect.gen(function* () {
      const described = yield* aws.call(Ec2, target, new DescribeVolumesCommand({ VolumeIds: [volumeId] }))
      const zone = described.Volumes?.[0]?.AvailabilityZone ?? ""
      const out = yield* aws.call(
        Ec2,
        target,
        new CreateSnapshotCommand({
          VolumeId: volumeId,
          Description: description,
          TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "miyabi:deleted-volume", Value: volumeId }, { Key: ZONE_TAG, Value: zone }] }]
        })
      )
      return out.SnapshotId ?? ""
    }).pipe(Effect.withSpan("Ec2Changes.snapshot"))

  const deleteVolume: Ec2ChangesShape["deleteVolume"] = (target, volumeId) =>
    Effect.asVoid(aws.call(Ec2, target, new DeleteVolumeCommand({ VolumeId: volumeId }))).pipe(Effect.withSpan("Ec2Changes.deleteVolume"))

  const restoreVolume: Ec2ChangesShape["restoreVolume"] = (target, snapshotId, volumeType) =>
    Effect.gen(function* () {
      const described = yield* aws.call(Ec2, target, new DescribeSnapshotsCommand({ SnapshotIds: [snapshotId] }))
      const zone = described.Snapshots?.[0]?.Tags?.find((t) => t.Key === ZONE_TAG)?.Value ?? ""
      const out = yield* aws.call(Ec2, target, new CreateVolumeCommand({ SnapshotId: snapshotId, VolumeType: volumeType as VolumeType, AvailabilityZone: zone }))
      return out.VolumeId ?? ""
    }).pipe(Effect.withSpan("Ec2Changes.restoreVolume"))

  const releaseAddress: Ec2ChangesShape["releaseAddress"] = (target, allocationId) =>
    Effect.asVoid(aws.call(Ec2, target, new ReleaseAddressCommand({ AllocationId: allocationId }))).pipe(Effect.withSpan("Ec2Changes.releaseAddress"))

  const recoverAddress: Ec2ChangesShape["recoverAddress"] = (target, publicIp) =>
    Effect.map(aws.call(Ec2, target, new AllocateAddressCommand({ Domain: "vpc", Address: publicIp })), (out) => out.AllocationId ?? "").pipe(
      Effect.withSpan("Ec2Changes.recoverAddress")
    )

  const securityGroup: Ec2ChangesShape["securityGroup"] = (target, groupId) =>
    absentOnNotFound(
      Effect.map(aws.call(Ec2, target, new DescribeSecurityGroupsCommand({ GroupIds: [groupId] })), (out) =>
        Option.map(Option.fromNullable(out.SecurityGroups?.[0]), (g) => securityGroupResource(target, g))
      )
    ).pipe(Effect.withSpan("Ec2Changes.securityGroup"))

  const revokeIngress: Ec2ChangesShape["revokeIngress"] = (target, groupId, rule) =>
    Effect.asVoid(aws.call(Ec2, target, new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ipPermission(rule)] }))).pipe(
      Effect.withSpan("Ec2Changes.revokeIngress")
    )

  const authorizeIngress: Ec2ChangesShape["authorizeIngress"] = (target, groupId, rule) =>
    Effect.asVoid(aws.call(Ec2, target, new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ipPermission(rule)] }))).pipe(
      Effect.withSpan("Ec2Changes.authorizeIngress")
    )

  return { instance, volume, address, stop, start, resize, modifyVolume, snapshot, deleteVolume, restoreVolume, releaseAddress, recoverAddress, securityGroup, revokeIngress, authorizeIngress }
})

export const layer: Layer.Layer<Ec2Changes, never, AwsClients.AwsClients> = Layer.effect(Ec2Changes, make)
