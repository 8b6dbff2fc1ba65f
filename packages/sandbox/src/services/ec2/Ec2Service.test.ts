import {
  CreateSnapshotCommand,
  CreateTagsCommand,
  DeleteVolumeCommand,
  DescribeAddressesCommand,
  DescribeInstancesCommand,
  DescribeRegionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVolumesCommand,
  EC2Client,
  EC2ServiceException,
  ModifyInstanceAttributeCommand,
  ModifyVolumeCommand,
  paginateDescribeInstances,
  paginateDescribeVolumes,
  ReleaseAddressCommand,
  StartInstancesCommand,
  StopInstancesCommand
} from "@aws-sdk/client-ec2"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { sandboxEstate, type SandboxEstate } from "../../estate/SandboxEstate.js"
import { start, type SandboxHandle } from "../../Sandbox.js"
import { makeEc2Service } from "./Ec2Service.js"
import { call, callError, collect } from "../../testing/SdkCalls.js"

/** The account and region holding the most instances, so every case has data. */
const busiest = (estate: SandboxEstate): { accountId: string; region: string } => {
  const counts = new Map<string, number>()
  for (const i of estate.data.instances) counts.set(`${i.accountId}/${i.region}`, (counts.get(`${i.accountId}/${i.region}`) ?? 0) + 1)
  const [key = ""] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0] ?? []
  const [accountId = "", region = ""] = key.split("/")
  return { accountId, region }
}

const setup = Effect.gen(function* () {
  const estate = sandboxEstate({ seed: 17, size: "small" })
  const sandbox: SandboxHandle<SandboxEstate> = yield* start({ estate, services: [makeEc2Service], dynamodb: false })
  const { accountId, region } = busiest(estate)
  const client = new EC2Client({ endpoint: sandbox.endpoint, region, credentials: sandbox.credentialsFor(accountId) })
  return { estate, sandbox, accountId, region, client, data: estate.data }
})

const errorOf = (error: unknown): { name: string; status: number | undefined } => {
  expect(error).toBeInstanceOf(EC2ServiceException)
  const e = error as EC2ServiceException
  return { name: e.name, status: e.$metadata.httpStatusCode }
}

describe("EC2", () => {
  it.scoped("DescribeInstances pages to the end and shapes instances as AWS does", () =>
    Effect.gen(function* () {
      const { client, data, accountId, region } = yield* setup
      const expected = data.instances.filter((i) => i.accountId === accountId && i.region === region)
      const seen: Array<string> = []
      const pages = yield* collect(paginateDescribeInstances({ client, pageSize: 5 }, {}))
      for (const page of pages) {
        for (const r of page.Reservations ?? []) {
          expect(r.OwnerId).toBe(accountId)
          for (const i of r.Instances ?? []) seen.push(i.InstanceId ?? "")
        }
      }
      expect(seen.sort()).toEqual(expected.map((i) => i.id).sort())
      expect(pages.length).toBe(Math.ceil(expected.length / 5))
      const all = yield* call(() => client.send(new DescribeInstancesCommand({})))
      const instances = (all.Reservations ?? []).flatMap((r) => r.Instances ?? [])
      const untagged = expected.find((i) => Object.keys(i.tags).length === 0)
      if (untagged === undefined) throw new Error("the seed gives no untagged instance")
      expect(Object.keys(instances.find((i) => i.InstanceId === untagged.id) ?? { Tags: "not served" })).not.toContain("Tags")
      const tagged = expected.find((i) => Object.keys(i.tags).length > 0)
      const shown = instances.find((i) => i.InstanceId === tagged?.id)
      expect(shown?.Tags).toEqual(Object.entries(tagged?.tags ?? {}).map(([Key, Value]) => ({ Key, Value })))
      expect(shown?.LaunchTime).toEqual(new Date(tagged?.launchTime ?? 0))
      expect(shown?.InstanceType).toBe(tagged?.instanceType)
      expect(shown?.Placement?.AvailabilityZone).toBe(tagged?.availabilityZone)
      expect(shown?.State?.Name).toBe(tagged?.state)
      expect(shown?.BlockDeviceMappings?.[0]?.Ebs?.VolumeId).toMatch(/^vol-/)
    }))

  it.scoped("filters by state and tag, and reports unknown ids as InvalidInstanceID.NotFound", () =>
    Effect.gen(function* () {
      const { client, data, accountId, region } = yield* setup
      const mine = data.instances.filter((i) => i.accountId === accountId && i.region === region)
      const running = yield* call(() => client.send(new DescribeInstancesCommand({ Filters: [{ Name: "instance-state-name", Values: ["running"] }] })))
      expect((running.Reservations ?? []).length).toBe(mine.filter((i) => i.state === "running").length)
      const env = mine.find((i) => i.tags["Environment"] !== undefined)?.tags["Environment"] ?? "prod"
      const tagged = yield* call(() => client.send(new DescribeInstancesCommand({ Filters: [{ Name: "tag:Environment", Values: [env] }] })))
      expect((tagged.Reservations ?? []).length).toBe(mine.filter((i) => i.tags["Environment"] === env).length)
      const wild = yield* call(() => client.send(new DescribeInstancesCommand({ Filters: [{ Name: "instance-type", Values: ["*.*large"] }] })))
      expect((wild.Reservations ?? []).length).toBe(mine.filter((i) => i.instanceType.endsWith("large")).length)
      const missing = errorOf(yield* callError(() => client.send(new DescribeInstancesCommand({ InstanceIds: ["i-0123456789abcdef0"] }))))
      expect(missing).toEqual({ name: "InvalidInstanceID.NotFound", status: 400 })
      const badFilter = errorOf(yield* callError(() => client.send(new DescribeInstancesCommand({ Filters: [{ Name: "colour", Values: ["red"] }] }))))
      expect(badFilter.name).toBe("InvalidParameterValue")
    }))

  it.scoped("stops, resizes only when stopped, and starts an instance, logging each change", () =>
    Effect.gen(function* () {
      const { client, data, accountId, region, sandbox } = yield* setup
      const instance = data.instances.find((i) => i.accountId === accountId && i.region === region && i.state === "running" && i.instanceType.endsWith(".xlarge"))
        ?? data.instances.find((i) => i.accountId === accountId && i.region === region && i.state === "running")
      if (instance === undefined) throw new Error("no running instance")
      const smaller = instance.instanceType.replace(/\.\w+$/, ".large") === instance.instanceType ? instance.instanceType.replace(".large", ".medium") : instance.instanceType.replace(/\.\w+$/, ".large")
      const early = errorOf(yield* callError(() => client.send(new ModifyInstanceAttributeCommand({ InstanceId: instance.id, InstanceType: { Value: smaller } }))))
      expect(early).toEqual({ name: "IncorrectInstanceState", status: 400 })
      const stopped = yield* call(() => client.send(new StopInstancesCommand({ InstanceIds: [instance.id] })))
      expect(stopped.StoppingInstances?.[0]).toEqual({ InstanceId: instance.id, CurrentState: { Code: 64, Name: "stopping" }, PreviousState: { Code: 16, Name: "running" } })
      const stillStopping = errorOf(yield* callError(() => client.send(new ModifyInstanceAttributeCommand({ InstanceId: instance.id, InstanceType: { Value: smaller } }))))
      expect(stillStopping.name).toBe("IncorrectInstanceState")
      sandbox.clock.advance(10_000)
      const described = yield* call(() => client.send(new DescribeInstancesCommand({ InstanceIds: [instance.id] })))
      expect(described.Reservations?.[0]?.Instances?.[0]?.State).toEqual({ Code: 80, Name: "stopped" })
      yield* call(() => client.send(new ModifyInstanceAttributeCommand({ InstanceId: instance.id, InstanceType: { Value: smaller } })))
      const bad = errorOf(yield* callError(() => client.send(new ModifyInstanceAttributeCommand({ InstanceId: instance.id, InstanceType: { Value: "z9.mega" } }))))
      expect(bad.name).toBe("InvalidInstanceAttributeValue")
      const started = yield* call(() => client.send(new StartInstancesCommand({ InstanceIds: [instance.id] })))
      expect(started.StartingInstances?.[0]?.CurrentState?.Name).toBe("pending")
      sandbox.clock.advance(10_000)
      const after = yield* call(() => client.send(new DescribeInstancesCommand({ InstanceIds: [instance.id] })))
      expect(after.Reservations?.[0]?.Instances?.[0]?.InstanceType).toBe(smaller)
      expect(after.Reservations?.[0]?.Instances?.[0]?.State?.Name).toBe("running")
      expect(instance.history.at(-1)).toMatchObject({ instanceType: smaller, running: true })
      expect(sandbox.log.changes().map((c) => c.operation)).toEqual(["StopInstances", "ModifyInstanceAttribute", "StartInstances"])
    }))

  it.scoped("describes, modifies, snapshots and deletes volumes", () =>
    Effect.gen(function* () {
      const { client, data, accountId, region } = yield* setup
      const mine = data.volumes.filter((v) => v.accountId === accountId && v.region === region)
      const all: Array<string> = []
      for (const page of yield* collect(paginateDescribeVolumes({ client, pageSize: 5 }, {}))) for (const v of page.Volumes ?? []) all.push(v.VolumeId ?? "")
      expect(all.sort()).toEqual(mine.map((v) => v.id).sort())
      const available = yield* call(() => client.send(new DescribeVolumesCommand({ Filters: [{ Name: "status", Values: ["available"] }] })))
      expect((available.Volumes ?? []).map((v) => v.VolumeId).sort()).toEqual(mine.filter((v) => v.attachment === undefined).map((v) => v.id).sort())
      const gp2 = yield* call(() => client.send(new DescribeVolumesCommand({ Filters: [{ Name: "volume-type", Values: ["gp2"] }] })))
      const target = gp2.Volumes?.[0]
      if (target?.VolumeId === undefined) throw new Error("no gp2 volume")
      expect(target.Iops).toBeGreaterThanOrEqual(100)
      expect(target.CreateTime).toBeInstanceOf(Date)
      const modified = yield* call(() => client.send(new ModifyVolumeCommand({ VolumeId: target.VolumeId, VolumeType: "gp3" })))
      expect(modified.VolumeModification).toMatchObject({ VolumeId: target.VolumeId, ModificationState: "modifying", OriginalVolumeType: "gp2", TargetVolumeType: "gp3", TargetIops: 3000, TargetThroughput: 125 })
      expect(data.volumes.find((v) => v.id === target.VolumeId)?.volumeType).toBe("gp3")
      const attached = mine.find((v) => v.attachment !== undefined)
      const inUse = errorOf(yield* callError(() => client.send(new DeleteVolumeCommand({ VolumeId: attached?.id ?? "" }))))
      expect(inUse.name).toBe("VolumeInUse")
      const loose = mine.find((v) => v.attachment === undefined && v.deletedAt === undefined)
      if (loose === undefined) throw new Error("the seed gives no unattached volume")
      const snap = yield* call(() => client.send(new CreateSnapshotCommand({ VolumeId: loose.id, Description: "before delete", TagSpecifications: [{ ResourceType: "snapshot", Tags: [{ Key: "Reason", Value: "cleanup" }] }] })))
      expect(snap.SnapshotId).toMatch(/^snap-[0-9a-f]{17}$/)
      expect(snap.State).toBe("pending")
      expect(snap.Tags).toEqual([{ Key: "Reason", Value: "cleanup" }])
      yield* call(() => client.send(new DeleteVolumeCommand({ VolumeId: loose.id })))
      const gone = errorOf(yield* callError(() => client.send(new DescribeVolumesCommand({ VolumeIds: [loose.id] }))))
      expect(gone.name).toBe("InvalidVolume.NotFound")
    }))

  it.scoped("describes and releases Elastic IPs, tags resources, lists open security groups and regions", () =>
    Effect.gen(function* () {
      const { client, data, accountId, region, sandbox } = yield* setup
      // Use an account/region that has an unassociated address.
      const loose = data.addresses.find((a) => a.associationId === undefined)
      if (loose === undefined) throw new Error("no unassociated address")
      const there = new EC2Client({ endpoint: sandbox.endpoint, region: loose.region, credentials: sandbox.credentialsFor(loose.accountId) })
      const addresses = yield* call(() => there.send(new DescribeAddressesCommand({})))
      const shown = addresses.Addresses?.find((a) => a.AllocationId === loose.allocationId)
      expect(shown?.PublicIp).toBe(loose.publicIp)
      expect(shown && "AssociationId" in shown).toBe(false)
      yield* call(() => there.send(new ReleaseAddressCommand({ AllocationId: loose.allocationId })))
      const again = errorOf(yield* callError(() => there.send(new ReleaseAddressCommand({ AllocationId: loose.allocationId }))))
      expect(again.name).toBe("InvalidAllocationID.NotFound")

      // Security groups where one is open to the world on 22, so the filter has something to find.
      const risky = data.securityGroups.find((g) => g.ingress.some((p) => p.cidrs.includes("0.0.0.0/0") && p.fromPort === 22))
      if (risky === undefined) throw new Error("the seed gives no group open to the world on 22")
      const groups = new EC2Client({ endpoint: sandbox.endpoint, region: risky.region, credentials: sandbox.credentialsFor(risky.accountId) })
      const open = yield* call(() => groups.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "ip-permission.cidr", Values: ["0.0.0.0/0"] }, { Name: "ip-permission.from-port", Values: ["22", "3389", "3306", "5432"] }] })))
      // As on AWS, each filter matches any permission of the group independently.
      const expected = data.securityGroups.filter(
        (g) => g.accountId === risky.accountId && g.region === risky.region && g.ingress.some((p) => p.cidrs.includes("0.0.0.0/0")) && g.ingress.some((p) => [22, 3389, 3306, 5432].includes(p.fromPort ?? -1))
      )
      expect((open.SecurityGroups ?? []).map((g) => g.GroupId).sort()).toEqual(expected.map((g) => g.id).sort())
      const shownRisky = (open.SecurityGroups ?? []).find((g) => g.GroupId === risky.id)
      expect(shownRisky?.IpPermissions?.some((p) => p.FromPort === 22 && p.ToPort === 22 && p.IpProtocol === "tcp" && p.IpRanges?.some((r) => r.CidrIp === "0.0.0.0/0"))).toBe(true)
      const none = yield* call(() => client.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: "ip-permission.from-port", Values: ["9999"] }] })))
      expect(none.SecurityGroups).toEqual([])

      const instance = data.instances.find((i) => i.accountId === accountId && i.region === region)
      yield* call(() => client.send(new CreateTagsCommand({ Resources: [instance?.id ?? ""], Tags: [{ Key: "CostCenter", Value: "cust-9999" }] })))
      expect(instance?.tags["CostCenter"]).toBe("cust-9999")
      const missing = errorOf(yield* callError(() => client.send(new CreateTagsCommand({ Resources: ["vol-0123456789abcdef0"], Tags: [{ Key: "a", Value: "b" }] }))))
      expect(missing.name).toBe("InvalidVolume.NotFound")

      const regions = yield* call(() => client.send(new DescribeRegionsCommand({})))
      expect((regions.Regions ?? []).map((r) => r.RegionName)).toEqual(["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"])
      // AllRegions: every Region AWS lists, the estate's enabled, an opt-in one outside it not opted in.
      const all = new Map(((yield* call(() => client.send(new DescribeRegionsCommand({ AllRegions: true })))).Regions ?? []).map((r) => [r.RegionName, r.OptInStatus]))
      expect(all.get("eu-west-1")).toBe("opt-in-not-required")
      expect(all.get("us-east-2")).toBe("opt-in-not-required")
      expect(all.get("af-south-1")).toBe("not-opted-in")
      expect(all.size).toBe(34)
      const optedOut = yield* call(() => client.send(new DescribeRegionsCommand({ AllRegions: true, Filters: [{ Name: "opt-in-status", Values: ["not-opted-in"] }] })))
      expect((optedOut.Regions ?? []).length).toBe(17)
      // Any Region may be named, enabled or not; a name AWS does not know is refused.
      const named = yield* call(() => client.send(new DescribeRegionsCommand({ RegionNames: ["me-south-1"] })))
      expect(named.Regions?.map((r) => [r.RegionName, r.OptInStatus])).toEqual([["me-south-1", "not-opted-in"]])
      const bad = errorOf(yield* callError(() => client.send(new DescribeRegionsCommand({ RegionNames: ["us-east-9"] }))))
      expect(bad.name).toBe("InvalidParameterValue")
    }))
})
