/** Napoleon's resources: Application/Network/Gateway load balancers and auto scaling groups. */
import { AutoScalingClient, type AutoScalingGroup, DescribeAutoScalingGroupsCommand, type DescribeAutoScalingGroupsCommandInput } from "@aws-sdk/client-auto-scaling"
import {
  DescribeLoadBalancersCommand,
  type DescribeLoadBalancersCommandInput,
  ElasticLoadBalancingV2Client,
  type LoadBalancer
} from "@aws-sdk/client-elastic-load-balancing-v2"
import { type AwsError, AwsClients, ServiceDescriptor } from "@miyabi/aws-runtime"
import { AutoScalingGroupDetails, LoadBalancerDetails, type Resource } from "@miyabi/types"
import { Context, Effect, Layer, Stream } from "effect"
import { type InventoryTarget, makeResource, type ServiceInventory } from "./Inventory.js"

export const Elbv2 = ServiceDescriptor.make("elastic-load-balancing-v2", (config) => new ElasticLoadBalancingV2Client(config))
export const AutoScaling = ServiceDescriptor.make("auto-scaling", (config) => new AutoScalingClient(config))

export interface ScalingInventoryShape {
  readonly loadBalancers: (target: InventoryTarget) => Stream.Stream<Resource, AwsError>
  readonly autoScalingGroups: (target: InventoryTarget) => Stream.Stream<Resource, AwsError>
  readonly loadBalancerInventory: ServiceInventory
  readonly autoScalingInventory: ServiceInventory
}

export class ScalingInventory extends Context.Tag("@miyabi/aws-agent/ScalingInventory")<ScalingInventory, ScalingInventoryShape>() {}

export const loadBalancerResource = (target: InventoryTarget, lb: LoadBalancer): Resource => {
  const arn = lb.LoadBalancerArn ?? `arn:aws:elasticloadbalancing:${target.region}:${target.account}:loadbalancer/${lb.LoadBalancerName ?? ""}`
  const code = lb.State?.Code
  return makeResource({
    id: arn,
    arn,
    kind: "load-balancer",
    name: lb.LoadBalancerName,
    account: target.account,
    region: target.region,
    state: code === "active" || code === "active_impaired" ? "running" : code === "provisioning" ? "pending" : "unknown",
    // Tags need DescribeTags (20 ARNs a call); not read yet.
    tags: {},
    details: LoadBalancerDetails.make({
      type: lb.Type === "network" ? "network" : lb.Type === "gateway" ? "gateway" : "application",
      scheme: lb.Scheme === "internal" ? "internal" : "internet-facing",
      ...(lb.DNSName === undefined ? {} : { dnsName: lb.DNSName })
    }, true)
  })
}

export const autoScalingGroupResource = (target: InventoryTarget, g: AutoScalingGroup): Resource => {
  const name = g.AutoScalingGroupName ?? ""
  const arn = g.AutoScalingGroupARN ?? `arn:aws:autoscaling:${target.region}:${target.account}:autoScalingGroup:unknown:autoScalingGroupName/${name}`
  const instances = g.Instances ?? []
  return makeResource({
    id: name,
    arn,
    kind: "auto-scaling-group",
    name,
    account: target.account,
    region: target.region,
    state: g.Status === "Delete in progress" ? "deleting" : (g.DesiredCapacity ?? 0) > 0 ? "running" : "stopped",
    tags: Object.fromEntries((g.Tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? ""] as const]))),
    dependencies: instances.flatMap((i) => (i.InstanceId === undefined ? [] : [`arn:aws:ec2:${target.region}:${target.account}:instance/${i.InstanceId}`])),
    details: AutoScalingGroupDetails.make({
      minSize: Math.max(0, g.MinSize ?? 0),
      maxSize: Math.max(0, g.MaxSize ?? 0),
      desiredCapacity: Math.max(0, g.DesiredCapacity ?? 0),
      instanceIds: instances.flatMap((i) => (i.InstanceId === undefined ? [] : [i.InstanceId])),
      instanceTypes: [...new Set(instances.flatMap((i) => (i.InstanceType === undefined ? [] : [i.InstanceType])))]
    }, true)
  })
}

export const make: Effect.Effect<ScalingInventoryShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => {
  const loadBalancers = (target: InventoryTarget) =>
    aws
      .paginate(Elbv2, target, (input: DescribeLoadBalancersCommandInput) => new DescribeLoadBalancersCommand(input), { PageSize: 400 }, { inputToken: "Marker", outputToken: "NextMarker", items: "LoadBalancers" })
      .pipe(Stream.map((lb) => loadBalancerResource(target, lb)))
  const autoScalingGroups = (target: InventoryTarget) =>
    aws
      .paginate(AutoScaling, target, (input: DescribeAutoScalingGroupsCommandInput) => new DescribeAutoScalingGroupsCommand(input), { MaxRecords: 100 }, { inputToken: "NextToken", outputToken: "NextToken", items: "AutoScalingGroups" })
      .pipe(Stream.map((g) => autoScalingGroupResource(target, g)))
  return {
    loadBalancers,
    autoScalingGroups,
    loadBalancerInventory: { service: "elastic-load-balancing-v2", scope: "regional", discover: loadBalancers },
    autoScalingInventory: { service: "auto-scaling", scope: "regional", discover: autoScalingGroups }
  }
})

export const layer: Layer.Layer<ScalingInventory, never, AwsClients.AwsClients> = Layer.effect(ScalingInventory, make)
