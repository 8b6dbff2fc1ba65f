/**
 * Small worlds for θ3/θ2 tests: one resource of each kind with the fields a
 * rule reads, priced by the shipped catalog, with θ1's findings evaluated.
 */
import {
  AccountId,
  Arn,
  CycleId,
  EbsVolumeDetails,
  Ec2InstanceDetails,
  EcsServiceDetails,
  ElasticIpDetails,
  IngressRule,
  LambdaFunctionDetails,
  MicroUsd,
  owningAgent,
  PublicAccessBlock,
  RdsInstanceDetails,
  Region,
  Resource,
  type ResourceDetails,
  ResourceId,
  type ResourceState,
  S3BucketDetails,
  SecurityGroupDetails,
  Utilization,
  WORLD_STATE_SCHEMA_VERSION,
  WorldState
} from "@miyabi/types"
import { evaluate, securityScore } from "../findings/Findings.js"
import { config, type OptimizeConfig } from "./Config.js"
import { ruleContext } from "./Optimizer.js"
import type { OptimizeRule, Proposal } from "./RuleKit.js"
import { monthlyCost, shipped } from "../pricing/PricingCatalog.js"

export const ACCOUNT = AccountId.make("123456789012")
export const REGION = Region.make("us-east-1")
export const CYCLE = CycleId.make("cycle-1")
export const AT = new Date("2026-11-20T00:00:00Z")

export interface Usage {
  readonly avg?: number
  readonly peak?: number
  readonly hours?: number
  readonly memory?: number
  readonly invocations?: number
  readonly durationMs?: number
  readonly metric?: string
}

export const usage = (u: Usage): Utilization =>
  Utilization.make({
    metric: u.metric ?? "CPUUtilization",
    averagePercent: u.avg ?? 10,
    peakPercent: u.peak ?? u.avg ?? 10,
    windowDays: 14,
    datapoints: u.hours ?? 14 * 24,
    ...(u.memory === undefined ? {} : { memoryAveragePercent: u.memory }),
    ...(u.invocations === undefined ? {} : { invocations: u.invocations }),
    ...(u.durationMs === undefined ? {} : { averageDurationMs: u.durationMs })
  })

const ARN_PREFIX: Readonly<Record<ResourceDetails["_tag"], string>> = {
  "ec2-instance": "ec2:us-east-1:123456789012:instance/",
  "ebs-volume": "ec2:us-east-1:123456789012:volume/",
  "elastic-ip": "ec2:us-east-1:123456789012:elastic-ip/",
  "security-group": "ec2:us-east-1:123456789012:security-group/",
  "s3-bucket": "s3:::",
  "rds-instance": "rds:us-east-1:123456789012:db:",
  "lambda-function": "lambda:us-east-1:123456789012:function:",
  "ecs-service": "ecs:us-east-1:123456789012:service/main/",
  "dynamodb-table": "dynamodb:us-east-1:123456789012:table/",
  "load-balancer": "elasticloadbalancing:us-east-1:123456789012:loadbalancer/",
  "auto-scaling-group": "autoscaling:us-east-1:123456789012:autoScalingGroup:",
  "cloudfront-distribution": "cloudfront::123456789012:distribution/"
}

export interface Extra {
  readonly state?: ResourceState
  readonly tags?: Readonly<Record<string, string>>
  readonly utilization?: Utilization
}

export const resource = (id: string, details: ResourceDetails, extra: Extra = {}): Resource => {
  const draft = {
    id: ResourceId.make(id),
    arn: Arn.make(`arn:aws:${ARN_PREFIX[details._tag]}${id}`),
    kind: details._tag,
    account: ACCOUNT,
    region: REGION,
    state: extra.state ?? (details._tag === "ebs-volume" && details.awsState === "available" ? "detached" : "running"),
    owner: owningAgent(details._tag),
    tags: { ...extra.tags },
    dependencies: [],
    details,
    monthlyCost: MicroUsd.make(0),
    ...(extra.utilization === undefined ? {} : { utilization: extra.utilization })
  }
  return Resource.make({ ...draft, monthlyCost: monthlyCost(shipped, Resource.make(draft)) })
}

export const ec2 = (id: string, instanceType: string, u?: Usage, extra: Extra = {}): Resource =>
  resource(id, Ec2InstanceDetails.make({ instanceType, awsState: extra.state ?? "running", lifecycle: "on-demand", volumeIds: [], securityGroupIds: [] }), {
    ...extra,
    ...(u === undefined ? {} : { utilization: usage(u) })
  })

export const volume = (id: string, volumeType: EbsVolumeDetails["volumeType"], sizeGiB: number, attached = true, extra: Extra = {}): Resource =>
  resource(id, EbsVolumeDetails.make({ volumeType, sizeGiB, encrypted: true, awsState: attached ? "in-use" : "available", ...(attached ? { attachedTo: "i-0attached" } : {}) }), extra)

export const address = (id: string, associated: boolean): Resource =>
  resource(id, ElasticIpDetails.make({ publicIp: "203.0.113.7", allocationId: id, ...(associated ? { associationId: "eipassoc-1", instanceId: "i-1" } : {}) }))

export const bucket = (id: string, fields: Partial<{ lifecycleRules: number; sizeBytes: number; encryption: string; publicByPolicy: boolean; blocked: boolean }> = {}): Resource =>
  resource(
    id,
    S3BucketDetails.make({
      encryption: fields.encryption ?? "AES256",
      publicByPolicy: fields.publicByPolicy ?? false,
      lifecycleRules: fields.lifecycleRules ?? 0,
      versioning: "Enabled",
      ...(fields.blocked === false ? {} : { publicAccessBlock: PublicAccessBlock.make({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true }) }),
      ...(fields.sizeBytes === undefined ? {} : { sizeBytes: fields.sizeBytes })
    })
  )

export const database = (id: string, instanceClass: string, u?: Usage, fields: Partial<{ multiAz: boolean; publiclyAccessible: boolean }> = {}): Resource =>
  resource(
    id,
    RdsInstanceDetails.make({
      instanceClass,
      engine: "postgres",
      engineVersion: "16.4",
      awsState: "available",
      multiAz: fields.multiAz ?? false,
      storageType: "gp3",
      allocatedStorageGiB: 100,
      storageEncrypted: true,
      publiclyAccessible: fields.publiclyAccessible ?? false
    }),
    u === undefined ? {} : { utilization: usage(u) }
  )

export const fn = (id: string, memoryMiB: number, u?: Usage): Resource =>
  resource(id, LambdaFunctionDetails.make({ runtime: "nodejs20.x", memoryMiB, timeoutSeconds: 30, architecture: "x86_64", packageType: "Zip" }), u === undefined ? {} : { utilization: usage({ metric: "Duration/Timeout", ...u }) })

export const service = (id: string, cpuUnits: number, memoryMiB: number, u?: Usage): Resource =>
  resource(
    id,
    EcsServiceDetails.make({
      clusterArn: Arn.make("arn:aws:ecs:us-east-1:123456789012:cluster/main"),
      taskDefinitionArn: Arn.make(`arn:aws:ecs:us-east-1:123456789012:task-definition/${id}:3`),
      launchType: "FARGATE",
      desiredCount: 2,
      runningCount: 2,
      cpuUnits,
      memoryMiB
    }),
    u === undefined ? {} : { utilization: usage(u) }
  )

export const group = (id: string, ports: ReadonlyArray<number>): Resource =>
  resource(
    id,
    SecurityGroupDetails.make({
      groupName: `${id}-name`,
      vpcId: "vpc-1",
      ingress: ports.map((p) => IngressRule.make({ protocol: "tcp", fromPort: p, toPort: p, ipv4Ranges: ["0.0.0.0/0", "10.0.0.0/8"], ipv6Ranges: [], sourceGroupIds: [] })),
      attachments: 1
    })
  )

export const world = (resources: ReadonlyArray<Resource>): WorldState => {
  const findings = evaluate(resources, shipped)
  return WorldState.make({
    schemaVersion: WORLD_STATE_SCHEMA_VERSION,
    timestamp: AT,
    accounts: [ACCOUNT],
    regions: [REGION],
    resources: [...resources],
    monthlyCost: MicroUsd.make(resources.reduce((a, r) => a + r.monthlyCost, 0)),
    securityScore: securityScore(resources, findings),
    averageUtilization: 10,
    findings: [...findings],
    coverage: []
  })
}

/** Runs one rule over the first resource of a world of `resources`. */
export const proposals = (
  rule: OptimizeRule,
  resources: ReadonlyArray<Resource>,
  overrides: Partial<OptimizeConfig> = {},
  p95?: number
) => {
  const w = world(resources)
  const target = resources[0]
  if (target === undefined) return []
  const stats = p95 === undefined ? undefined : new Map([[target.arn as string, { count: 336, avg: p95 / 2, p50: p95 / 2, p95, max: p95 }]])
  return rule.propose(target, ruleContext(w, shipped, config(overrides), stats))
}

export const changesOf = (ps: ReadonlyArray<Proposal>) => ps.flatMap((p) => (p._tag === "Change" ? [p.change] : []))
export const adviceOf = (ps: ReadonlyArray<Proposal>) => ps.flatMap((p) => (p._tag === "Advice" ? [p.advice] : []))
