/**
 * A resource as it will be after a change: the recommended values applied
 * to its details, or `undefined` when the change removes it (a deleted
 * volume, a released address). Pure; used for the target world of a plan
 * and for the infrastructure code.
 */
import {
  type ChangeAction,
  EbsVolumeDetails,
  Ec2InstanceDetails,
  EcsServiceDetails,
  IngressRule,
  LambdaFunctionDetails,
  RdsInstanceDetails,
  Resource,
  S3BucketDetails,
  SecurityGroupDetails
} from "@miyabi/types"

const sameRule = (a: IngressRule, b: IngressRule): boolean => a.protocol === b.protocol && a.fromPort === b.fromPort && a.toPort === b.toPort

const revoke = (ingress: ReadonlyArray<IngressRule>, rule: IngressRule): ReadonlyArray<IngressRule> =>
  ingress.flatMap((p) => {
    if (!sameRule(p, rule)) return [p]
    const kept = IngressRule.make({
      ...p,
      ipv4Ranges: p.ipv4Ranges.filter((c) => !rule.ipv4Ranges.includes(c)),
      ipv6Ranges: p.ipv6Ranges.filter((c) => !rule.ipv6Ranges.includes(c)),
      sourceGroupIds: p.sourceGroupIds.filter((g) => !rule.sourceGroupIds.includes(g))
    })
    return kept.ipv4Ranges.length + kept.ipv6Ranges.length + kept.sourceGroupIds.length === 0 ? [] : [kept]
  })

export const applyAction = (r: Resource, action: ChangeAction): Resource | undefined => {
  const d = r.details
  const with_ = (details: Resource["details"], state = r.state) => Resource.make({ ...r, details, state })
  switch (action._tag) {
    case "ResizeInstance":
      return d._tag === "ec2-instance" ? with_(Ec2InstanceDetails.make({ ...d, instanceType: action.toType })) : r
    case "StopInstance":
      return d._tag === "ec2-instance" ? with_(Ec2InstanceDetails.make({ ...d, awsState: "stopped" }), "stopped") : r
    case "StartInstance":
      return d._tag === "ec2-instance" ? with_(Ec2InstanceDetails.make({ ...d, awsState: "running" }), "running") : r
    case "ModifyVolume": {
      if (d._tag !== "ebs-volume") return r
      const { iops: _i, throughputMiBps: _t, ...rest } = d
      return with_(
        EbsVolumeDetails.make({
          ...rest,
          volumeType: action.toType,
          ...(action.iops === undefined ? {} : { iops: action.iops }),
          ...(action.throughputMiBps === undefined ? {} : { throughputMiBps: action.throughputMiBps })
        })
      )
    }
    case "SnapshotAndDeleteVolume":
    case "ReleaseAddress":
      return undefined
    case "SetLambdaMemory":
      return d._tag === "lambda-function" ? with_(LambdaFunctionDetails.make({ ...d, memoryMiB: action.toMiB })) : r
    case "ResizeEcsTask":
      return d._tag === "ecs-service" ? with_(EcsServiceDetails.make({ ...d, cpuUnits: action.toCpuUnits, memoryMiB: action.toMemoryMiB })) : r
    case "ResizeDbInstance":
      return d._tag === "rds-instance" ? with_(RdsInstanceDetails.make({ ...d, instanceClass: action.toClass })) : r
    case "SetDbPubliclyAccessible":
      return d._tag === "rds-instance" ? with_(RdsInstanceDetails.make({ ...d, publiclyAccessible: action.publiclyAccessible })) : r
    case "PutBucketLifecycle":
      return d._tag === "s3-bucket" ? with_(S3BucketDetails.make({ ...d, lifecycleRules: action.rules.length })) : r
    case "DeleteBucketLifecycle":
      return d._tag === "s3-bucket" ? with_(S3BucketDetails.make({ ...d, lifecycleRules: 0 })) : r
    case "PutPublicAccessBlock":
      return d._tag === "s3-bucket" ? with_(S3BucketDetails.make({ ...d, publicAccessBlock: action.configuration })) : r
    case "DeletePublicAccessBlock": {
      if (d._tag !== "s3-bucket") return r
      const { publicAccessBlock: _p, ...rest } = d
      return with_(S3BucketDetails.make(rest))
    }
    case "SetBucketEncryption":
      return d._tag === "s3-bucket" ? with_(S3BucketDetails.make({ ...d, encryption: action.algorithm })) : r
    case "RevokeIngress":
      return d._tag === "security-group" ? with_(SecurityGroupDetails.make({ ...d, ingress: revoke(d.ingress, action.rule) })) : r
    case "AuthorizeIngress":
      return d._tag === "security-group" ? with_(SecurityGroupDetails.make({ ...d, ingress: [...d.ingress, action.rule] })) : r
    case "RestoreVolumeFromSnapshot":
    case "AllocateAddress":
    case "PurchaseCommitment":
      return r
  }
}
