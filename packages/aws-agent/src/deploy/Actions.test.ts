import { describe, expect, it } from "@effect/vitest"
import { AccountId, EbsVolumeDetails, Ec2InstanceDetails, LambdaFunctionDetails, Region, type Resource, type ResourceDetails, type ResourceKind } from "@miyabi/types"
import { Option } from "effect"
import { makeResource } from "../adapters/Inventory.js"
import { inverseOf, order, reached, reachedLike } from "./Actions.js"
import { change, ref } from "./Deployer.testkit.js"

const ACCOUNT = AccountId.make("123456789012")
const REGION = Region.make("us-east-1")

const resource = (kind: ResourceKind, id: string, details: ResourceDetails, dependencies: ReadonlyArray<string> = []): Resource =>
  makeResource({ id, arn: ref(kind, ACCOUNT, REGION, id).arn, kind, account: ACCOUNT, region: REGION, state: "running", tags: {}, dependencies, details })

const instance = (type: string, awsState: string, volumes: ReadonlyArray<string> = []) =>
  resource("ec2-instance", "i-0123456789abcdef0", Ec2InstanceDetails.make({ instanceType: type, awsState, lifecycle: "on-demand", volumeIds: [...volumes], securityGroupIds: [] }), volumes.map((v) => ref("ebs-volume", ACCOUNT, REGION, v).arn))
const volume = (type: "gp2" | "gp3" | "io1", iops?: number, attachedTo?: string) =>
  resource(
    "ebs-volume",
    "vol-0123456789abcdef0",
    EbsVolumeDetails.make({ volumeType: type, sizeGiB: 100, encrypted: true, awsState: "in-use", ...(iops === undefined ? {} : { iops }), ...(attachedTo === undefined ? {} : { attachedTo }) }),
    attachedTo === undefined ? [] : [ref("ec2-instance", ACCOUNT, REGION, attachedTo).arn]
  )
const fn = (memoryMiB: number) => resource("lambda-function", "fn", LambdaFunctionDetails.make({ memoryMiB, timeoutSeconds: 3, architecture: "x86_64", packageType: "Zip" }))

describe("inverseOf: the action that restores the observed before-state", () => {
  it("is read from the live resource, not from the plan", () => {
    // The plan says m5.xlarge; the instance is m5.2xlarge now: the inverse goes back to what is there.
    expect(inverseOf({ _tag: "ResizeInstance", fromType: "m5.xlarge", toType: "m5.large" }, instance("m5.2xlarge", "running"))).toEqual(
      Option.some({ _tag: "ResizeInstance", fromType: "m5.large", toType: "m5.2xlarge" })
    )
    expect(inverseOf({ _tag: "SetLambdaMemory", fromMiB: 1024, toMiB: 512 }, fn(2048))).toEqual(Option.some({ _tag: "SetLambdaMemory", fromMiB: 512, toMiB: 2048 }))
  })
  it.each([
    ["running", { _tag: "StartInstance" }],
    ["stopped", { _tag: "StopInstance" }]
  ] as const)("a stop of an instance that was %s is undone by %o", (state, expected) => {
    expect(inverseOf({ _tag: "StopInstance" }, instance("t3.large", state))).toEqual(Option.some(expected))
  })
  it("a gp3 migration goes back to gp2 without the gp3 iops, and io1 keeps its provisioned iops", () => {
    expect(inverseOf({ _tag: "ModifyVolume", fromType: "gp2", toType: "gp3" }, volume("gp2", 300))).toEqual(Option.some({ _tag: "ModifyVolume", fromType: "gp3", toType: "gp2" }))
    expect(inverseOf({ _tag: "ModifyVolume", fromType: "io1", toType: "gp3" }, volume("io1", 6000))).toEqual(Option.some({ _tag: "ModifyVolume", fromType: "gp3", toType: "io1", iops: 6000 }))
  })
  it("a deletion has no inverse before its snapshot exists, a purchase never", () => {
    expect(inverseOf({ _tag: "SnapshotAndDeleteVolume", snapshotDescription: "x" }, volume("gp2"))).toEqual(Option.none())
    expect(inverseOf({ _tag: "PurchaseCommitment", commitment: "compute-savings-plan", termYears: 1, hourlyCommitment: 1 as never }, instance("t3.large", "running"))).toEqual(Option.none())
  })
})

describe("reached: the live resource shows the change done and settled", () => {
  const resize = { _tag: "ResizeInstance", fromType: "m5.xlarge", toType: "m5.large" } as const
  it.each([
    ["m5.large", "running", true],
    ["m5.large", "pending", false],
    ["m5.large", "stopping", false],
    ["m5.xlarge", "running", false]
  ] as const)("resize to m5.large, live %s %s -> %s", (type, state, expected) => {
    expect(reached(resize, Option.some(instance(type, state)))).toBe(expected)
  })
  it("a resize of a running instance is not done while it is left stopped", () => {
    expect(reachedLike(resize, instance("m5.xlarge", "running"), Option.some(instance("m5.large", "stopped")))).toBe(false)
    expect(reachedLike(resize, instance("m5.xlarge", "stopped"), Option.some(instance("m5.large", "stopped")))).toBe(true)
  })
  it("a deletion is done when the resource is gone, nothing else is", () => {
    expect(reached({ _tag: "SnapshotAndDeleteVolume", snapshotDescription: "x" }, Option.none())).toBe(true)
    expect(reached({ _tag: "SetLambdaMemory", fromMiB: 1024, toMiB: 512 }, Option.none())).toBe(false)
  })
})

describe("order", () => {
  const i = "i-0123456789abcdef0"
  const v = "vol-0123456789abcdef0"
  const gp3 = change(1, ref("ebs-volume", ACCOUNT, REGION, v), { _tag: "ModifyVolume", fromType: "gp2", toType: "gp3" })
  const resize = change(2, ref("ec2-instance", ACCOUNT, REGION, i), { _tag: "ResizeInstance", fromType: "m5.xlarge", toType: "m5.large" })
  const release = change(3, ref("elastic-ip", ACCOUNT, REGION, "eipalloc-1"), { _tag: "ReleaseAddress", publicIp: "198.51.100.1" })
  const memory = change(4, ref("lambda-function", ACCOUNT, REGION, "fn"), { _tag: "SetLambdaMemory", fromMiB: 1024, toMiB: 512 })
  it("runs irreversible changes last and an instance before its attached volume (EC2 records the dependency both ways)", () => {
    const before = new Map<string, Resource>([
      [gp3.id, volume("gp2", 300, i)],
      [resize.id, instance("m5.xlarge", "running", [v])],
      [memory.id, fn(1024)]
    ])
    expect(order([release, gp3, memory, resize], before).map((c) => c.id)).toEqual([memory.id, resize.id, gp3.id, release.id])
  })
  it("keeps the plan's order for independent changes", () => {
    expect(order([memory, gp3, resize], new Map()).map((c) => c.id)).toEqual([memory.id, gp3.id, resize.id])
  })
})
