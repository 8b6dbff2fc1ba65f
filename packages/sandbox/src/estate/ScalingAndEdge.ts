/**
 * Load balancers (ELBv2) with their target groups, auto scaling groups,
 * CloudFront distributions and DynamoDB tables, added to a generated estate
 * around the workloads it already holds: an auto scaling group owns some of
 * a workload's instances, a load balancer's target group targets them, a
 * distribution fronts a bucket.
 *
 * These kinds draw from their own generator (seeded from the estate's seed)
 * after the rest of the estate is built, so adding them left every earlier
 * estate of a seed as it was. An idle load balancer (no target group, or
 * target groups with no registered targets) is waste in the truth.
 */
import type { Instance } from "./Instance.js"
import { makePrng, type Prng } from "./Prng.js"
import type { Tags } from "./Tags.js"
import type { GenerationContext } from "./Workload.js"

const DAY = 86_400_000

/** The stream these kinds draw from: a function of the seed, independent of the main draw. */
export const scalingAndEdgePrng = (seed: number): Prng => makePrng((seed ^ 0x5ca1ab1e) >>> 0)

interface Group {
  readonly accountId: string
  readonly region: string
  readonly instances: Array<Instance>
}

/** A workload's instances share its security group: group by account, region and that group. */
const workloadGroups = (instances: ReadonlyArray<Instance>): Array<Group> => {
  const groups = new Map<string, Group>()
  for (const i of instances) {
    const key = `${i.accountId}/${i.region}/${i.securityGroupIds[0] ?? ""}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, { accountId: i.accountId, region: i.region, instances: [i] })
    else group.instances.push(i)
  }
  return [...groups.values()]
}

const shortName = (base: string, suffix: string): string => `${base.slice(0, 32 - suffix.length - 1)}-${suffix}`

/** Application-Environment prefix from an instance's tags, or a neutral one for untagged instances. */
const baseName = (tags: Tags, fallback: string): string =>
  tags["Application"] !== undefined && tags["Environment"] !== undefined ? `${tags["Application"]}-${tags["Environment"]}` : fallback

interface Options {
  /** Make sure each kind (and an idle balancer) is present at least once. */
  readonly ensureEach: boolean
}

export const generateScalingAndEdge = (ctx: GenerationContext, options: Options = { ensureEach: true }): void => {
  const { estate } = ctx
  const rng = scalingAndEdgePrng(estate.seed)
  let n = 0
  const next = (): number => ++n
  const network = (accountId: string, region: string) => ctx.networks.get(`${accountId}/${region}`)

  const loadBalancer = (group: Group, targets: ReadonlyArray<Instance>, targetGroup: boolean): void => {
    const first = group.instances[0]
    const net = network(group.accountId, group.region)
    if (first === undefined || net === undefined) return
    const id = next()
    const base = baseName(first.tags, "app")
    const type = rng.chance(0.8) ? "application" : "network"
    const scheme = rng.chance(0.7) ? "internet-facing" : "internal"
    const name = shortName(base, `${type === "application" ? "alb" : "nlb"}${id}`)
    const suffix = rng.hex(16)
    const arn = `arn:aws:elasticloadbalancing:${group.region}:${group.accountId}:loadbalancer/${type === "application" ? "app" : "net"}/${name}/${suffix}`
    // ALBs answer at <name>-<digits>.<region>.elb.amazonaws.com, NLBs at <name>-<hex>.elb.<region>.amazonaws.com.
    const prefix = `${scheme === "internal" ? "internal-" : ""}${name}`
    const dns = type === "application" ? `${prefix}-${rng.int(100_000_000, 2_000_000_000)}.${group.region}.elb.amazonaws.com` : `${prefix}-${rng.hex(16)}.elb.${group.region}.amazonaws.com`
    estate.loadBalancers.push({
      arn,
      name,
      accountId: group.accountId,
      region: group.region,
      type,
      scheme,
      dnsName: dns,
      vpcId: net.vpcId,
      availabilityZones: net.availabilityZones.slice(0, 2).map((zone, k) => ({ zone, subnetId: net.subnetIds[k] ?? "" })),
      securityGroupIds: type === "application" ? [...first.securityGroupIds] : [],
      createdAt: estate.asOf - rng.int(5, 700) * DAY,
      tags: { ...first.tags }
    })
    if (!targetGroup) return
    const tgName = shortName(base, `tg${id}`)
    estate.targetGroups.push({
      arn: `arn:aws:elasticloadbalancing:${group.region}:${group.accountId}:targetgroup/${tgName}/${rng.hex(16)}`,
      name: tgName,
      accountId: group.accountId,
      region: group.region,
      protocol: type === "application" ? "HTTP" : "TCP",
      port: type === "application" ? 80 : 443,
      vpcId: net.vpcId,
      loadBalancerArns: [arn],
      targets: targets.map((i) => i.id),
      tags: { ...first.tags }
    })
  }

  const autoScalingGroup = (group: Group, members: ReadonlyArray<Instance>): void => {
    const first = members[0]
    const net = network(group.accountId, group.region)
    if (first === undefined || net === undefined) return
    const id = next()
    const name = `${baseName(first.tags, "asg")}-asg-${id}`
    const running = members.filter((i) => i.state === "running" || i.state === "pending").length
    const targetGroup = estate.targetGroups.find((tg) => tg.accountId === group.accountId && tg.region === group.region && members.some((i) => tg.targets.includes(i.id)))
    estate.autoScalingGroups.push({
      name,
      arn: `arn:aws:autoscaling:${group.region}:${group.accountId}:autoScalingGroup:${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}:autoScalingGroupName/${name}`,
      accountId: group.accountId,
      region: group.region,
      launchTemplateId: `lt-${rng.hex(17)}`,
      launchTemplateName: `${name}-template`,
      minSize: Math.min(1, running),
      maxSize: Math.max(running, 1) + rng.int(1, 4),
      desiredCapacity: running,
      availabilityZones: [...new Set(members.map((i) => i.availabilityZone))],
      subnetIds: [...new Set(members.map((i) => i.subnetId))],
      instanceIds: members.map((i) => i.id),
      targetGroupArns: targetGroup === undefined ? [] : [targetGroup.arn],
      createdAt: Math.min(...members.map((i) => i.launchTime)) - DAY,
      tags: rng.chance(0.15) ? {} : { ...first.tags }
    })
  }

  const distribution = (bucketIndex: number): void => {
    const bucket = estate.buckets[bucketIndex]
    if (bucket === undefined) return
    const id = `E${rng.alnum(13).toUpperCase()}`
    const lb = estate.loadBalancers.find((l) => l.accountId === bucket.accountId && l.scheme === "internet-facing")
    estate.distributions.push({
      id,
      arn: `arn:aws:cloudfront::${bucket.accountId}:distribution/${id}`,
      accountId: bucket.accountId,
      domainName: `d${rng.alnum(13)}.cloudfront.net`,
      comment: `${bucket.name} via CloudFront`,
      enabled: rng.chance(0.9),
      priceClass: rng.pick(["PriceClass_All", "PriceClass_200", "PriceClass_100"] as const),
      origins: [`${bucket.name}.s3.${bucket.region}.amazonaws.com`, ...(lb !== undefined && rng.chance(0.3) ? [lb.dnsName] : [])],
      viewerProtocolPolicy: rng.weighted([["redirect-to-https", 6], ["https-only", 2], ["allow-all", 2]] as const),
      ...(rng.chance(0.4) ? { webAclId: `arn:aws:wafv2:us-east-1:${bucket.accountId}:global/webacl/edge-${rng.hex(6)}/${rng.hex(8)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(12)}` } : {}),
      lastModified: estate.asOf - rng.int(1, 400) * DAY,
      tags: { ...bucket.tags }
    })
  }

  const table = (accountId: string, region: string, tags: Tags): void => {
    const id = next()
    const provisioned = rng.chance(0.4)
    const items = rng.pick([0, 1_200, 48_000, 2_500_000, 90_000_000])
    estate.tables.push({
      name: `${baseName(tags, "shared")}-${rng.pick(["sessions", "orders", "events", "profiles", "locks"])}-${id}`,
      accountId,
      region,
      billingMode: provisioned ? "PROVISIONED" : "PAY_PER_REQUEST",
      ...(provisioned ? { readCapacityUnits: rng.pick([5, 25, 100, 400]), writeCapacityUnits: rng.pick([5, 25, 100]) } : {}),
      hashKey: "pk",
      ...(rng.chance(0.6) ? { rangeKey: "sk" } : {}),
      itemCount: items,
      sizeBytes: items * rng.int(200, 2_000),
      createdAt: estate.asOf - rng.int(20, 1_200) * DAY,
      tags: { ...tags }
    })
  }

  const groups = workloadGroups(estate.instances)
  for (const group of groups) {
    const running = group.instances.filter((i) => i.state === "running")
    if (running.length >= 1 && rng.chance(0.3)) loadBalancer(group, running, true)
    else if (rng.chance(0.05)) loadBalancer(group, [], rng.chance(0.5))
    if (group.instances.length >= 2 && rng.chance(0.35)) autoScalingGroup(group, group.instances)
  }
  for (const key of ctx.networks.keys()) {
    const [accountId = "", region = ""] = key.split("/")
    const tagged = estate.instances.find((i) => i.accountId === accountId && i.region === region)
    if (rng.chance(0.25)) table(accountId, region, tagged?.tags ?? {})
  }
  estate.buckets.forEach((_, k) => {
    if (rng.chance(0.12)) distribution(k)
  })

  if (!options.ensureEach) return
  const withRunning = groups.find((g) => g.instances.some((i) => i.state === "running"))
  const idle = (): boolean =>
    estate.loadBalancers.some((lb) => !estate.targetGroups.some((tg) => tg.loadBalancerArns.includes(lb.arn) && tg.targets.length > 0))
  if (withRunning !== undefined && estate.loadBalancers.length === 0) loadBalancer(withRunning, withRunning.instances.filter((i) => i.state === "running"), true)
  const anyGroup = groups[0]
  if (anyGroup !== undefined && !idle()) loadBalancer(anyGroup, [], true)
  if (estate.autoScalingGroups.length === 0 && withRunning !== undefined) autoScalingGroup(withRunning, withRunning.instances)
  if (estate.distributions.length === 0) distribution(0)
  const first = estate.instances[0]
  if (estate.tables.length === 0 && first !== undefined) table(first.accountId, first.region, first.tags)
}
