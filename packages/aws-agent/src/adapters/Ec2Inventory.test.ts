import { DescribeAddressesCommand, DescribeInstancesCommand, DescribeSecurityGroupsCommand, DescribeVolumesCommand, EC2Client } from "@aws-sdk/client-ec2"
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts"
import { describe, expect, it } from "@effect/vitest"
import { mockClient } from "aws-sdk-client-mock"
import { Effect, Layer } from "effect"
import * as Ec2Inventory from "./Ec2Inventory.js"
import { ACCOUNT, placebo, runtime, target } from "./Placebo.testkit.js"

const sts = mockClient(STSClient)
const ec2 = mockClient(EC2Client)
sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/test`, UserId: "AIDA" })

const layer = Ec2Inventory.layer.pipe(Layer.provideMerge(runtime))

describe("Ec2Inventory over recorded EC2 responses", () => {
  it.effect("tells running from stopped instances and reads type, volumes and groups", () =>
    Effect.gen(function* () {
      ec2.on(DescribeInstancesCommand).resolves(placebo("ec2", "test_ec2_offhours_filter__ec2.DescribeInstances_1.json"))
      const inv = yield* Ec2Inventory.Ec2Inventory
      const found = yield* inv.instances(target())
      expect(found.map((r) => r.state).sort()).toEqual(["running", "stopped"])
      for (const r of found) {
        expect(r.kind).toBe("ec2-instance")
        expect(r.owner).toBe("Gates")
        expect(r.arn).toBe(`arn:aws:ec2:us-east-1:${ACCOUNT}:instance/${r.id}`)
        if (r.details._tag !== "ec2-instance") throw new Error("details")
        expect(r.details.instanceType).toBe("t2.micro")
        expect(r.details.launchTime).toBeInstanceOf(Date)
        expect(Object.keys(r.tags)).toContain("c7n_test")
      }
    }).pipe(Effect.provide(layer)))

  it.effect("an instance with no Tags key at all has no tags", () =>
    Effect.gen(function* () {
      ec2.on(DescribeInstancesCommand).resolves(placebo("ec2", "test_ec2_metric_extended_stats__ec2.DescribeInstances_1.json"))
      const found = yield* (yield* Ec2Inventory.Ec2Inventory).instances(target("us-east-2"))
      expect(found).toHaveLength(3)
      const untagged = found.filter((r) => Object.keys(r.tags).length === 0)
      expect(untagged).toHaveLength(1)
      expect(untagged[0]?.state).toBe("running")
      const graviton = found.find((r) => r.details._tag === "ec2-instance" && r.details.instanceType === "t4g.micro")
      expect(graviton?.state).toBe("stopped")
      // Tags become a map, values kept as AWS has them (trailing space included).
      expect(graviton?.tags).toMatchObject({ Application: "myapp", "cost-center": "bleh ", Name: "samltesting" })
      expect(graviton?.dependencies.some((d) => d.includes(":volume/vol-"))).toBe(true)
    }).pipe(Effect.provide(layer)))

  it.effect("finds the unattached gp2 volumes", () =>
    Effect.gen(function* () {
      ec2.on(DescribeVolumesCommand).resolves(placebo("ec2", "test_ebs_instance_filter__ec2.DescribeVolumes_1.json"))
      const found = yield* (yield* Ec2Inventory.Ec2Inventory).volumes(target("us-west-2"))
      expect(found).toHaveLength(3)
      const detached = found.filter((r) => r.state === "detached")
      expect(detached).toHaveLength(2)
      for (const v of detached) {
        if (v.details._tag !== "ebs-volume") throw new Error("details")
        expect(v.details.volumeType).toBe("gp2")
        expect(v.details.attachedTo).toBeUndefined()
      }
      const attached = found.find((r) => r.state === "running")
      expect(attached?.details._tag === "ebs-volume" && attached.details.attachedTo?.startsWith("i-")).toBe(true)
    }).pipe(Effect.provide(layer)))

  it.effect("reads mixed volume types and the unattached io1", () =>
    Effect.gen(function* () {
      ec2.on(DescribeVolumesCommand).resolves(placebo("ec2", "test_ebs_modifyable_filter__ec2.DescribeVolumes_1.json"))
      const found = yield* (yield* Ec2Inventory.Ec2Inventory).volumes(target())
      expect(found).toHaveLength(6)
      const detached = found.filter((r) => r.state === "detached")
      expect(detached.map((v) => (v.details._tag === "ebs-volume" ? [v.details.volumeType, v.details.sizeGiB] : []))).toEqual([["io1", 64]])
    }).pipe(Effect.provide(layer)))

  it.effect("tells the unassociated Elastic IP from the associated ones", () =>
    Effect.gen(function* () {
      ec2.on(DescribeAddressesCommand).resolves(placebo("ec2", "test_eip_used_by__ec2.DescribeAddresses_1.json"))
      const found = yield* (yield* Ec2Inventory.Ec2Inventory).addresses(target("us-west-2"))
      expect(found.map((r) => [r.id, r.state])).toEqual([
        ["eipalloc-089b40a986b3b2954", "running"],
        ["eipalloc-0c2e1da5c1bb166f5", "detached"],
        ["eipalloc-0fd809411832cfc28", "running"]
      ])
      const onInstance = found[2]
      expect(onInstance?.details._tag === "elastic-ip" && onInstance.details.instanceId).toBe("i-02bdb80e43cda8576")
    }).pipe(Effect.provide(layer)))

  it.effect("reads ingress rules: launch-wizard-1 is open to 0.0.0.0/0 on tcp/22", () =>
    Effect.gen(function* () {
      ec2.on(DescribeSecurityGroupsCommand).resolves(placebo("ec2", "test_sg_config_diff__ec2.DescribeSecurityGroups_1.json"))
      const found = yield* (yield* Ec2Inventory.Ec2Inventory).securityGroups(target())
      expect(found).toHaveLength(10)
      const wizard = found.find((r) => r.name === "launch-wizard-1")
      if (wizard?.details._tag !== "security-group") throw new Error("launch-wizard-1 missing")
      expect(wizard.details.ingress.some((p) => p.protocol === "tcp" && p.fromPort === 22 && p.toPort === 22 && p.ipv4Ranges.includes("0.0.0.0/0"))).toBe(true)
    }).pipe(Effect.provide(layer)))
})
