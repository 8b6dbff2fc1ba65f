/**
 * Elastic Load Balancing v2 over the awsQuery protocol (signing name
 * `elasticloadbalancing`, API 2015-12-01): DescribeLoadBalancers and
 * DescribeTargetGroups with `Marker` / `PageSize` (1..400), DescribeTargetHealth
 * and DescribeTags (at most 20 ARNs a call), read from the estate's load
 * balancers and target groups of the caller's account and region.
 *
 * AWS quirks kept: asking for a name or ARN that does not exist fails the
 * whole call (LoadBalancerNotFound, TargetGroupNotFound) rather than
 * returning fewer items; a target group no balancer uses reports its targets
 * as `unused` with `Target.NotInUse`, a stopped instance `Target.InvalidState`.
 */
import { Effect } from "effect"
import type { EstateData } from "../../estate/EstateData.js"
import type { Instance } from "../../estate/Instance.js"
import type { LoadBalancer, TargetGroup } from "../../estate/LoadBalancer.js"
import type { Estate } from "../../EstateContract.js"
import { estateDataOf } from "../../estate/SandboxEstate.js"
import { type AwsError, awsError, type Operation, type RequestContext, type ServiceFactory } from "../../ServiceHandler.js"
import { num, str, strings } from "../Input.js"
import { paginate } from "../Pagination.js"

/** Route 53 zone ids ELB publishes per region (ALB, NLB). */
const HOSTED_ZONES: Readonly<Record<string, readonly [string, string]>> = {
  "us-east-1": ["Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"],
  "us-west-2": ["Z1H1FL5HABSF5", "Z18D5FSROUN65G"],
  "eu-west-1": ["Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F"],
  "ap-northeast-1": ["Z14GRHDCWA56QT", "Z31USIVHYNEOWT"]
}

const validation = (message: string): AwsError => awsError("ValidationError", message)

const pageSizeOf = (input: Record<string, unknown>): number | AwsError => {
  const size = num(input, "PageSize") ?? 400
  return Number.isInteger(size) && size >= 1 && size <= 400 ? size : validation(`1 validation error detected: Value '${String(input["PageSize"])}' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 400`)
}

/**
 * Keeps the items named by `wanted` (by `key`), or all of them when nothing is
 * asked for; one unknown name or ARN fails the whole call, as on AWS.
 */
const selectNamed = <A>(items: ReadonlyArray<A>, wanted: ReadonlyArray<string>, key: (a: A) => string, notFound: (missing: string) => AwsError): Effect.Effect<ReadonlyArray<A>, AwsError> => {
  if (wanted.length === 0) return Effect.succeed(items)
  const missing = wanted.find((w) => !items.some((a) => key(a) === w))
  return missing === undefined ? Effect.succeed(items.filter((a) => wanted.includes(key(a)))) : Effect.fail(notFound(missing))
}

const lbXml = (lb: LoadBalancer) => ({
  LoadBalancerArn: lb.arn,
  DNSName: lb.dnsName,
  CanonicalHostedZoneId: (HOSTED_ZONES[lb.region] ?? HOSTED_ZONES["us-east-1"] ?? ["", ""])[lb.type === "application" ? 0 : 1],
  CreatedTime: new Date(lb.createdAt),
  LoadBalancerName: lb.name,
  Scheme: lb.scheme,
  VpcId: lb.vpcId,
  State: { Code: "active" },
  Type: lb.type,
  AvailabilityZones: lb.availabilityZones.map((z) => ({ ZoneName: z.zone, SubnetId: z.subnetId, LoadBalancerAddresses: [] })),
  // NLBs without security groups leave the member out.
  SecurityGroups: lb.securityGroupIds.length === 0 ? undefined : lb.securityGroupIds,
  IpAddressType: "ipv4"
})

const tgXml = (tg: TargetGroup) => ({
  TargetGroupArn: tg.arn,
  TargetGroupName: tg.name,
  Protocol: tg.protocol,
  Port: tg.port,
  VpcId: tg.vpcId,
  HealthCheckProtocol: tg.protocol,
  HealthCheckPort: "traffic-port",
  HealthCheckEnabled: true,
  HealthCheckIntervalSeconds: 30,
  HealthCheckTimeoutSeconds: tg.protocol === "TCP" ? 10 : 5,
  HealthyThresholdCount: 5,
  UnhealthyThresholdCount: 2,
  HealthCheckPath: tg.protocol === "TCP" ? undefined : "/",
  Matcher: tg.protocol === "TCP" ? undefined : { HttpCode: "200" },
  LoadBalancerArns: tg.loadBalancerArns,
  TargetType: "instance",
  ProtocolVersion: tg.protocol === "TCP" ? undefined : "HTTP1",
  IpAddressType: "ipv4"
})

const targetHealth = (tg: TargetGroup, instance: Instance | undefined) => {
  if (tg.loadBalancerArns.length === 0) return { State: "unused", Reason: "Target.NotInUse", Description: "Target group is not configured to receive traffic from the load balancer" }
  if (instance === undefined || instance.state !== "running") return { State: "unused", Reason: "Target.InvalidState", Description: "Target is in the stopped state" }
  return { State: "healthy" }
}

export const makeElbv2Service: ServiceFactory<Estate> = (env) => {
  const data: EstateData = estateDataOf(env.estate)
  const here = (ctx: RequestContext) => (r: { readonly accountId: string; readonly region: string }) => r.accountId === ctx.accountId && r.region === ctx.region

  const describeLoadBalancers: Operation = (input, ctx) =>
    Effect.gen(function* () {
      const size = pageSizeOf(input)
      if (typeof size !== "number") return yield* Effect.fail(size)
      const names = strings(input, "Names")
      const arns = strings(input, "LoadBalancerArns")
      if (names.length > 0 && arns.length > 0) return yield* Effect.fail(validation("Load balancer names and load balancer ARNs cannot be specified at the same time"))
      const wanted = names.length > 0 ? names : arns
      const selected = yield* selectNamed(
        data.loadBalancers.filter(here(ctx)),
        wanted,
        (lb: LoadBalancer) => (names.length > 0 ? lb.name : lb.arn),
        (missing) => awsError("LoadBalancerNotFound", names.length > 0 ? `Load balancers '[${missing}]' not found` : "One or more load balancers not found")
      )
      const page = yield* paginate(selected, {
        scope: `DescribeLoadBalancers/${ctx.accountId}/${ctx.region}/${wanted.join(",")}`,
        token: str(input, "Marker"),
        pageSize: size,
        invalidToken: () => validation("Invalid value for Marker")
      })
      return { LoadBalancers: page.items.map(lbXml), NextMarker: page.nextToken }
    })

  const describeTargetGroups: Operation = (input, ctx) =>
    Effect.gen(function* () {
      const size = pageSizeOf(input)
      if (typeof size !== "number") return yield* Effect.fail(size)
      const lbArn = str(input, "LoadBalancerArn")
      const arns = strings(input, "TargetGroupArns")
      const names = strings(input, "Names")
      if (lbArn !== undefined && !data.loadBalancers.some((lb) => lb.arn === lbArn && here(ctx)(lb))) {
        return yield* Effect.fail(awsError("LoadBalancerNotFound", "One or more load balancers not found"))
      }
      const wanted = arns.length > 0 ? arns : names
      const selected = yield* selectNamed(
        data.targetGroups.filter((tg) => here(ctx)(tg) && (lbArn === undefined || tg.loadBalancerArns.includes(lbArn))),
        wanted,
        (tg: TargetGroup) => (arns.length > 0 ? tg.arn : tg.name),
        (missing) => awsError("TargetGroupNotFound", arns.length > 0 ? "One or more target groups not found" : `Target groups '[${missing}]' not found`)
      )
      const page = yield* paginate(selected, {
        scope: `DescribeTargetGroups/${ctx.accountId}/${ctx.region}/${lbArn ?? ""}/${wanted.join(",")}`,
        token: str(input, "Marker"),
        pageSize: size,
        invalidToken: () => validation("Invalid value for Marker")
      })
      return { TargetGroups: page.items.map(tgXml), NextMarker: page.nextToken }
    })

  const describeTargetHealth: Operation = (input, ctx) =>
    Effect.gen(function* () {
      const arn = str(input, "TargetGroupArn")
      const tg = data.targetGroups.find((t) => t.arn === arn && here(ctx)(t))
      if (tg === undefined) return yield* Effect.fail(awsError("TargetGroupNotFound", `Target groups '${arn ?? ""}' not found`))
      return {
        TargetHealthDescriptions: tg.targets.map((id) => ({
          Target: { Id: id, Port: tg.port },
          HealthCheckPort: String(tg.port),
          TargetHealth: targetHealth(tg, data.instances.find((i) => i.id === id))
        }))
      }
    })

  const describeTags: Operation = (input, ctx) =>
    Effect.gen(function* () {
      const arns = strings(input, "ResourceArns")
      if (arns.length === 0) return yield* Effect.fail(validation("1 validation error detected: Value null at 'resourceArns' failed to satisfy constraint: Member must not be null"))
      if (arns.length > 20) return yield* Effect.fail(validation(`1 validation error detected: Value at 'resourceArns' failed to satisfy constraint: Member must have length less than or equal to 20`))
      const out: Array<{ readonly ResourceArn: string; readonly Tags: ReadonlyArray<{ readonly Key: string; readonly Value: string }> }> = []
      for (const arn of arns) {
        const owner = data.loadBalancers.find((lb) => lb.arn === arn && here(ctx)(lb)) ?? data.targetGroups.find((tg) => tg.arn === arn && here(ctx)(tg))
        if (owner === undefined) {
          return yield* Effect.fail(arn.includes(":targetgroup/") ? awsError("TargetGroupNotFound", "One or more target groups not found") : awsError("LoadBalancerNotFound", "One or more load balancers not found"))
        }
        out.push({ ResourceArn: arn, Tags: Object.entries(owner.tags).map(([Key, Value]) => ({ Key, Value })) })
      }
      return { TagDescriptions: out }
    })

  return {
    signingName: "elasticloadbalancing",
    protocol: "query",
    xmlNamespace: "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/",
    operations: {
      DescribeLoadBalancers: describeLoadBalancers,
      DescribeTargetGroups: describeTargetGroups,
      DescribeTargetHealth: describeTargetHealth,
      DescribeTags: describeTags
    },
    errors: {
      throttling: { code: "Throttling", status: 400, message: "Rate exceeded" },
      internal: { code: "InternalFailure", status: 500, message: "An internal error has occurred." }
    }
  }
}
