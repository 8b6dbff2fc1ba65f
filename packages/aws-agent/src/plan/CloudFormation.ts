/**
 * CloudFormation for the resources a plan touches, per account and region:
 * an import template (every discovered resource with its recommended values,
 * DeletionPolicy/UpdateReplacePolicy Retain, plus the ResourcesToImport list
 * for an IMPORT change set) and, when a change needs a new resource (an ECS
 * task definition revision), a separate template, since an import change set
 * cannot create resources. Values discovery does not read (an instance's
 * AMI, a function's code and role) are template parameters or left out.
 */
import { IacArtifact, type Resource } from "@miyabi/types"
import { plannedRules, toCloudFormation } from "./LifecycleRules.js"
import type { Touched } from "./Planner.js"

export interface CfnResource {
  readonly Type: string
  readonly Properties: Record<string, unknown>
  readonly DeletionPolicy?: "Retain"
  readonly UpdateReplacePolicy?: "Retain"
}

export interface CfnTemplate {
  readonly AWSTemplateFormatVersion: "2010-09-09"
  readonly Description: string
  readonly Parameters?: Record<string, { readonly Type: "String"; readonly Description: string }>
  readonly Resources: Record<string, CfnResource>
}

export interface ResourceToImport {
  readonly ResourceType: string
  readonly LogicalResourceId: string
  readonly ResourceIdentifier: Record<string, string>
}

export const logicalId = (r: Resource): string => {
  const prefix = r.kind.split("-").map((w) => (w === "ec2" ? "Ec2" : w === "ebs" ? "Ebs" : w === "s3" ? "S3" : w === "rds" ? "Rds" : w === "ecs" ? "Ecs" : w[0]!.toUpperCase() + w.slice(1))).join("")
  return `${prefix}${r.id.replace(/[^A-Za-z0-9]/g, "")}`.slice(0, 255)
}

const tags = (r: Resource) => {
  const list = Object.entries(r.tags).filter(([k]) => !k.startsWith("aws:")).map(([Key, Value]) => ({ Key, Value }))
  return list.length === 0 ? {} : { Tags: list }
}

type Rendered = { resource: CfnResource; parameters?: CfnTemplate["Parameters"]; identifier?: Record<string, string>; isNew?: boolean }

const retain = (Type: string, Properties: Record<string, unknown>): CfnResource => ({ Type, Properties, DeletionPolicy: "Retain", UpdateReplacePolicy: "Retain" })

const render = (t: Touched, after: Resource, id: string): Rendered | undefined => {
  const d = after.details
  switch (d._tag) {
    case "ec2-instance":
      return {
        resource: retain("AWS::EC2::Instance", { InstanceType: d.instanceType, ...(d.securityGroupIds.length === 0 ? {} : { SecurityGroupIds: [...d.securityGroupIds] }), ...tags(after) }),
        identifier: { InstanceId: after.id }
      }
    case "ebs-volume":
      return {
        resource: retain("AWS::EC2::Volume", {
          VolumeType: d.volumeType,
          Size: d.sizeGiB,
          Encrypted: d.encrypted,
          ...(d.iops === undefined || !["gp3", "io1", "io2"].includes(d.volumeType) ? {} : { Iops: d.iops }),
          ...(d.throughputMiBps === undefined || d.volumeType !== "gp3" ? {} : { Throughput: d.throughputMiBps }),
          ...tags(after)
        }),
        identifier: { VolumeId: after.id }
      }
    case "elastic-ip":
      return { resource: retain("AWS::EC2::EIP", { Domain: "vpc", ...tags(after) }), identifier: { PublicIp: d.publicIp, AllocationId: d.allocationId } }
    case "security-group":
      return {
        resource: retain("AWS::EC2::SecurityGroup", {
          GroupName: d.groupName,
          GroupDescription: d.groupName,
          ...(d.vpcId === undefined ? {} : { VpcId: d.vpcId }),
          SecurityGroupIngress: d.ingress.flatMap((p) => {
            const ports = p.protocol === "-1" ? {} : { FromPort: p.fromPort ?? 0, ToPort: p.toPort ?? 65535 }
            return [
              ...p.ipv4Ranges.map((CidrIp) => ({ IpProtocol: p.protocol, ...ports, CidrIp })),
              ...p.ipv6Ranges.map((CidrIpv6) => ({ IpProtocol: p.protocol, ...ports, CidrIpv6 })),
              ...p.sourceGroupIds.map((SourceSecurityGroupId) => ({ IpProtocol: p.protocol, ...ports, SourceSecurityGroupId }))
            ]
          }),
          ...tags(after)
        }),
        identifier: { Id: after.id }
      }
    case "s3-bucket": {
      const rules = plannedRules(t.actions)
      const b = d.publicAccessBlock
      return {
        resource: retain("AWS::S3::Bucket", {
          BucketName: after.id,
          ...(rules === undefined || rules.length === 0 ? {} : { LifecycleConfiguration: { Rules: rules.map(toCloudFormation) } }),
          ...(d.encryption === "none" ? {} : { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: d.encryption } }] } }),
          ...(b === undefined
            ? {}
            : { PublicAccessBlockConfiguration: { BlockPublicAcls: b.blockPublicAcls, IgnorePublicAcls: b.ignorePublicAcls, BlockPublicPolicy: b.blockPublicPolicy, RestrictPublicBuckets: b.restrictPublicBuckets } }),
          ...(d.versioning === "Disabled" ? {} : { VersioningConfiguration: { Status: d.versioning } }),
          ...tags(after)
        }),
        identifier: { BucketName: after.id }
      }
    }
    case "rds-instance":
      return {
        resource: retain("AWS::RDS::DBInstance", {
          DBInstanceIdentifier: after.id,
          DBInstanceClass: d.instanceClass,
          Engine: d.engine,
          ...(d.engineVersion === undefined ? {} : { EngineVersion: d.engineVersion }),
          MultiAZ: d.multiAz,
          AllocatedStorage: String(d.allocatedStorageGiB),
          StorageType: d.storageType,
          StorageEncrypted: d.storageEncrypted,
          PubliclyAccessible: d.publiclyAccessible,
          ...tags(after)
        }),
        identifier: { DBInstanceIdentifier: after.id }
      }
    case "lambda-function": {
      const p = (name: string, Description: string) => ({ [`${id}${name}`]: { Type: "String" as const, Description } })
      const image = d.packageType === "Image"
      return {
        resource: retain("AWS::Lambda::Function", {
          FunctionName: after.id,
          MemorySize: d.memoryMiB,
          Timeout: d.timeoutSeconds,
          Architectures: [d.architecture],
          PackageType: d.packageType,
          ...(d.runtime === undefined ? {} : { Runtime: d.runtime }),
          Role: { Ref: `${id}Role` },
          Code: image ? { ImageUri: { Ref: `${id}ImageUri` } } : { S3Bucket: { Ref: `${id}CodeS3Bucket` }, S3Key: { Ref: `${id}CodeS3Key` } },
          ...tags(after)
        }),
        parameters: {
          ...p("Role", `Execution role ARN of ${after.id} (aws lambda get-function-configuration)`),
          ...(image ? p("ImageUri", `Image URI of ${after.id}`) : { ...p("CodeS3Bucket", `Bucket holding the code of ${after.id}`), ...p("CodeS3Key", `Key of the code of ${after.id}`) })
        },
        identifier: { FunctionName: after.id }
      }
    }
    case "ecs-service":
      return {
        resource: retain("AWS::ECS::TaskDefinition", {
          Family: after.name ?? after.id.split("/").pop() ?? after.id,
          Cpu: String(d.cpuUnits),
          Memory: String(d.memoryMiB),
          RequiresCompatibilities: ["FARGATE"],
          NetworkMode: "awsvpc",
          ...tags(after)
        }),
        isNew: true
      }
    default:
      return undefined
  }
}

export interface CloudFormationOutput {
  readonly importTemplate: CfnTemplate
  readonly resourcesToImport: ReadonlyArray<ResourceToImport>
  readonly newTemplate?: CfnTemplate
  /** Touched resources the plan removes (deleted volumes, released addresses): not in any template. */
  readonly removed: ReadonlyArray<string>
}

/** One account and region's templates. */
export const templatesFor = (touched: ReadonlyArray<Touched>, scope: string): CloudFormationOutput => {
  const imported: Record<string, CfnResource> = {}
  const created: Record<string, CfnResource> = {}
  const parameters: NonNullable<CfnTemplate["Parameters"]> = {}
  const toImport: Array<ResourceToImport> = []
  const removed: Array<string> = []
  for (const t of touched) {
    if (t.after === undefined) {
      removed.push(t.before.id)
      continue
    }
    let id = logicalId(t.after)
    for (let n = 2; imported[id] !== undefined || created[id] !== undefined; n++) id = `${logicalId(t.after)}${n}`
    const out = render(t, t.after, id)
    if (out === undefined) continue
    if (out.isNew === true) created[id] = out.resource
    else imported[id] = out.resource
    Object.assign(parameters, out.parameters ?? {})
    if (out.identifier !== undefined) toImport.push({ ResourceType: out.resource.Type, LogicalResourceId: id, ResourceIdentifier: out.identifier })
  }
  const importTemplate: CfnTemplate = {
    AWSTemplateFormatVersion: "2010-09-09",
    Description: `Miyabi plan for ${scope}: discovered resources with the recommended values, for an IMPORT change set (DeletionPolicy Retain)`,
    ...(Object.keys(parameters).length === 0 ? {} : { Parameters: parameters }),
    Resources: imported
  }
  return {
    importTemplate,
    resourcesToImport: toImport,
    ...(Object.keys(created).length === 0
      ? {}
      : { newTemplate: { AWSTemplateFormatVersion: "2010-09-09" as const, Description: `Miyabi plan for ${scope}: new resources the plan needs (task definition revisions)`, Resources: created } }),
    removed
  }
}

const groupByScope = (touched: ReadonlyArray<Touched>): ReadonlyMap<string, ReadonlyArray<Touched>> => {
  const out = new Map<string, Array<Touched>>()
  for (const t of touched) {
    const key = `${t.before.account}-${t.before.region}`
    out.set(key, [...(out.get(key) ?? []), t])
  }
  return out
}

/** The artifacts: `cloudformation/<account>-<region>.json`, `...-import.json` and, if needed, `...-new.json`. */
export const cloudFormation = (touched: ReadonlyArray<Touched>): ReadonlyArray<IacArtifact> =>
  [...groupByScope(touched)].flatMap(([scope, ts]) => {
    const out = templatesFor(ts, scope)
    return [
      IacArtifact.make({ format: "cloudformation", path: `cloudformation/${scope}.json`, content: JSON.stringify(out.importTemplate, null, 2) + "\n" }),
      IacArtifact.make({ format: "cloudformation", path: `cloudformation/${scope}-import.json`, content: JSON.stringify(out.resourcesToImport, null, 2) + "\n" }),
      ...(out.newTemplate === undefined ? [] : [IacArtifact.make({ format: "cloudformation", path: `cloudformation/${scope}-new.json`, content: JSON.stringify(out.newTemplate, null, 2) + "\n" })])
    ]
  })
