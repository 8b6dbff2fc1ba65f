/**
 * Napoleon's resources: Application/Network/Gateway load balancers and auto
 * scaling groups. A balancer's tags come from DescribeTags (20 ARNs a call)
 * and its registered targets from the region's target groups
 * (DescribeTargetGroups, then DescribeTargetHealth for each group a balancer
 * uses): a balancer with none serves nothing.
 */
import { AutoScalingClient, type AutoScalingGroup, DescribeAutoScalingGroupsCommand, type DescribeAutoScalingGroupsCommandInput } from "@aws-sdk/client-auto-scaling"
import {
  DescribeLoadBalancersCommand,
  type DescribeLoadBalancersCommandInput,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  type DescribeTargetGroupsCommandInput,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type LoadBalancer
} from "@aws-sdk/client-elastic-load-balancing-v2"
import { type AwsError, AwsClients, ServiceDescriptor } from "@miyabi/aws-runtime"
import { AutoScalingGroupDetails, LoadBalancerDetails, type Resource } from "@miyabi/types"
import { Chunk, Context, Effect, Layer, Stream } from "effect"
import { collected, type InventoryTarget, makeResource, type ServiceInventory, tagsFromList } from "./Inventory.js"

export const Elbv2 = ServiceDescriptor.make("elastic-load-balancing-v2", (config) => new ElasticLoadBalancingV2Client(config))
export const AutoScaling = ServiceDescriptor.make("auto-scaling", (config) => new AutoScalingClient(config))

export interface ScalingInventoryShape {
  readonly loadBalancers: (target: InventoryTarget) => Stream.Stream<Resource, AwsError>
  readonly autoScalingGroups: (target: InventoryTarget) => Stream.Stream<Resource, AwsError>
  readonly loadBalancerInventory: ServiceInventory
  readonly autoScalingInventory: ServiceInventory
}

export class ScalingInventory extends Context.Tag("@miyabi/aws-agent/ScalingInventory")<ScalingInventory, ScalingInventoryShape>() {}

/** What DescribeTags and the target groups add to a balancer. */
export interface LoadBalancerExtras {
  readonly tags: Readonly<Record<string, string>>
  /** Registered target ids (instance ids) across the groups forwarding from this balancer. */
  readonly targets: ReadonlyArray<string>
}

export const loadBalancerResource = (target: InventoryTarget, lb: LoadBalancer, extras?: LoadBalancerExtras): Resource => {
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
    tags: extras?.tags ?? {},
    dependencies: (extras?.targets ?? []).filter((t) => t.startsWith("i-")).map((t) => `arn:aws:ec2:${target.region}:${target.account}:instance/${t}`),
    details: LoadBalancerDetails.make({
      type: lb.Type === "network" ? "network" : lb.Type === "gateway" ? "gateway" : "application",
      scheme: lb.Scheme === "internal" ? "internal" : "internet-facing",
      ...(lb.DNSName === undefined ? {} : { dnsName: lb.DNSName }),
      ...(extras === undefined ? {} : { targetCount: extras.targets.length })
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
    tags: tagsFromList(g.Tags),
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
  /** Registered targets per balancer ARN, from the region's target groups that a balancer uses. */
  const targetsByBalancer = (target: InventoryTarget) =>
    Effect.gen(function* () {
      const groups = yield* aws
        .paginate(Elbv2, target, (input: DescribeTargetGroupsCommandInput) => new DescribeTargetGroupsCommand(input), { PageSize: 400 }, { inputToken: "Marker", outputToken: "NextMarker", items: "TargetGroups" })
        .pipe(Stream.filter((g) => (g.LoadBalancerArns ?? []).length > 0), Stream.runCollect)
      const byBalancer = new Map<string, Array<string>>()
      yield* Effect.forEach(
        groups,
        (g) =>
          Effect.map(aws.call(Elbv2, target, new DescribeTargetHealthCommand({ TargetGroupArn: g.TargetGroupArn })), (out) => {
            const ids = (out.TargetHealthDescriptions ?? []).flatMap((d) => (d.Target?.Id === undefined ? [] : [d.Target.Id]))
            for (const lb of g.LoadBalancerArns ?? []) byBalancer.set(lb, [...(byBalancer.get(lb) ?? []), ...ids])
          }),
        { concurrency: 8, discard: true }
      )
      return byBalancer
    })

  const loadBalancers = (target: InventoryTarget) =>
    Stream.unwrap(
      Effect.gen(function* () {
        const balancers = yield* aws
          .paginate(Elbv2, target, (input: DescribeLoadBalancersCommandInput) => new DescribeLoadBalancersCommand(input), { PageSize: 400 }, { inputToken: "Marker", outputToken: "NextMarker", items: "LoadBalancers" })
          .pipe(Stream.runCollect)
        // A region without balancers costs one call, not three.
        if (Chunk.isEmpty(balancers)) return Stream.empty
        const targets = yield* targetsByBalancer(target)
        return Stream.fromChunk(balancers).pipe(
          Stream.grouped(20),
          Stream.mapEffect((chunk) =>
            Effect.map(aws.call(Elbv2, target, new DescribeTagsCommand({ ResourceArns: Chunk.toArray(chunk).flatMap((lb) => (lb.LoadBalancerArn === undefined ? [] : [lb.LoadBalancerArn])) })), (out) => {
              const tags = new Map((out.TagDescriptions ?? []).map((d) => [d.ResourceArn ?? "", tagsFromList(d.Tags)]))
              return Chunk.map(chunk, (lb) => loadBalancerResource(target, lb, { tags: tags.get(lb.LoadBalancerArn ?? "") ?? {}, targets: targets.get(lb.LoadBalancerArn ?? "") ?? [] }))
            })
          ),
          Stream.flattenChunks
        )
      })
    )
  const autoScalingGroups = (target: InventoryTarget) =>
    aws
      .paginate(AutoScaling, target, (input: DescribeAutoScalingGroupsCommandInput) => new DescribeAutoScalingGroupsCommand(input), { MaxRecords: 100 }, { inputToken: "NextToken", outputToken: "NextToken", items: "AutoScalingGroups" })
      .pipe(Stream.map((g) => autoScalingGroupResource(target, g)))
  return {
    loadBalancers,
    autoScalingGroups,
    loadBalancerInventory: { service: "elastic-load-balancing-v2", scope: "regional", discover: (target) => collected(loadBalancers(target)) },
    autoScalingInventory: { service: "auto-scaling", scope: "regional", discover: (target) => collected(autoScalingGroups(target)) }
  }
})

export const layer: Layer.Layer<ScalingInventory, never, AwsClients.AwsClients> = Layer.effect(ScalingInventory, make)
