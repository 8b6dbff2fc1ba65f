/**
 * The estate's data model: an organization and the resources in its member
 * accounts. It is plain, mutable data: the sandbox's services change it
 * (stop an instance, resize a database) and the metric and cost sources read
 * it, so a change is visible everywhere at once.
 *
 * Timestamps are epoch milliseconds (numbers), so two estates compare with a
 * plain deep equality.
 */
export type Tags = Record<string, string>

export type Environment = "prod" | "staging" | "dev"

export type UtilizationProfile = "idle" | "steady" | "spiky" | "overProvisioned"

export interface OrganizationalUnit {
  readonly id: string
  readonly arn: string
  readonly name: string
  readonly parentId: string
}

export type AccountRole = "management" | "security" | "infrastructure" | "workload" | "pool" | "silo" | "sandbox"

export interface Account {
  readonly id: string
  readonly arn: string
  readonly name: string
  readonly email: string
  readonly parentId: string
  readonly role: AccountRole
  readonly environment: Environment
  /** For a silo account: the one customer it belongs to. */
  readonly customerId?: string
  readonly joinedAt: number
}

export interface Organization {
  readonly id: string
  readonly arn: string
  readonly rootId: string
  readonly managementAccountId: string
  readonly managementEmail: string
  readonly units: Array<OrganizationalUnit>
  readonly accounts: Array<Account>
}

export interface Customer {
  readonly id: string
  readonly name: string
  readonly tenancy: "pool" | "silo"
}

/** One change of an instance's type or state, so metrics and costs can look back in time. */
export interface InstanceEpoch {
  readonly at: number
  readonly instanceType: string
  readonly running: boolean
}

export type InstanceState = "pending" | "running" | "stopping" | "stopped"

export interface Instance {
  readonly id: string
  readonly accountId: string
  readonly region: string
  readonly availabilityZone: string
  instanceType: string
  /** The type the workload was sized for; CPU scales by its vCPUs over the current ones. */
  baselineInstanceType: string
  state: InstanceState
  /** When a transitional state (pending, stopping) settles. */
  stateSettlesAt?: number
  stateTransitionReason: string
  readonly launchTime: number
  readonly imageId: string
  readonly vpcId: string
  readonly subnetId: string
  readonly privateIpAddress: string
  readonly securityGroupIds: Array<string>
  readonly architecture: "x86_64" | "arm64"
  profile: UtilizationProfile
  readonly keyName?: string
  tags: Tags
  history: Array<InstanceEpoch>
}

export type VolumeType = "gp2" | "gp3" | "io1" | "standard"

export interface VolumeAttachment {
  readonly instanceId: string
  readonly device: string
  readonly attachTime: number
  readonly deleteOnTermination: boolean
}

export interface Volume {
  readonly id: string
  readonly accountId: string
  readonly region: string
  readonly availabilityZone: string
  sizeGiB: number
  volumeType: VolumeType
  iops?: number
  throughput?: number
  encrypted: boolean
  readonly createTime: number
  readonly snapshotId: string
  attachment?: VolumeAttachment
  /** "deleted" volumes stay in the estate so the cost history stays true. */
  deletedAt?: number
  tags: Tags
}

export interface Snapshot {
  readonly id: string
  readonly accountId: string
  readonly region: string
  readonly volumeId: string
  readonly volumeSize: number
  readonly description: string
  readonly startTime: number
  readonly encrypted: boolean
  tags: Tags
}

export interface Address {
  readonly allocationId: string
  readonly accountId: string
  readonly region: string
  readonly publicIp: string
  associationId?: string
  instanceId?: string
  privateIpAddress?: string
  releasedAt?: number
  tags: Tags
}

export interface IpPermission {
  readonly protocol: string
  readonly fromPort?: number
  readonly toPort?: number
  readonly cidrs: Array<string>
}

export interface SecurityGroup {
  readonly id: string
  readonly accountId: string
  readonly region: string
  readonly name: string
  readonly description: string
  readonly vpcId: string
  readonly ingress: Array<IpPermission>
  readonly egress: Array<IpPermission>
  tags: Tags
}

export interface PublicAccessBlock {
  readonly blockPublicAcls: boolean
  readonly ignorePublicAcls: boolean
  readonly blockPublicPolicy: boolean
  readonly restrictPublicBuckets: boolean
}

export interface LifecycleRule {
  readonly id: string
  readonly prefix: string
  readonly status: "Enabled" | "Disabled"
  readonly transitionDays?: number
  readonly transitionStorageClass?: string
  readonly expirationDays?: number
}

export interface Bucket {
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly creationDate: number
  encryption?: "AES256" | "aws:kms"
  publicAccessBlock?: PublicAccessBlock
  lifecycleRules?: Array<LifecycleRule>
  readonly sizeGiB: number
  tags: Tags
}

export interface DbInstance {
  readonly identifier: string
  readonly resourceId: string
  readonly accountId: string
  readonly region: string
  readonly availabilityZone: string
  instanceClass: string
  readonly baselineInstanceClass: string
  readonly engine: "postgres" | "mysql"
  readonly engineVersion: string
  status: "available" | "modifying" | "stopped"
  /** A class change not yet applied: at `pendingApplyAt` (now + a moment, or the next maintenance window). */
  pendingInstanceClass?: string
  pendingApplyAt?: number
  readonly allocatedStorage: number
  readonly storageType: "gp2" | "gp3"
  publiclyAccessible: boolean
  storageEncrypted: boolean
  readonly multiAz: boolean
  readonly createTime: number
  readonly masterUsername: string
  readonly profile: UtilizationProfile
  tags: Tags
  history: Array<{ readonly at: number; readonly instanceClass: string }>
}

export interface LambdaFunction {
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly runtime: string
  readonly handler: string
  memorySize: number
  readonly baselineMemorySize: number
  /** Memory size over time (the first entry stands for "since the function exists"), for metrics and costs. */
  memoryHistory: Array<{ readonly at: number; readonly memorySize: number }>
  timeout: number
  readonly codeSize: number
  lastModified: number
  readonly architecture: "x86_64" | "arm64"
  readonly profile: UtilizationProfile
  /** Mean duration in ms at the baseline memory size. */
  readonly baselineDurationMs: number
  /** Mean invocations per hour. */
  readonly invocationsPerHour: number
  revisionId: string
  tags: Tags
}

export interface EcsCluster {
  readonly name: string
  readonly accountId: string
  readonly region: string
  tags: Tags
}

export interface TaskDefinition {
  readonly family: string
  readonly revision: number
  readonly accountId: string
  readonly region: string
  readonly cpu: number
  readonly memory: number
  readonly image: string
  readonly registeredAt: number
}

export interface EcsService {
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly clusterName: string
  taskDefinition: string
  desiredCount: number
  readonly launchType: "FARGATE" | "EC2"
  readonly createdAt: number
  readonly profile: UtilizationProfile
  readonly subnetIds: Array<string>
  readonly securityGroupIds: Array<string>
  deployments: number
  tags: Tags
  /** Desired count and task definition over time, for metrics and costs. */
  history: Array<{ readonly at: number; readonly desiredCount: number; readonly taskDefinition: string }>
}

export interface EcsTask {
  readonly id: string
  readonly accountId: string
  readonly region: string
  readonly clusterName: string
  readonly serviceName: string
  readonly taskDefinition: string
  readonly startedAt: number
  protectionEnabled: boolean
  protectionExpiresAt?: number
}

/** An Application or Network Load Balancer (ELBv2). */
export interface LoadBalancer {
  readonly arn: string
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly type: "application" | "network"
  readonly scheme: "internet-facing" | "internal"
  readonly dnsName: string
  readonly vpcId: string
  readonly availabilityZones: Array<{ readonly zone: string; readonly subnetId: string }>
  readonly securityGroupIds: Array<string>
  readonly createdAt: number
  tags: Tags
}

/** An ELBv2 target group; `targets` are instance ids of the estate. */
export interface TargetGroup {
  readonly arn: string
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly protocol: "HTTP" | "HTTPS" | "TCP"
  readonly port: number
  readonly vpcId: string
  /** The balancers that forward to this group (empty: the group is not in use). */
  readonly loadBalancerArns: Array<string>
  targets: Array<string>
  tags: Tags
}

/** An EC2 Auto Scaling group; `instanceIds` are instances of the estate. */
export interface AutoScalingGroup {
  readonly name: string
  readonly arn: string
  readonly accountId: string
  readonly region: string
  readonly launchTemplateId: string
  readonly launchTemplateName: string
  minSize: number
  maxSize: number
  desiredCapacity: number
  readonly availabilityZones: Array<string>
  readonly subnetIds: Array<string>
  instanceIds: Array<string>
  readonly targetGroupArns: Array<string>
  readonly createdAt: number
  tags: Tags
}

/** A CloudFront distribution: global, owned by an account, recorded in us-east-1. */
export interface Distribution {
  readonly id: string
  readonly arn: string
  readonly accountId: string
  readonly domainName: string
  readonly comment: string
  enabled: boolean
  readonly priceClass: "PriceClass_All" | "PriceClass_200" | "PriceClass_100"
  /** Origin domain names (an S3 bucket of the estate, or a load balancer). */
  readonly origins: Array<string>
  readonly viewerProtocolPolicy: "allow-all" | "redirect-to-https" | "https-only"
  readonly webAclId?: string
  readonly lastModified: number
  tags: Tags
}

/** A DynamoDB table; the sandbox's dynalite holds its schema, the estate its size and billing. */
export interface DynamoTable {
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly billingMode: "PROVISIONED" | "PAY_PER_REQUEST"
  readonly readCapacityUnits?: number
  readonly writeCapacityUnits?: number
  readonly hashKey: string
  readonly rangeKey?: string
  readonly itemCount: number
  readonly sizeBytes: number
  readonly createdAt: number
  tags: Tags
}

export type WasteReason =
  | "idle"
  | "overProvisioned"
  | "unattachedVolume"
  | "unassociatedAddress"
  | "gp2Volume"
  | "previousGeneration"
  | "stoppedWithVolumes"
  | "bucketWithoutLifecycle"

export type RiskReason =
  | "publicBucket"
  | "unencryptedVolume"
  | "unencryptedBucket"
  | "unencryptedDatabase"
  | "publicDatabase"
  | "openSecurityGroup"

export type ResourceKind =
  | "ec2:instance"
  | "ec2:volume"
  | "ec2:address"
  | "ec2:security-group"
  | "s3:bucket"
  | "rds:db"
  | "lambda:function"
  | "ecs:service"
  | "elbv2:load-balancer"
  | "autoscaling:group"
  | "cloudfront:distribution"
  | "dynamodb:table"

export type Finding =
  | { readonly category: "waste"; readonly reason: WasteReason; readonly kind: ResourceKind; readonly resourceId: string; readonly accountId: string; readonly region: string }
  | { readonly category: "risk"; readonly reason: RiskReason; readonly kind: ResourceKind; readonly resourceId: string; readonly accountId: string; readonly region: string }

export type EstateSize = "tiny" | "small" | "medium" | "large"

export interface EstateData {
  readonly seed: number
  readonly size: EstateSize
  /** The instant the estate was generated "at"; histories and costs end here. */
  readonly asOf: number
  readonly regions: ReadonlyArray<string>
  readonly organization: Organization
  readonly customers: Array<Customer>
  readonly instances: Array<Instance>
  readonly volumes: Array<Volume>
  readonly snapshots: Array<Snapshot>
  readonly addresses: Array<Address>
  readonly securityGroups: Array<SecurityGroup>
  readonly buckets: Array<Bucket>
  readonly dbInstances: Array<DbInstance>
  readonly functions: Array<LambdaFunction>
  readonly clusters: Array<EcsCluster>
  readonly taskDefinitions: Array<TaskDefinition>
  readonly services: Array<EcsService>
  readonly tasks: Array<EcsTask>
  readonly loadBalancers: Array<LoadBalancer>
  readonly targetGroups: Array<TargetGroup>
  readonly autoScalingGroups: Array<AutoScalingGroup>
  readonly distributions: Array<Distribution>
  readonly tables: Array<DynamoTable>
  /** What was wasteful or risky when the estate was generated. */
  readonly truth: ReadonlyArray<Finding>
}

/** An estate's resource lists, all empty: the start of a generated or a hand-made estate. */
export const noResources = (): Pick<
  EstateData,
  | "instances"
  | "volumes"
  | "snapshots"
  | "addresses"
  | "securityGroups"
  | "buckets"
  | "dbInstances"
  | "functions"
  | "clusters"
  | "taskDefinitions"
  | "services"
  | "tasks"
  | "loadBalancers"
  | "targetGroups"
  | "autoScalingGroups"
  | "distributions"
  | "tables"
  | "truth"
> => ({
  instances: [],
  volumes: [],
  snapshots: [],
  addresses: [],
  securityGroups: [],
  buckets: [],
  dbInstances: [],
  functions: [],
  clusters: [],
  taskDefinitions: [],
  services: [],
  tasks: [],
  loadBalancers: [],
  targetGroups: [],
  autoScalingGroups: [],
  distributions: [],
  tables: [],
  truth: []
})
