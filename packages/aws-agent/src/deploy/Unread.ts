/**
 * The before-state recorded for a skipped change whose resource the deployer
 * did not (or could not) read: a kind it has no reader for, or a resource
 * gone. `ChangeExecution.before` is required, so this stands in for it: state
 * "unknown", no tags, and the empty details of the kind. Nothing is decided
 * on it; the execution's reason says it was not read.
 */
import {
  AutoScalingGroupDetails,
  CloudFrontDistributionDetails,
  DynamoDbTableDetails,
  EbsVolumeDetails,
  Ec2InstanceDetails,
  EcsServiceDetails,
  ElasticIpDetails,
  LambdaFunctionDetails,
  LoadBalancerDetails,
  MicroUsd,
  owningAgent,
  RdsInstanceDetails,
  Resource,
  type ResourceDetails,
  type ResourceKind,
  type ResourceRef,
  S3BucketDetails,
  SecurityGroupDetails
} from "@miyabi/types"

const EMPTY: { readonly [K in ResourceKind]: (ref: ResourceRef) => ResourceDetails } = {
  "ec2-instance": () => Ec2InstanceDetails.make({ instanceType: "unknown", awsState: "unknown", lifecycle: "on-demand", volumeIds: [], securityGroupIds: [] }),
  "ebs-volume": () => EbsVolumeDetails.make({ volumeType: "gp2", sizeGiB: 1, encrypted: false, awsState: "unknown" }),
  "elastic-ip": (ref) => ElasticIpDetails.make({ publicIp: "", allocationId: ref.id }),
  "security-group": (ref) => SecurityGroupDetails.make({ groupName: ref.id, ingress: [] }),
  "s3-bucket": () => S3BucketDetails.make({ encryption: "unknown", publicByPolicy: false, lifecycleRules: 0, versioning: "Disabled" }),
  "rds-instance": () => RdsInstanceDetails.make({ instanceClass: "unknown", engine: "unknown", awsState: "unknown", multiAz: false, storageType: "unknown", allocatedStorageGiB: 1, storageEncrypted: false, publiclyAccessible: false }),
  "lambda-function": () => LambdaFunctionDetails.make({ memoryMiB: 128, timeoutSeconds: 1, architecture: "x86_64", packageType: "Zip" }),
  "ecs-service": (ref) => EcsServiceDetails.make({ clusterArn: ref.arn, taskDefinitionArn: ref.arn, launchType: "FARGATE", desiredCount: 0, runningCount: 0, cpuUnits: 1, memoryMiB: 1 }),
  "dynamodb-table": () => DynamoDbTableDetails.make({ billingMode: "PAY_PER_REQUEST", awsState: "unknown" }),
  "load-balancer": () => LoadBalancerDetails.make({ type: "application", scheme: "internal" }),
  "auto-scaling-group": () => AutoScalingGroupDetails.make({ minSize: 0, maxSize: 0, desiredCapacity: 0, instanceIds: [], instanceTypes: [] }),
  "cloudfront-distribution": () => CloudFrontDistributionDetails.make({ domainName: "", enabled: false, priceClass: "unknown", origins: [] })
}

export const unread = (ref: ResourceRef): Resource =>
  Resource.make({
    id: ref.id,
    arn: ref.arn,
    kind: ref.kind,
    account: ref.account,
    region: ref.region,
    state: "unknown",
    owner: owningAgent(ref.kind),
    tags: {},
    dependencies: [],
    details: EMPTY[ref.kind](ref),
    monthlyCost: MicroUsd.make(0)
  })
