/** The security fixes' and ECS resize's inverses and validation, and what the deployer refuses to execute, as plain tables. */
import { describe, expect, it } from "@effect/vitest"
import { AccountId, Arn, EcsServiceDetails, IngressRule, PublicAccessBlock, RdsInstanceDetails, Region, type Resource, type ResourceDetails, type ResourceKind, S3BucketDetails, SecurityGroupDetails } from "@miyabi/types"
import { Option } from "effect"
import { makeResource } from "../adapters/Inventory.js"
import { inverseOf, irreversible, notExecutable, reached } from "./Actions.js"
import { ref } from "./Deployer.testkit.js"

const ACCOUNT = AccountId.make("123456789012")
const REGION = Region.make("us-east-1")
const resource = (kind: ResourceKind, id: string, details: ResourceDetails): Resource =>
  makeResource({ id, arn: ref(kind, ACCOUNT, REGION, id).arn, kind, account: ACCOUNT, region: REGION, state: "running", tags: {}, details })

const rule = (ipv4: ReadonlyArray<string>, port = 22, ipv6: ReadonlyArray<string> = []) =>
  IngressRule.make({ protocol: "tcp", fromPort: port, toPort: port, ipv4Ranges: [...ipv4], ipv6Ranges: [...ipv6], sourceGroupIds: [] })
const group = (...ingress: ReadonlyArray<IngressRule>) => resource("security-group", "sg-0123456789abcdef0", SecurityGroupDetails.make({ groupName: "web", ingress: [...ingress] }))
const bucket = (encryption: string, publicAccessBlock?: PublicAccessBlock) =>
  resource("s3-bucket", "b", S3BucketDetails.make({ encryption, publicByPolicy: false, lifecycleRules: 0, versioning: "Disabled", ...(publicAccessBlock === undefined ? {} : { publicAccessBlock }) }))
const db = (publiclyAccessible: boolean, awsState = "available") =>
  resource("rds-instance", "db", RdsInstanceDetails.make({ instanceClass: "db.t3.small", engine: "postgres", awsState, multiAz: false, storageType: "gp3", allocatedStorageGiB: 20, storageEncrypted: true, publiclyAccessible }))
const service = (cpuUnits: number, memoryMiB: number) =>
  resource("ecs-service", "arn:aws:ecs:us-east-1:123456789012:service/c/s", EcsServiceDetails.make({ clusterArn: Arn.make("arn:aws:ecs:us-east-1:123456789012:cluster/c"), taskDefinitionArn: Arn.make("arn:aws:ecs:us-east-1:123456789012:task-definition/f:3"), launchType: "FARGATE", desiredCount: 2, runningCount: 2, cpuUnits, memoryMiB }))
const all = PublicAccessBlock.make({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true })
const some = PublicAccessBlock.make({ blockPublicAcls: true, ignorePublicAcls: false, blockPublicPolicy: false, restrictPublicBuckets: false })

describe("security group ingress", () => {
  const world = rule(["0.0.0.0/0"], 22, ["::/0"])
  it("a revoke is undone by authorizing only what the group held; an authorize by revoking only what it added", () => {
    // The group had the IPv4 world source only: the IPv6 one stays absent after a rollback.
    expect(inverseOf({ _tag: "RevokeIngress", rule: world }, group(rule(["10.0.0.0/16", "0.0.0.0/0"])))).toEqual(Option.some({ _tag: "AuthorizeIngress", rule: rule(["0.0.0.0/0"]) }))
    expect(inverseOf({ _tag: "AuthorizeIngress", rule: rule(["0.0.0.0/0", "10.0.0.0/16"]) }, group(rule(["10.0.0.0/16"])))).toEqual(Option.some({ _tag: "RevokeIngress", rule: rule(["0.0.0.0/0"]) }))
    // Nothing of the rule there: nothing to give back.
    expect(inverseOf({ _tag: "RevokeIngress", rule: world }, group(rule(["0.0.0.0/0"], 443)))).toEqual(Option.none())
  })
  it.each([
    ["gone from port 22", group(rule(["10.0.0.0/16"]), rule(["0.0.0.0/0"], 443)), true],
    ["still open on IPv6", group(rule([], 22, ["::/0"])), false],
    ["still open on IPv4", group(rule(["0.0.0.0/0"])), false]
  ] as const)("a revoke of world SSH is reached when %s", (_, live, expected) => {
    expect(reached({ _tag: "RevokeIngress", rule: world }, Option.some(live))).toBe(expected)
  })
  it("an authorize is reached when every source is there, in any permission of the same ports", () => {
    expect(reached({ _tag: "AuthorizeIngress", rule: world }, Option.some(group(rule(["0.0.0.0/0"]), rule([], 22, ["::/0"]))))).toBe(true)
    expect(reached({ _tag: "AuthorizeIngress", rule: world }, Option.some(group(rule(["0.0.0.0/0"]))))).toBe(false)
    // All traffic ignores ports.
    const allTraffic = IngressRule.make({ protocol: "-1", ipv4Ranges: ["0.0.0.0/0"], ipv6Ranges: [], sourceGroupIds: [] })
    expect(reached({ _tag: "AuthorizeIngress", rule: allTraffic }, Option.some(group(allTraffic)))).toBe(true)
  })
})

describe("S3 public access block and encryption", () => {
  it.each([
    ["no block", bucket("none"), { _tag: "DeletePublicAccessBlock" }],
    ["a partial block", bucket("none", some), { _tag: "PutPublicAccessBlock", configuration: some }]
  ] as const)("blocking a bucket with %s is undone to it", (_, before, expected) => {
    expect(inverseOf({ _tag: "PutPublicAccessBlock", configuration: all }, before)).toEqual(Option.some(expected))
  })
  it("a block is reached when all four flags match; a deletion when none is left", () => {
    expect(reached({ _tag: "PutPublicAccessBlock", configuration: all }, Option.some(bucket("none", all)))).toBe(true)
    expect(reached({ _tag: "PutPublicAccessBlock", configuration: all }, Option.some(bucket("none", some)))).toBe(false)
    expect(reached({ _tag: "DeletePublicAccessBlock" }, Option.some(bucket("none")))).toBe(true)
    expect(reached({ _tag: "DeletePublicAccessBlock" }, Option.some(bucket("none", some)))).toBe(false)
  })
  it("encryption goes back to what the bucket had; S3's SSE-S3 fallback counts as 'none'; dsse has no inverse the action can say", () => {
    expect(inverseOf({ _tag: "SetBucketEncryption", algorithm: "AES256" }, bucket("none"))).toEqual(Option.some({ _tag: "SetBucketEncryption", algorithm: "none" }))
    expect(inverseOf({ _tag: "SetBucketEncryption", algorithm: "AES256" }, bucket("aws:kms"))).toEqual(Option.some({ _tag: "SetBucketEncryption", algorithm: "aws:kms" }))
    expect(inverseOf({ _tag: "SetBucketEncryption", algorithm: "AES256" }, bucket("aws:kms:dsse"))).toEqual(Option.none())
    expect(reached({ _tag: "SetBucketEncryption", algorithm: "none" }, Option.some(bucket("AES256")))).toBe(true)
    expect(reached({ _tag: "SetBucketEncryption", algorithm: "aws:kms" }, Option.some(bucket("AES256")))).toBe(false)
    expect(irreversible({ _tag: "SetBucketEncryption", algorithm: "AES256" })).toBe(true)
    expect(irreversible({ _tag: "SetBucketEncryption", algorithm: "none" })).toBe(false)
  })
})

describe("RDS public accessibility and ECS task size", () => {
  it("a database made private is undone by making it public again, and reached only once available", () => {
    expect(inverseOf({ _tag: "SetDbPubliclyAccessible", publiclyAccessible: false }, db(true))).toEqual(Option.some({ _tag: "SetDbPubliclyAccessible", publiclyAccessible: true }))
    expect(reached({ _tag: "SetDbPubliclyAccessible", publiclyAccessible: false }, Option.some(db(false)))).toBe(true)
    expect(reached({ _tag: "SetDbPubliclyAccessible", publiclyAccessible: false }, Option.some(db(false, "modifying")))).toBe(false)
  })
  it("a task resize is undone to the observed size, and reached when the service runs the new size", () => {
    const resize = { _tag: "ResizeEcsTask", fromCpuUnits: 1024, toCpuUnits: 512, fromMemoryMiB: 2048, toMemoryMiB: 1024 } as const
    expect(inverseOf(resize, service(2048, 4096))).toEqual(Option.some({ _tag: "ResizeEcsTask", fromCpuUnits: 512, toCpuUnits: 2048, fromMemoryMiB: 1024, toMemoryMiB: 4096 }))
    expect(reached(resize, Option.some(service(512, 1024)))).toBe(true)
    expect(reached(resize, Option.some(service(512, 2048)))).toBe(false)
  })
})

describe("notExecutable: decided from the plan alone", () => {
  it.each([
    [{ _tag: "RevokeIngress", rule: rule(["0.0.0.0/0"]) }, "security-group", undefined],
    [{ _tag: "ResizeEcsTask", fromCpuUnits: 1, toCpuUnits: 1, fromMemoryMiB: 1, toMemoryMiB: 1 }, "ecs-service", undefined],
    [{ _tag: "RevokeIngress", rule: rule(["0.0.0.0/0"]) }, "ec2-instance", "RevokeIngress applies to a security-group, not a ec2-instance"],
    [{ _tag: "PurchaseCommitment", commitment: "reserved-instance", termYears: 1, hourlyCommitment: 1 as never }, "ec2-instance", "PurchaseCommitment is advice or not executed by the deployer"],
    [{ _tag: "AllocateAddress", publicIp: "198.51.100.1" }, "elastic-ip", "AllocateAddress is advice or not executed by the deployer"]
  ] as const)("%o on a %s -> %s", (action, kind, expected) => {
    expect(Option.getOrUndefined(notExecutable({ action, resource: ref(kind, ACCOUNT, REGION, "arn:aws:ecs:us-east-1:123456789012:service/c/s") }))).toBe(expected)
  })
})
