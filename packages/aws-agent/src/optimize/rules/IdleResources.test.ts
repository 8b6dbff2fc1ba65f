import { describe, expect, it } from "@effect/vitest"
import { EbsVolumeDetails, Ec2InstanceDetails, Resource } from "@miyabi/types"
import { address, changesOf, ec2, proposals, volume } from "../World.testkit.js"
import { idleInstance } from "./IdleInstance.js"
import { unassociatedAddress } from "./UnassociatedAddress.js"
import { pendingSnapshotId, SNAPSHOT_GB_MONTH, unattachedVolume } from "./UnattachedVolume.js"

describe("idle resources", () => {
  it.each([
    ["idle all window -> stop", { avg: 1, peak: 4 }, true],
    ["a 30 % spike once -> keep", { avg: 1, peak: 30 }, false],
    ["busy -> keep", { avg: 20, peak: 40 }, false],
    ["idle but only 10 hours of data -> keep", { avg: 1, peak: 2, hours: 10 }, false],
    ["idle with exactly the 30 hours of data needed -> stop", { avg: 1, peak: 2, hours: 30 }, true],
    ["idle with 29 hours of data -> keep", { avg: 1, peak: 2, hours: 29 }, false],
    // Idle means average under 3 % and peak under 10 %: exactly at either is not idle.
    ["averaging exactly 3 % -> keep", { avg: 3, peak: 4 }, false],
    ["peaking at exactly 10 % -> keep", { avg: 1, peak: 10 }, false]
  ] as const)("instances: %s", (_, u, stops) => {
    const r = ec2("i-idle", "m5.large", u)
    const changes = changesOf(proposals(idleInstance, [r]))
    expect(changes.length).toBe(stops ? 1 : 0)
    if (stops) {
      expect(changes[0]?.action).toEqual({ _tag: "StopInstance" })
      expect(changes[0]?.rollback).toEqual({ _tag: "StartInstance" })
      expect(changes[0]?.expectedMonthlySavings).toBe(r.monthlyCost)
    }
  })

  it("instance-store types need approval before a stop", () => {
    const [c] = changesOf(proposals(idleInstance, [ec2("i-store", "m5d.large", { avg: 1, peak: 2 })]))
    expect(c?.preconditions.some((p) => p._tag === "ManualApproval")).toBe(true)
  })

  it("snapshots then deletes an unattached volume; savings net of the snapshot", () => {
    const r = volume("vol-free", "gp2", 50, false)
    const [c] = changesOf(proposals(unattachedVolume, [r]))
    expect(c?.action._tag).toBe("SnapshotAndDeleteVolume")
    expect(c?.rollback).toEqual({ _tag: "RestoreVolumeFromSnapshot", snapshotId: pendingSnapshotId("vol-free"), volumeType: "gp2" })
    expect(c?.expectedMonthlySavings).toBe(r.monthlyCost - 50 * SNAPSHOT_GB_MONTH)
    expect(proposals(unattachedVolume, [volume("vol-used", "gp2", 50, true)])).toEqual([])
    // Only an "available" volume is unattached: one still being created (or deleted) is left alone.
    const creating = volume("vol-new", "gp2", 50, false)
    const creatingDetails = creating.details._tag === "ebs-volume" ? EbsVolumeDetails.make({ ...creating.details, awsState: "creating" }) : creating.details
    expect(proposals(unattachedVolume, [Resource.make({ ...creating, details: creatingDetails })])).toEqual([])
  })

  it("releases an unassociated address and not an associated one", () => {
    const [c] = changesOf(proposals(unassociatedAddress, [address("eipalloc-1", false)]))
    expect(c?.action).toEqual({ _tag: "ReleaseAddress", publicIp: "203.0.113.7" })
    expect(c?.rollback).toEqual({ _tag: "AllocateAddress", publicIp: "203.0.113.7" })
    expect(c?.expectedMonthlySavings).toBe(5_000 * 730)
    expect(proposals(unassociatedAddress, [address("eipalloc-2", true)])).toEqual([])
  })
  it("stops only on-demand, non-Auto-Scaling instances, under the idle peak, asking approval for any instance store", () => {
    const spot = ec2("i-spot", "m5.large", { avg: 1, peak: 2 })
    const spotDetails = spot.details._tag === "ec2-instance" ? Ec2InstanceDetails.make({ ...spot.details, lifecycle: "spot" }) : spot.details
    expect(proposals(idleInstance, [Resource.make({ ...spot, details: spotDetails })])).toEqual([])
    expect(proposals(idleInstance, [ec2("i-asg", "m5.large", { avg: 1, peak: 2 }, { tags: { "aws:autoscaling:groupName": "web" } })])).toEqual([])
    const [c] = changesOf(proposals(idleInstance, [ec2("i-idle", "m5.large", { avg: 1, peak: 2 })]))
    // The stop is safe only while the instance stays under the idle peak (10 %), not the idle average (3 %).
    expect(c?.preconditions.find((p) => p._tag === "UtilizationBelow")).toEqual({ _tag: "UtilizationBelow", percent: 10 })
    expect(c?.preconditions.some((p) => p._tag === "ManualApproval")).toBe(false)
    // i3 (storage optimized) keeps NVMe instance store without a "d" in its name.
    const [i3] = changesOf(proposals(idleInstance, [ec2("i-nvme", "i3.large", { avg: 1, peak: 2 })]))
    expect(i3?.preconditions.some((p) => p._tag === "ManualApproval")).toBe(true)
  })
})
