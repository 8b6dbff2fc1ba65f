import { describe, expect, it } from "@effect/vitest"
import {
  AccountId,
  Arn,
  EbsVolumeDetails,
  Ec2InstanceDetails,
  ElasticIpDetails,
  EcsServiceDetails,
  IngressRule,
  LoadBalancerDetails,
  MicroUsd,
  owningAgent,
  PublicAccessBlock,
  RdsInstanceDetails,
  Region,
  Resource,
  type ResourceDetails,
  ResourceId,
  S3BucketDetails,
  SecurityGroupDetails,
  Utilization
} from "@miyabi/types"
import { shipped } from "../pricing/PricingCatalog.js"
import { evaluate, rules, securityScore } from "./Findings.js"

let n = 0
const make = (details: ResourceDetails, fields: Partial<{ state: Resource["state"]; id: string; cost: number; utilization: Utilization }> = {}) => {
  const id = fields.id ?? `r-${++n}`
  return Resource.make({
    id: ResourceId.make(id),
    arn: Arn.make(`arn:aws:ec2:us-east-1:123456789012:${details._tag}/${id}`),
    kind: details._tag,
    account: AccountId.make("123456789012"),
    region: Region.make("us-east-1"),
    state: fields.state ?? "running",
    owner: owningAgent(details._tag),
    tags: {},
    dependencies: [],
    details,
    monthlyCost: MicroUsd.make(fields.cost ?? 10_000_000),
    ...(fields.utilization === undefined ? {} : { utilization: fields.utilization })
  })
}

const cpu = (averagePercent: number, peakPercent: number) => Utilization.make({ metric: "CPUUtilization", averagePercent, peakPercent, windowDays: 14, datapoints: 336 })
const instance = (instanceType = "m5.large", volumeIds: Array<string> = []) => Ec2InstanceDetails.make({ instanceType, awsState: "running", lifecycle: "on-demand", volumeIds, securityGroupIds: [] })
const volume = (volumeType: "gp2" | "gp3", awsState: string, encrypted = true) => EbsVolumeDetails.make({ volumeType, sizeGiB: 100, encrypted, awsState })
const group = (...ingress: Array<IngressRule>) => SecurityGroupDetails.make({ groupName: "g", ingress })
const tcp = (from: number, to: number, cidr = "0.0.0.0/0") => IngressRule.make({ protocol: "tcp", fromPort: from, toPort: to, ipv4Ranges: [cidr], ipv6Ranges: [], sourceGroupIds: [] })
const fullBlock = PublicAccessBlock.make({ blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true })
const bucket = (over: Partial<{ encryption: string; block: PublicAccessBlock | undefined; lifecycleRules: number }> = {}) =>
  S3BucketDetails.make({
    encryption: over.encryption ?? "AES256",
    ...("block" in over ? (over.block === undefined ? {} : { publicAccessBlock: over.block }) : { publicAccessBlock: fullBlock }),
    publicByPolicy: false,
    lifecycleRules: over.lifecycleRules ?? 1,
    versioning: "Enabled"
  })
const db = (over: Partial<{ encrypted: boolean; public: boolean }> = {}) =>
  RdsInstanceDetails.make({ instanceClass: "db.m5.large", engine: "postgres", awsState: "available", multiAz: false, storageType: "gp3", allocatedStorageGiB: 20, storageEncrypted: over.encrypted ?? true, publiclyAccessible: over.public ?? false })

const rulesOf = (...resources: Array<Resource>) => evaluate(resources, shipped).map((f) => f.rule).sort()

describe("Findings", () => {
  it.each([
    ["an idle instance", [make(instance(), { utilization: cpu(1.2, 4) })], ["cost.idle-instance"]],
    ["a busy instance", [make(instance(), { utilization: cpu(45, 90) })], []],
    // The thresholds are "under": exactly 3 % average is not idle, exactly 20 % peak is not over-provisioned.
    ["an instance averaging exactly 3 % is over-provisioned, not idle", [make(instance(), { utilization: cpu(3, 15) })], ["cost.overprovisioned-instance"]],
    ["an instance peaking at exactly 20 % is not over-provisioned", [make(instance(), { utilization: cpu(8, 20) })], []],
    ["a database averaging exactly 3 % is over-provisioned, not idle", [make(db(), { utilization: cpu(3, 15) })], ["cost.overprovisioned-database"]],
    ["an instance and a database with an empty CPU series get no utilization finding", [make(instance(), { utilization: Utilization.make({ metric: "CPUUtilization", averagePercent: 0, peakPercent: 0, windowDays: 14, datapoints: 0 }) }), make(db(), { utilization: Utilization.make({ metric: "CPUUtilization", averagePercent: 0, peakPercent: 0, windowDays: 14, datapoints: 0 }) })], []],
    ["an over-provisioned instance", [make(instance(), { utilization: cpu(8, 14) })], ["cost.overprovisioned-instance"]],
    ["a spiky instance is not over-provisioned", [make(instance(), { utilization: cpu(12, 95) })], []],
    ["an instance without metrics gets no utilization finding", [make(instance())], []],
    ["a previous-generation type", [make(instance("m4.large"), { utilization: cpu(40, 80) })], ["cost.previous-generation"]],
    ["a stopped instance paying for its volume", [make(instance("m5.large", ["vol-a"]), { state: "stopped" }), make(volume("gp3", "in-use"), { id: "vol-a" })], ["cost.stopped-instance-volumes"]],
    ["a stopped instance without volumes", [make(instance(), { state: "stopped" })], []],
    ["an unattached gp3 volume", [make(volume("gp3", "available"), { state: "detached" })], ["cost.unattached-volume"]],
    ["an attached gp2 volume", [make(volume("gp2", "in-use"))], ["cost.gp2-volume"]],
    ["an unencrypted volume", [make(volume("gp3", "in-use", false))], ["security.unencrypted-volume"]],
    ["an unassociated address", [make(ElasticIpDetails.make({ publicIp: "1.2.3.4", allocationId: "eipalloc-1" }), { state: "detached" })], ["cost.unassociated-eip"]],
    ["an associated address", [make(ElasticIpDetails.make({ publicIp: "1.2.3.4", allocationId: "eipalloc-1", associationId: "eipassoc-1" }))], []],
    ["SSH open to the world", [make(group(tcp(22, 22)))], ["security.open-ssh"]],
    ["SSH open to a private range", [make(group(tcp(22, 22, "10.0.0.0/8")))], []],
    // AWS may answer a TCP rule's protocol as its number; UDP on 22 is not SSH.
    ["SSH open with the protocol given as 6", [make(group(IngressRule.make({ protocol: "6", fromPort: 22, toPort: 22, ipv4Ranges: ["0.0.0.0/0"], ipv6Ranges: [], sourceGroupIds: [] })))], ["security.open-ssh"]],
    ["UDP 22 open to the world is not SSH", [make(group(IngressRule.make({ protocol: "udp", fromPort: 22, toPort: 22, ipv4Ranges: ["0.0.0.0/0"], ipv6Ranges: [], sourceGroupIds: [] })))], []],
    ["RDP open to the world", [make(group(tcp(3389, 3389)))], ["security.open-rdp"]],
    ["a port range covering PostgreSQL and MongoDB", [make(group(tcp(5000, 30000)))], ["security.open-database-port"]],
    ["MSSQL 1433 open", [make(group(tcp(1433, 1433)))], ["security.open-database-port"]],
    ["HTTPS open to the world is fine", [make(group(tcp(443, 443), tcp(8080, 8080)))], []],
    ["all traffic from the world", [make(group(IngressRule.make({ protocol: "-1", ipv4Ranges: ["0.0.0.0/0"], ipv6Ranges: [], sourceGroupIds: [] })))], ["security.open-all-ports"]],
    ["SSH open over IPv6", [make(group(IngressRule.make({ protocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: [], ipv6Ranges: ["::/0"], sourceGroupIds: [] })))], ["security.open-ssh"]],
    ["a well-kept bucket", [make(bucket())], []],
    ["a bucket without lifecycle", [make(bucket({ lifecycleRules: 0 }))], ["cost.bucket-without-lifecycle"]],
    ["a bucket without public access block", [make(bucket({ block: undefined }))], ["security.public-bucket"]],
    ["a bucket with a partial block", [make(bucket({ block: PublicAccessBlock.make({ blockPublicAcls: true, ignorePublicAcls: false, blockPublicPolicy: true, restrictPublicBuckets: true }) }))], ["security.public-bucket"]],
    ["an unencrypted bucket", [make(bucket({ encryption: "none" }))], ["security.unencrypted-bucket"]],
    ["a public unencrypted database", [make(db({ public: true, encrypted: false }), { utilization: cpu(40, 80) })], ["security.public-database", "security.unencrypted-database"]],
    ["an idle database", [make(db(), { utilization: cpu(0.5, 2) })], ["cost.idle-database"]],
    ["an over-provisioned database", [make(db(), { utilization: cpu(6, 12) })], ["cost.overprovisioned-database"]],
    ["a load balancer with no registered target", [make(LoadBalancerDetails.make({ type: "application", scheme: "internet-facing", targetCount: 0 }))], ["cost.idle-load-balancer"]],
    ["a load balancer with targets", [make(LoadBalancerDetails.make({ type: "application", scheme: "internet-facing", targetCount: 2 }))], []],
    ["a load balancer whose targets were not read", [make(LoadBalancerDetails.make({ type: "network", scheme: "internal" }))], []],
    [
      "an over-provisioned ECS service",
      [
        make(EcsServiceDetails.make({ clusterArn: Arn.make("arn:aws:ecs:us-east-1:123456789012:cluster/c"), taskDefinitionArn: Arn.make("arn:aws:ecs:us-east-1:123456789012:task-definition/t:1"), launchType: "FARGATE", desiredCount: 2, runningCount: 2, cpuUnits: 1024, memoryMiB: 2048 }), {
          utilization: Utilization.make({ metric: "CPUUtilization", averagePercent: 7, peakPercent: 12, windowDays: 14, datapoints: 336, memoryAveragePercent: 14 })
        })
      ],
      ["cost.overprovisioned-service"]
    ]
  ])("%s", (_, resources, expected) => {
    expect(rulesOf(...resources)).toEqual([...expected].sort())
  })

  it("gives each finding a stable id, the resource, evidence and the impact", () => {
    const vol = make(volume("gp2", "available"), { state: "detached", cost: 10_000_000 })
    const findings = evaluate([vol], shipped)
    const unattached = findings.find((f) => f.rule === "cost.unattached-volume")
    expect(unattached?.id).toBe(`cost.unattached-volume:${vol.arn}`)
    expect(unattached?.resource.arn).toBe(vol.arn)
    expect(unattached?.estimatedMonthlyImpact).toBe(10_000_000)
    expect(unattached?.evidence).toMatchObject({ volumeType: "gp2", sizeGiB: 100 })
    // gp2 -> gp3: 100 GiB x ($0.10 - $0.08).
    expect(findings.find((f) => f.rule === "cost.gp2-volume")?.estimatedMonthlyImpact).toBe(2_000_000)
  })

  it.each([
    [99_999_999, "low"],
    [100_000_000, "medium"],
    [999_999_999, "medium"],
    [1_000_000_000, "high"]
  ] as const)("rates a cost finding of %i micro-dollars a month %s (medium from $100, high from $1,000)", (cost, severity) => {
    const [finding] = evaluate([make(volume("gp3", "available"), { state: "detached", cost })], shipped)
    expect([finding?.rule, finding?.severity]).toEqual(["cost.unattached-volume", severity])
  })

  it("has unique rule ids", () => {
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length)
  })

  it.each([
    ["no scored resources", [], 100],
    ["nothing exposed", [make(volume("gp3", "in-use")), make(bucket())], 100],
    ["one of two resources critically exposed", [make(group(tcp(5432, 5432))), make(volume("gp3", "in-use"))], 50],
    ["one unencrypted volume of four (medium 0.3)", [make(volume("gp3", "in-use", false)), make(volume("gp3", "in-use")), make(volume("gp3", "in-use")), make(volume("gp3", "in-use"))], 92.5],
    ["risk caps at 1 per resource", [make(db({ public: true, encrypted: false }))], 0]
  ])("security score: %s", (_, resources, expected) => {
    expect(securityScore(resources, evaluate(resources, shipped))).toBeCloseTo(expected, 3)
  })
})
