/**
 * Resources of an AWS estate as the agent cycle sees them (SPEC.md section 1):
 * their kinds, the agent roster that owns them, and per-kind details.
 */
import { Schema } from "effect"
import { AccountId, Arn, Region, ResourceId } from "./Ids.js"
import { MicroUsd } from "./Money.js"

/** The kinds of resource θ1 discovers. */
export const ResourceKind = Schema.Literal(
  "ec2-instance",
  "ebs-volume",
  "elastic-ip",
  "security-group",
  "s3-bucket",
  "rds-instance",
  "lambda-function",
  "ecs-service",
  "dynamodb-table",
  "load-balancer",
  "auto-scaling-group",
  "cloudfront-distribution"
)
export type ResourceKind = typeof ResourceKind.Type

/** The agent roster: display and ownership metadata, named after historical figures. */
export const AgentName = Schema.Literal("Gates", "Jobs", "Napoleon", "Hannibal", "Drucker", "Kotler", "Noguchi")
export type AgentName = typeof AgentName.Type

export interface AgentRole {
  readonly name: AgentName
  readonly domain: string
  readonly services: ReadonlyArray<string>
}

/** Who owns what, as SPEC.md lists it. Code is named by service, not persona. */
export const AgentRoster: ReadonlyArray<AgentRole> = [
  { name: "Gates", domain: "compute", services: ["EC2", "Lambda", "ECS"] },
  { name: "Jobs", domain: "storage and delivery", services: ["S3", "CloudFront"] },
  { name: "Napoleon", domain: "scaling", services: ["Auto Scaling", "Elastic Load Balancing"] },
  { name: "Hannibal", domain: "edge", services: ["Lambda@Edge", "CloudFront Functions"] },
  { name: "Drucker", domain: "monitoring", services: ["CloudWatch", "X-Ray"] },
  { name: "Kotler", domain: "communication", services: ["API Gateway", "SNS", "EventBridge"] },
  { name: "Noguchi", domain: "data", services: ["RDS", "DynamoDB"] }
]

/**
 * The owning agent of each discovered kind. Volumes, addresses and security
 * groups belong to EC2, so to Gates.
 */
export const AgentOfKind: { readonly [K in ResourceKind]: AgentName } = {
  "ec2-instance": "Gates",
  "ebs-volume": "Gates",
  "elastic-ip": "Gates",
  "security-group": "Gates",
  "lambda-function": "Gates",
  "ecs-service": "Gates",
  "s3-bucket": "Jobs",
  "cloudfront-distribution": "Jobs",
  "auto-scaling-group": "Napoleon",
  "load-balancer": "Napoleon",
  "rds-instance": "Noguchi",
  "dynamodb-table": "Noguchi"
}

/** The owning agent of a kind. */
export const owningAgent = (kind: ResourceKind): AgentName => AgentOfKind[kind]

/**
 * Normalized lifecycle state. `detached` is an EBS volume in state
 * "available" or an Elastic IP without association: paid for, serving nothing.
 * The raw AWS state stays in the details where AWS has one.
 */
export const ResourceState = Schema.Literal("running", "stopped", "pending", "detached", "deleting", "unknown")
export type ResourceState = typeof ResourceState.Type

/**
 * Tags as discovered: unlike the `Tags` users write (Account.ts), these may
 * carry AWS's own "aws:" keys (aws:cloudformation:stack-name, ...).
 */
export const ResourceTags = Schema.Record({ key: Schema.String, value: Schema.String })
export type ResourceTags = typeof ResourceTags.Type

/** A percentage 0..100. */
export const Percent = Schema.Number.pipe(Schema.between(0, 100))
export type Percent = typeof Percent.Type

/** Utilization over a window, read from CloudWatch. */
export class Utilization extends Schema.Class<Utilization>("Utilization")({
  /** e.g. "CPUUtilization", "MemoryUtilization", "Duration/Timeout". */
  metric: Schema.String,
  averagePercent: Percent,
  peakPercent: Schema.optional(Percent),
  windowDays: Schema.Int.pipe(Schema.positive()),
  datapoints: Schema.Int.pipe(Schema.nonNegative()),
  /** Lambda: invocations over the window. */
  invocations: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  /** Lambda: average duration. */
  averageDurationMs: Schema.optional(Schema.Number.pipe(Schema.nonNegative())),
  /** ECS: memory alongside CPU. */
  memoryAveragePercent: Schema.optional(Percent),
  /**
   * Median and 95th percentile of the main series over the window (the
   * period averages of CPU, or Lambda duration as a share of the timeout).
   * Optional: world files written before they were recorded still decode.
   */
  p50Percent: Schema.optional(Percent),
  p95Percent: Schema.optional(Percent),
  /** Seconds per datapoint (3600: hourly). */
  periodSeconds: Schema.optional(Schema.Int.pipe(Schema.positive())),
  /** History the datapoints cover (datapoints x period); below windowDays x 24 for a resource younger than the window. */
  historyHours: Schema.optional(Schema.Number.pipe(Schema.nonNegative()))
}) {}

const NonNegativeInt = Schema.Int.pipe(Schema.nonNegative())

export class Ec2InstanceDetails extends Schema.TaggedClass<Ec2InstanceDetails>()("ec2-instance", {
  instanceType: Schema.String,
  awsState: Schema.String,
  platform: Schema.optional(Schema.String),
  lifecycle: Schema.Literal("on-demand", "spot"),
  launchTime: Schema.optional(Schema.Date),
  vpcId: Schema.optional(Schema.String),
  publicIp: Schema.optional(Schema.String),
  volumeIds: Schema.Array(Schema.String),
  securityGroupIds: Schema.Array(Schema.String)
}) {}

export const EbsVolumeType = Schema.Literal("gp2", "gp3", "io1", "io2", "st1", "sc1", "standard")
export type EbsVolumeType = typeof EbsVolumeType.Type

export class EbsVolumeDetails extends Schema.TaggedClass<EbsVolumeDetails>()("ebs-volume", {
  volumeType: EbsVolumeType,
  sizeGiB: Schema.Int.pipe(Schema.positive()),
  iops: Schema.optional(NonNegativeInt),
  throughputMiBps: Schema.optional(NonNegativeInt),
  encrypted: Schema.Boolean,
  awsState: Schema.String,
  attachedTo: Schema.optional(Schema.String)
}) {}

export class ElasticIpDetails extends Schema.TaggedClass<ElasticIpDetails>()("elastic-ip", {
  publicIp: Schema.String,
  allocationId: Schema.String,
  associationId: Schema.optional(Schema.String),
  instanceId: Schema.optional(Schema.String),
  networkInterfaceId: Schema.optional(Schema.String)
}) {}

/** One ingress permission; ports absent means all ports (protocol "-1"). */
export class IngressRule extends Schema.Class<IngressRule>("IngressRule")({
  protocol: Schema.String,
  fromPort: Schema.optional(Schema.Int),
  toPort: Schema.optional(Schema.Int),
  ipv4Ranges: Schema.Array(Schema.String),
  ipv6Ranges: Schema.Array(Schema.String),
  sourceGroupIds: Schema.Array(Schema.String)
}) {}

export class SecurityGroupDetails extends Schema.TaggedClass<SecurityGroupDetails>()("security-group", {
  groupName: Schema.String,
  vpcId: Schema.optional(Schema.String),
  ingress: Schema.Array(IngressRule),
  /** Network interfaces using the group; 0 means unused. */
  attachments: Schema.optional(NonNegativeInt)
}) {}

export class PublicAccessBlock extends Schema.Class<PublicAccessBlock>("PublicAccessBlock")({
  blockPublicAcls: Schema.Boolean,
  ignorePublicAcls: Schema.Boolean,
  blockPublicPolicy: Schema.Boolean,
  restrictPublicBuckets: Schema.Boolean
}) {}

export class S3BucketDetails extends Schema.TaggedClass<S3BucketDetails>()("s3-bucket", {
  /** Default encryption: "none", "AES256" (SSE-S3), "aws:kms", "aws:kms:dsse". */
  encryption: Schema.String,
  /** Absent when the bucket has no public access block configuration. */
  publicAccessBlock: Schema.optional(PublicAccessBlock),
  /** The bucket policy or ACL grants access to everyone. */
  publicByPolicy: Schema.Boolean,
  lifecycleRules: NonNegativeInt,
  versioning: Schema.Literal("Enabled", "Suspended", "Disabled"),
  sizeBytes: Schema.optional(NonNegativeInt),
  objectCount: Schema.optional(NonNegativeInt)
}) {}

export class RdsInstanceDetails extends Schema.TaggedClass<RdsInstanceDetails>()("rds-instance", {
  instanceClass: Schema.String,
  engine: Schema.String,
  engineVersion: Schema.optional(Schema.String),
  awsState: Schema.String,
  multiAz: Schema.Boolean,
  storageType: Schema.String,
  allocatedStorageGiB: Schema.Int.pipe(Schema.positive()),
  storageEncrypted: Schema.Boolean,
  publiclyAccessible: Schema.Boolean
}) {}

export class LambdaFunctionDetails extends Schema.TaggedClass<LambdaFunctionDetails>()("lambda-function", {
  runtime: Schema.optional(Schema.String),
  memoryMiB: Schema.Int.pipe(Schema.between(128, 10_240)),
  timeoutSeconds: Schema.Int.pipe(Schema.positive()),
  architecture: Schema.Literal("x86_64", "arm64"),
  packageType: Schema.Literal("Zip", "Image"),
  codeSizeBytes: Schema.optional(NonNegativeInt)
}) {}

export class EcsServiceDetails extends Schema.TaggedClass<EcsServiceDetails>()("ecs-service", {
  clusterArn: Arn,
  taskDefinitionArn: Arn,
  launchType: Schema.Literal("FARGATE", "FARGATE_SPOT", "EC2", "EXTERNAL"),
  desiredCount: NonNegativeInt,
  runningCount: NonNegativeInt,
  /** Task size in CPU units (1024 = 1 vCPU) and MiB. */
  cpuUnits: Schema.Int.pipe(Schema.positive()),
  memoryMiB: Schema.Int.pipe(Schema.positive())
}) {}

export class DynamoDbTableDetails extends Schema.TaggedClass<DynamoDbTableDetails>()("dynamodb-table", {
  billingMode: Schema.Literal("PROVISIONED", "PAY_PER_REQUEST"),
  readCapacityUnits: Schema.optional(NonNegativeInt),
  writeCapacityUnits: Schema.optional(NonNegativeInt),
  itemCount: Schema.optional(NonNegativeInt),
  sizeBytes: Schema.optional(NonNegativeInt),
  awsState: Schema.String
}) {}

export class LoadBalancerDetails extends Schema.TaggedClass<LoadBalancerDetails>()("load-balancer", {
  type: Schema.Literal("application", "network", "gateway", "classic"),
  scheme: Schema.Literal("internet-facing", "internal"),
  dnsName: Schema.optional(Schema.String),
  /** Registered targets across target groups; 0 means the balancer serves nothing. */
  targetCount: Schema.optional(NonNegativeInt)
}) {}

export class AutoScalingGroupDetails extends Schema.TaggedClass<AutoScalingGroupDetails>()("auto-scaling-group", {
  minSize: NonNegativeInt,
  maxSize: NonNegativeInt,
  desiredCapacity: NonNegativeInt,
  instanceIds: Schema.Array(Schema.String),
  instanceTypes: Schema.Array(Schema.String)
}) {}

export class CloudFrontDistributionDetails extends Schema.TaggedClass<CloudFrontDistributionDetails>()(
  "cloudfront-distribution",
  {
    domainName: Schema.String,
    enabled: Schema.Boolean,
    priceClass: Schema.String,
    origins: Schema.Array(Schema.String),
    webAclId: Schema.optional(Schema.String),
    viewerProtocolPolicy: Schema.optional(Schema.String)
  }
) {}

/** Per-kind details; `_tag` equals the resource's kind. */
export const ResourceDetails = Schema.Union(
  Ec2InstanceDetails,
  EbsVolumeDetails,
  ElasticIpDetails,
  SecurityGroupDetails,
  S3BucketDetails,
  RdsInstanceDetails,
  LambdaFunctionDetails,
  EcsServiceDetails,
  DynamoDbTableDetails,
  LoadBalancerDetails,
  AutoScalingGroupDetails,
  CloudFrontDistributionDetails
)
export type ResourceDetails = typeof ResourceDetails.Type

/** Enough to name a resource from a finding, a change or an observation. */
export class ResourceRef extends Schema.Class<ResourceRef>("ResourceRef")({
  id: ResourceId,
  arn: Arn,
  kind: ResourceKind,
  account: AccountId,
  region: Region
}) {}

const ResourceFields = Schema.Struct({
  id: ResourceId,
  arn: Arn,
  kind: ResourceKind,
  name: Schema.optional(Schema.String),
  account: AccountId,
  /** Global services (CloudFront) are recorded in us-east-1. */
  region: Region,
  state: ResourceState,
  owner: AgentName,
  tags: ResourceTags,
  /** ARNs of the resources this one depends on (an instance on its volumes and groups). */
  dependencies: Schema.Array(Arn),
  details: ResourceDetails,
  monthlyCost: MicroUsd,
  utilization: Schema.optional(Utilization)
})

export class Resource extends Schema.Class<Resource>("Resource")(
  ResourceFields.pipe(
    Schema.filter((r) =>
      r.details._tag === r.kind
        ? undefined
        : { path: ["details", "_tag"], message: `details are for ${r.details._tag}, the resource is a ${r.kind}` }
    )
  )
) {
  get ref(): ResourceRef {
    return ResourceRef.make({ id: this.id, arn: this.arn, kind: this.kind, account: this.account, region: this.region })
  }
}
