/**
 * EC2 as discovery sees it: instances, EBS volumes, Elastic IPs, security
 * groups, and the regions an account has enabled.
 */
import {
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  type DescribeInstancesCommandInput,
  DescribeRegionsCommand,
  DescribeSecurityGroupsCommand,
  type DescribeSecurityGroupsCommandInput,
  DescribeVolumesCommand,
  type DescribeVolumesCommandInput,
  EC2Client,
  type Instance,
  type IpPermission,
  type SecurityGroup,
  type Volume
} from "@aws-sdk/client-ec2"
import { type AwsError, AwsClients, ServiceDescriptor } from "@miyabi/aws-runtime"
import {
  type AccountId,
  EbsVolumeDetails,
  type EbsVolumeType,
  Ec2InstanceDetails,
  ElasticIpDetails,
  IngressRule,
  Region,
  type Resource,
  type ResourceState,
  SecurityGroupDetails
} from "@miyabi/types"
import { Context, Effect, Layer } from "effect"
import { type InventoryTarget, makeResource, nameTag, type ServiceInventory, tagsFromList } from "./Inventory.js"

export const Ec2 = ServiceDescriptor.make("ec2", (config) => new EC2Client(config))

export interface Ec2InventoryShape {
  readonly instances: (target: InventoryTarget) => Effect.Effect<ReadonlyArray<Resource>, AwsError>
  readonly volumes: (target: InventoryTarget) => Effect.Effect<ReadonlyArray<Resource>, AwsError>
  readonly addresses: (target: InventoryTarget) => Effect.Effect<ReadonlyArray<Resource>, AwsError>
  readonly securityGroups: (target: InventoryTarget) => Effect.Effect<ReadonlyArray<Resource>, AwsError>
  /** Regions the account can use (opted in or not requiring opt-in). */
  readonly enabledRegions: (target: { readonly account?: AccountId | undefined; readonly region?: Region | undefined }) => Effect.Effect<ReadonlyArray<Region>, AwsError>
  /** Every Region AWS lists for the account, enabled or not (DescribeRegions with AllRegions). */
  readonly regionNames: (target: { readonly account?: AccountId | undefined; readonly region?: Region | undefined }) => Effect.Effect<ReadonlyArray<Region>, AwsError>
  /** All four, as one inventory for discovery. */
  readonly inventory: ServiceInventory
}

export class Ec2Inventory extends Context.Tag("@miyabi/aws-agent/Ec2Inventory")<Ec2Inventory, Ec2InventoryShape>() {}

const instanceState = (name: string | undefined): ResourceState => {
  switch (name) {
    case "running":
      return "running"
    case "stopped":
    case "stopping":
      return "stopped"
    case "pending":
      return "pending"
    case "shutting-down":
    case "terminated":
      return "deleting"
    default:
      return "unknown"
  }
}

const volumeState = (state: string | undefined): ResourceState => {
  switch (state) {
    case "in-use":
      return "running"
    case "available":
      return "detached"
    case "creating":
      return "pending"
    case "deleting":
    case "deleted":
      return "deleting"
    default:
      return "unknown"
  }
}

const VOLUME_TYPES: ReadonlyArray<EbsVolumeType> = ["gp2", "gp3", "io1", "io2", "st1", "sc1", "standard"]
const volumeType = (t: string | undefined): EbsVolumeType => VOLUME_TYPES.find((v) => v === t) ?? "standard"

const arn = (target: InventoryTarget, resource: string): string => `arn:aws:ec2:${target.region}:${target.account}:${resource}`

export const instanceResource = (target: InventoryTarget, i: Instance): Resource => {
  const id = i.InstanceId ?? ""
  const tags = tagsFromList(i.Tags)
  const volumeIds = (i.BlockDeviceMappings ?? []).flatMap((m) => (m.Ebs?.VolumeId === undefined ? [] : [m.Ebs.VolumeId]))
  const securityGroupIds = (i.SecurityGroups ?? []).flatMap((g) => (g.GroupId === undefined ? [] : [g.GroupId]))
  return makeResource({
    id,
    arn: arn(target, `instance/${id}`),
    kind: "ec2-instance",
    name: nameTag(tags),
    account: target.account,
    region: target.region,
    state: instanceState(i.State?.Name),
    tags,
    dependencies: [...volumeIds.map((v) => arn(target, `volume/${v}`)), ...securityGroupIds.map((g) => arn(target, `security-group/${g}`))],
    details: Ec2InstanceDetails.make({
      instanceType: i.InstanceType ?? "unknown",
      awsState: i.State?.Name ?? "unknown",
      ...(i.PlatformDetails === undefined ? {} : { platform: i.PlatformDetails }),
      lifecycle: i.InstanceLifecycle === "spot" ? "spot" : "on-demand",
      ...(i.LaunchTime instanceof Date ? { launchTime: i.LaunchTime } : {}),
      ...(i.VpcId === undefined ? {} : { vpcId: i.VpcId }),
      ...(i.PublicIpAddress === undefined ? {} : { publicIp: i.PublicIpAddress }),
      volumeIds,
      securityGroupIds
    }, true)
  })
}

export const volumeResource = (target: InventoryTarget, v: Volume): Resource => {
  const id = v.VolumeId ?? ""
  const tags = tagsFromList(v.Tags)
  const attachedTo = (v.Attachments ?? []).find((a) => a.InstanceId !== undefined)?.InstanceId
  return makeResource({
    id,
    arn: arn(target, `volume/${id}`),
    kind: "ebs-volume",
    name: nameTag(tags),
    account: target.account,
    region: target.region,
    state: volumeState(v.State),
    tags,
    dependencies: attachedTo === undefined ? [] : [arn(target, `instance/${attachedTo}`)],
    details: EbsVolumeDetails.make({
      volumeType: volumeType(v.VolumeType),
      sizeGiB: Math.max(1, v.Size ?? 1),
      ...(v.Iops === undefined ? {} : { iops: v.Iops }),
      ...(v.Throughput === undefined ? {} : { throughputMiBps: v.Throughput }),
      encrypted: v.Encrypted === true,
      awsState: v.State ?? "unknown",
      ...(attachedTo === undefined ? {} : { attachedTo })
    }, true)
  })
}

export const addressResource = (
  target: InventoryTarget,
  a: { readonly AllocationId?: string | undefined; readonly PublicIp?: string | undefined; readonly AssociationId?: string | undefined; readonly InstanceId?: string | undefined; readonly NetworkInterfaceId?: string | undefined; readonly Tags?: ReadonlyArray<{ readonly Key?: string | undefined; readonly Value?: string | undefined }> | undefined }
): Resource => {
  // EC2-Classic addresses have no allocation id; the public IP names them.
  const id = a.AllocationId ?? a.PublicIp ?? ""
  const tags = tagsFromList(a.Tags)
  return makeResource({
    id,
    arn: arn(target, `elastic-ip/${id}`),
    kind: "elastic-ip",
    name: nameTag(tags),
    account: target.account,
    region: target.region,
    state: a.AssociationId === undefined ? "detached" : "running",
    tags,
    dependencies: a.InstanceId === undefined ? [] : [arn(target, `instance/${a.InstanceId}`)],
    details: ElasticIpDetails.make({
      publicIp: a.PublicIp ?? "",
      allocationId: id,
      ...(a.AssociationId === undefined ? {} : { associationId: a.AssociationId }),
      ...(a.InstanceId === undefined ? {} : { instanceId: a.InstanceId }),
      ...(a.NetworkInterfaceId === undefined ? {} : { networkInterfaceId: a.NetworkInterfaceId })
    }, true)
  })
}

const ingressRule = (p: IpPermission): IngressRule =>
  IngressRule.make({
    protocol: p.IpProtocol ?? "-1",
    ...(p.FromPort === undefined || p.IpProtocol === "-1" ? {} : { fromPort: p.FromPort }),
    ...(p.ToPort === undefined || p.IpProtocol === "-1" ? {} : { toPort: p.ToPort }),
    ipv4Ranges: (p.IpRanges ?? []).flatMap((r) => (r.CidrIp === undefined ? [] : [r.CidrIp])),
    ipv6Ranges: (p.Ipv6Ranges ?? []).flatMap((r) => (r.CidrIpv6 === undefined ? [] : [r.CidrIpv6])),
    sourceGroupIds: (p.UserIdGroupPairs ?? []).flatMap((g) => (g.GroupId === undefined ? [] : [g.GroupId]))
  }, true)

export const securityGroupResource = (target: InventoryTarget, g: SecurityGroup): Resource => {
  const id = g.GroupId ?? ""
  const tags = tagsFromList(g.Tags)
  return makeResource({
    id,
    arn: arn(target, `security-group/${id}`),
    kind: "security-group",
    name: g.GroupName,
    account: target.account,
    region: target.region,
    state: "running",
    tags,
    details: SecurityGroupDetails.make({
      groupName: g.GroupName ?? id,
      ...(g.VpcId === undefined ? {} : { vpcId: g.VpcId }),
      ingress: (g.IpPermissions ?? []).map(ingressRule)
    }, true)
  })
}

export const make: Effect.Effect<Ec2InventoryShape, never, AwsClients.AwsClients> = Effect.gen(function* () {
  const aws = yield* AwsClients.AwsClients
  // Each list read whole (paginateAll: no Stream per list).
  const instances = (target: InventoryTarget) =>
    Effect.map(
      aws.paginateAll(Ec2, target, (input: DescribeInstancesCommandInput) => new DescribeInstancesCommand(input), { MaxResults: 1000 }, { inputToken: "NextToken", outputToken: "NextToken", items: "Reservations" }),
      (reservations) => reservations.flatMap((r) => (r.Instances ?? []).map((i) => instanceResource(target, i)))
    )
  const volumes = (target: InventoryTarget) =>
    Effect.map(
      aws.paginateAll(Ec2, target, (input: DescribeVolumesCommandInput) => new DescribeVolumesCommand(input), { MaxResults: 500 }, { inputToken: "NextToken", outputToken: "NextToken", items: "Volumes" }),
      (volumes) => volumes.map((v) => volumeResource(target, v))
    )
  // DescribeAddresses is not paginated: one call answers every address of the region.
  const addresses = (target: InventoryTarget) =>
    Effect.map(aws.call(Ec2, target, new DescribeAddressesCommand({})), (out) => (out.Addresses ?? []).map((a) => addressResource(target, a)))
  const securityGroups = (target: InventoryTarget) =>
    Effect.map(
      aws.paginateAll(Ec2, target, (input: DescribeSecurityGroupsCommandInput) => new DescribeSecurityGroupsCommand(input), { MaxResults: 1000 }, { inputToken: "NextToken", outputToken: "NextToken", items: "SecurityGroups" }),
      (groups) => groups.map((g) => securityGroupResource(target, g))
    )
  const enabledRegions: Ec2InventoryShape["enabledRegions"] = (target) =>
    Effect.map(aws.call(Ec2, target, new DescribeRegionsCommand({ AllRegions: false })), (out) =>
      (out.Regions ?? []).flatMap((r) => (r.RegionName === undefined || r.OptInStatus === "not-opted-in" ? [] : [Region.make(r.RegionName)]))
    ).pipe(Effect.withSpan("Ec2Inventory.enabledRegions"))
  const regionNames: Ec2InventoryShape["regionNames"] = (target) =>
    Effect.map(aws.call(Ec2, target, new DescribeRegionsCommand({ AllRegions: true })), (out) =>
      (out.Regions ?? []).flatMap((r) => (r.RegionName === undefined ? [] : [Region.make(r.RegionName)]))
    ).pipe(Effect.withSpan("Ec2Inventory.regionNames"))
  const inventory: ServiceInventory = {
    service: "ec2",
    scope: "regional",
    // Four independent lists: read side by side, then concatenated in this order (Effect.all, not Stream.mergeAll:
    // its channels cost about 1,400 Effect operations a unit more, and discovery's client is CPU-bound).
    discover: (target) =>
      Effect.map(Effect.all([instances(target), volumes(target), addresses(target), securityGroups(target)], { concurrency: 4 }), (lists) => lists.flat())
  }
  return { instances, volumes, addresses, securityGroups, enabledRegions, regionNames, inventory }
})

export const layer: Layer.Layer<Ec2Inventory, never, AwsClients.AwsClients> = Layer.effect(Ec2Inventory, make)
