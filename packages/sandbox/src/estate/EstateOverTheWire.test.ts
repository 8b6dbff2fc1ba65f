/**
 * The estate as a discovery tool sees it: every waste and risk finding of the
 * generator's truth that the served APIs can reveal is found through the real
 * SDK clients (EC2, RDS, S3, CloudWatch), nothing else is, and Cost Explorer
 * bills what the estate's cost source says.
 */
import { CloudWatchClient, GetMetricDataCommand } from "@aws-sdk/client-cloudwatch"
import { CostExplorerClient, GetCostAndUsageCommand } from "@aws-sdk/client-cost-explorer"
import { DescribeAddressesCommand, DescribeInstancesCommand, DescribeSecurityGroupsCommand, DescribeVolumesCommand, EC2Client } from "@aws-sdk/client-ec2"
import { DescribeDBInstancesCommand, RDSClient } from "@aws-sdk/client-rds"
import { GetBucketEncryptionCommand, GetBucketLifecycleConfigurationCommand, GetPublicAccessBlockCommand, ListBucketsCommand, S3Client } from "@aws-sdk/client-s3"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { start } from "../Sandbox.js"
import { makeEc2Service } from "../services/ec2/Ec2Service.js"
import { makeRdsService } from "../services/rds/RdsService.js"
import { makeS3Service } from "../services/s3/S3Service.js"
import { findInstanceType } from "./InstanceCatalog.js"
import { sandboxEstate } from "./SandboxEstate.js"

const call = <T>(f: () => Promise<T>) => Effect.promise(f)
const succeeded = (f: () => Promise<unknown>) => Effect.promise(() => f().then(() => true, () => false))

const DAY = 86_400_000
const RISKY_PORTS = [22, 3389, 3306, 5432]

describe("the estate over the wire", () => {
  it.scoped("discovery through the SDK finds exactly the generator's truth", () =>
    Effect.gen(function* () {
      const estate = sandboxEstate({ seed: 2, size: "tiny", asOf: Date.now() - (Date.now() % DAY) })
      const sandbox = yield* start({ estate, services: [makeEc2Service, makeRdsService, makeS3Service], dynamodb: false })
      const found = new Set<string>()
      const note = (reason: string, id: string) => found.add(`${reason}:${id}`)
      const end = new Date(estate.data.asOf)
      const startTime = new Date(estate.data.asOf - 7 * DAY)

      for (const account of estate.data.organization.accounts) {
        const credentials = sandbox.credentialsFor(account.id)
        for (const region of estate.regions) {
          const ec2 = new EC2Client({ endpoint: sandbox.endpoint, region, credentials })
          const cw = new CloudWatchClient({ endpoint: sandbox.endpoint, region, credentials })
          const instances = ((yield* call(() => ec2.send(new DescribeInstancesCommand({})))).Reservations ?? []).flatMap((r) => r.Instances ?? [])
          for (const i of instances) {
            const id = i.InstanceId ?? ""
            if (findInstanceType(i.InstanceType ?? "")?.previousGeneration === true) note("previousGeneration", id)
            if (i.State?.Name === "stopped" && (i.BlockDeviceMappings ?? []).length > 0) note("stoppedWithVolumes", id)
            if (i.State?.Name !== "running") continue
            const metric = { Namespace: "AWS/EC2", MetricName: "CPUUtilization", Dimensions: [{ Name: "InstanceId", Value: id }] }
            const data = yield* call(() =>
              cw.send(new GetMetricDataCommand({ StartTime: startTime, EndTime: end, MetricDataQueries: [{ Id: "avg", MetricStat: { Metric: metric, Period: 3600, Stat: "Average" } }, { Id: "max", MetricStat: { Metric: metric, Period: 3600, Stat: "Maximum" } }] }))
            )
            const values = (qid: string) => data.MetricDataResults?.find((r) => r.Id === qid)?.Values ?? []
            const avg = values("avg").reduce((a, b) => a + b, 0) / Math.max(1, values("avg").length)
            expect(values("avg").length).toBe(7 * 24)
            if (avg < 3) note("idle", id)
            else if (Math.max(...values("max")) < 20) note("overProvisioned", id)
          }
          for (const v of (yield* call(() => ec2.send(new DescribeVolumesCommand({})))).Volumes ?? []) {
            if (v.State === "available") note("unattachedVolume", v.VolumeId ?? "")
            if (v.VolumeType === "gp2") note("gp2Volume", v.VolumeId ?? "")
            if (v.Encrypted !== true) note("unencryptedVolume", v.VolumeId ?? "")
          }
          for (const a of (yield* call(() => ec2.send(new DescribeAddressesCommand({})))).Addresses ?? []) {
            if (a.AssociationId === undefined) note("unassociatedAddress", a.AllocationId ?? "")
          }
          for (const g of (yield* call(() => ec2.send(new DescribeSecurityGroupsCommand({})))).SecurityGroups ?? []) {
            const open = (g.IpPermissions ?? []).some((p) => (p.IpRanges ?? []).some((r) => r.CidrIp === "0.0.0.0/0") && RISKY_PORTS.some((port) => p.IpProtocol === "-1" || ((p.FromPort ?? 0) <= port && port <= (p.ToPort ?? 65535))))
            if (open) note("openSecurityGroup", g.GroupId ?? "")
          }
          const rds = new RDSClient({ endpoint: sandbox.endpoint, region, credentials })
          for (const db of (yield* call(() => rds.send(new DescribeDBInstancesCommand({})))).DBInstances ?? []) {
            if (db.PubliclyAccessible === true) note("publicDatabase", db.DBInstanceIdentifier ?? "")
            if (db.StorageEncrypted !== true) note("unencryptedDatabase", db.DBInstanceIdentifier ?? "")
          }
        }
        const s3 = new S3Client({ endpoint: sandbox.endpoint, region: "us-east-1", forcePathStyle: true, credentials })
        for (const b of (yield* call(() => s3.send(new ListBucketsCommand({})))).Buckets ?? []) {
          const Bucket = b.Name ?? ""
          if (!(yield* succeeded(() => s3.send(new GetBucketEncryptionCommand({ Bucket }))))) note("unencryptedBucket", Bucket)
          if (!(yield* succeeded(() => s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))))) note("bucketWithoutLifecycle", Bucket)
          const block = yield* Effect.promise(() => s3.send(new GetPublicAccessBlockCommand({ Bucket })).then((r) => r.PublicAccessBlockConfiguration, () => undefined))
          const full = block?.BlockPublicAcls === true && block.IgnorePublicAcls === true && block.BlockPublicPolicy === true && block.RestrictPublicBuckets === true
          if (!full) note("publicBucket", Bucket)
        }
      }
      // RDS, Lambda and ECS utilization findings need their own metrics; compare the rest exactly.
      const expected = new Set(
        estate.data.truth.filter((f) => f.kind.startsWith("ec2:") || f.kind === "s3:bucket" || (f.kind === "rds:db" && f.category === "risk")).map((f) => `${f.reason}:${f.resourceId}`)
      )
      expect([...found].sort()).toEqual([...expected].sort())
      expect(expected.size).toBeGreaterThan(10)
    }))

  it.scoped("Cost Explorer bills what the estate's cost source says", () =>
    Effect.gen(function* () {
      const estate = sandboxEstate({ seed: 2, size: "tiny" })
      const sandbox = yield* start({ estate, services: [makeEc2Service], dynamodb: false })
      const ce = new CostExplorerClient({ endpoint: sandbox.endpoint, region: "us-east-1", credentials: sandbox.credentials })
      const day = new Date(estate.data.asOf - DAY).toISOString().slice(0, 10)
      const next = new Date(estate.data.asOf).toISOString().slice(0, 10)
      const answer = yield* call(() => ce.send(new GetCostAndUsageCommand({ TimePeriod: { Start: day, End: next }, Granularity: "DAILY", Metrics: ["UnblendedCost"] })))
      const billed = Number(answer.ResultsByTime?.[0]?.Total?.["UnblendedCost"]?.Amount ?? "NaN")
      const expected = [...estate.costs.lines(day, next)].reduce((a, l) => a + l.unblendedMicroUsd, 0) / 1_000_000
      expect(expected).toBeGreaterThan(0)
      expect(Math.abs(billed - expected)).toBeLessThan(0.01)
    }))
})
