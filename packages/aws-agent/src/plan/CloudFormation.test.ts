/**
 * Generated CloudFormation checked against the CloudFormation resource
 * specification (@aws-cdk/aws-service-spec, the database CDK generates its
 * L1 constructs from): every resource type and property exists, values
 * have the spec's types (nested property types included), required
 * properties are present, and the import identifiers are the types'
 * primary identifiers.
 */
import { beforeAll, describe, expect, it } from "@effect/vitest"
import { type ChangeAction, IngressRule, PublicAccessBlock, type Resource } from "@miyabi/types"
import { lifecycleRules } from "../optimize/rules/S3Lifecycle.js"
import { address, bucket, database, ec2, fn, group, service, volume } from "../optimize/World.testkit.js"
import { applyAction } from "./ApplyAction.js"
import { type CfnSpec, loadCfnSpec } from "./CfnSpec.testkit.js"
import { templatesFor } from "./CloudFormation.js"
import type { Touched } from "./Planner.js"

let spec: CfnSpec
beforeAll(async () => {
  spec = await loadCfnSpec()
}, 60_000)
const validate: CfnSpec["validate"] = (resources) => spec.validate(resources)
const specOf = (type: string) => ({ primaryIdentifier: spec.primaryIdentifier(type) })

const touch = (before: Resource, ...actions: ReadonlyArray<ChangeAction>): Touched => ({
  before,
  after: actions.reduce<Resource | undefined>((r, a) => (r === undefined ? undefined : applyAction(r, a)), before),
  actions
})

const everyKind = (): ReadonlyArray<Touched> => {
  const b = bucket("logs-bucket", { blocked: false, encryption: "none", sizeBytes: 10 })
  return [
    touch(ec2("i-0abc", "m5.2xlarge", { avg: 5, peak: 10 }, { tags: { Team: "web", "aws:cloudformation:stack-name": "x" } }), { _tag: "ResizeInstance", fromType: "m5.2xlarge", toType: "m6i.xlarge" }),
    touch(volume("vol-0big", "gp2", 2000), { _tag: "ModifyVolume", fromType: "gp2", toType: "gp3", iops: 6000, throughputMiBps: 250 }),
    touch(volume("vol-0free", "gp2", 10, false), { _tag: "SnapshotAndDeleteVolume", snapshotDescription: "x" }),
    touch(address("eipalloc-0kept", true)),
    touch(group("sg-0open", [22, 5432]), { _tag: "RevokeIngress", rule: IngressRule.make({ protocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: ["0.0.0.0/0"], ipv6Ranges: [], sourceGroupIds: [] }) }),
    touch(
      b,
      { _tag: "PutBucketLifecycle", rules: lifecycleRules(true) },
      { _tag: "PutPublicAccessBlock", configuration: PublicAccessBlock.make({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true }) },
      { _tag: "SetBucketEncryption", algorithm: "AES256" }
    ),
    touch(database("orders-db", "db.m5.2xlarge", undefined, { publiclyAccessible: true }), { _tag: "ResizeDbInstance", fromClass: "db.m5.2xlarge", toClass: "db.m5.xlarge" }, { _tag: "SetDbPubliclyAccessible", publiclyAccessible: false }),
    touch(fn("resize-images", 1024), { _tag: "SetLambdaMemory", fromMiB: 1024, toMiB: 512 }),
    touch(service("api", 4096, 8192), { _tag: "ResizeEcsTask", fromCpuUnits: 4096, toCpuUnits: 1024, fromMemoryMiB: 8192, toMemoryMiB: 2048 })
  ]
}

describe("CloudFormation against the resource specification", () => {
  it("every type, property and nested property exists with the spec's type, and required properties are present", () => {
    const out = templatesFor(everyKind(), "123456789012-us-east-1")
    const types = Object.values(out.importTemplate.Resources).map((r) => r.Type).sort()
    expect(types).toEqual(["AWS::EC2::EIP", "AWS::EC2::Instance", "AWS::EC2::SecurityGroup", "AWS::EC2::Volume", "AWS::Lambda::Function", "AWS::RDS::DBInstance", "AWS::S3::Bucket"])
    expect(validate(out.importTemplate.Resources)).toEqual([])
    expect(validate(out.newTemplate?.Resources ?? {})).toEqual([])
    expect(Object.values(out.newTemplate?.Resources ?? {}).map((r) => r.Type)).toEqual(["AWS::ECS::TaskDefinition"])
  })

  it("the validator rejects what the spec does not allow (so the check above is not vacuous)", () => {
    expect(validate({ A: { Type: "AWS::EC2::Instance", Properties: { InstanceSize: "m5.large" } } })).toEqual(["A(AWS::EC2::Instance).InstanceSize: no such property"])
    expect(validate({ B: { Type: "AWS::EC2::SecurityGroup", Properties: {} } })).toEqual(["B(AWS::EC2::SecurityGroup).GroupDescription: required"])
    expect(validate({ C: { Type: "AWS::S3::Bucket", Properties: { LifecycleConfiguration: { Rules: [{ Status: "Enabled", Days: 3 }] } } } })).toEqual([
      "C(AWS::S3::Bucket).LifecycleConfiguration.Rules[0].Days: no such property"
    ])
    expect(validate({ D: { Type: "AWS::EC2::Nope", Properties: {} } })).toEqual(["D: unknown type AWS::EC2::Nope"])
  })

  it("applies the recommended values and keeps the discovered ids for import, with Retain policies", () => {
    const out = templatesFor(everyKind(), "123456789012-us-east-1")
    const r = out.importTemplate.Resources
    expect(r["Ec2Instancei0abc"]?.Properties["InstanceType"]).toBe("m6i.xlarge")
    expect(r["Ec2Instancei0abc"]?.Properties["Tags"]).toEqual([{ Key: "Team", Value: "web" }])
    expect(r["EbsVolumevol0big"]?.Properties).toMatchObject({ VolumeType: "gp3", Iops: 6000, Throughput: 250 })
    expect(r["RdsInstanceordersdb"]?.Properties).toMatchObject({ DBInstanceClass: "db.m5.xlarge", PubliclyAccessible: false })
    expect(r["LambdaFunctionresizeimages"]?.Properties["MemorySize"]).toBe(512)
    expect(r["S3Bucketlogsbucket"]?.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true }
    })
    expect(JSON.stringify(r["SecurityGroupsg0open"]?.Properties["SecurityGroupIngress"])).not.toContain('"CidrIp":"0.0.0.0/0","FromPort":22')
    expect(Object.values(r).every((x) => x.DeletionPolicy === "Retain" && x.UpdateReplacePolicy === "Retain")).toBe(true)
    expect(out.removed).toEqual(["vol-0free"])
    // Each import names the type's primary identifier, with the discovered id.
    for (const i of out.resourcesToImport) {
      expect(Object.keys(i.ResourceIdentifier).sort()).toEqual([...(specOf(i.ResourceType)?.primaryIdentifier ?? [])].sort())
      expect(r[i.LogicalResourceId]?.Type).toBe(i.ResourceType)
    }
    expect(out.resourcesToImport.find((i) => i.ResourceType === "AWS::EC2::Instance")?.ResourceIdentifier).toEqual({ InstanceId: "i-0abc" })
    expect(out.resourcesToImport).toHaveLength(7)
  })
})
