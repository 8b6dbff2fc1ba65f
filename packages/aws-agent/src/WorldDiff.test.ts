import { describe, expect, it } from "@effect/vitest"
import { AccountId, Arn, EbsVolumeDetails, Ec2InstanceDetails, MicroUsd, owningAgent, Region, Resource, type ResourceDetails, ResourceId, WorldState } from "@miyabi/types"
import { Schema } from "effect"
import { assemble } from "./Discovery.js"
import { shipped } from "./pricing/PricingCatalog.js"
import { diff } from "./WorldDiff.js"

const make = (id: string, details: ResourceDetails, state: Resource["state"] = "running", tags: Record<string, string> = {}) =>
  Resource.make({
    id: ResourceId.make(id),
    arn: Arn.make(`arn:aws:ec2:us-east-1:123456789012:${details._tag}/${id}`),
    kind: details._tag,
    account: AccountId.make("123456789012"),
    region: Region.make("us-east-1"),
    state,
    owner: owningAgent(details._tag),
    tags,
    dependencies: [],
    details,
    monthlyCost: MicroUsd.make(0)
  })
const instance = (type: string) => Ec2InstanceDetails.make({ instanceType: type, awsState: "running", lifecycle: "on-demand", volumeIds: [], securityGroupIds: [] })
const volume = (type: "gp2" | "gp3", encrypted: boolean) => EbsVolumeDetails.make({ volumeType: type, sizeGiB: 100, encrypted, awsState: "in-use", attachedTo: "i-1" })

const world = (resources: Array<Resource>, at: string) =>
  assemble({ resources, coverage: [], accounts: [AccountId.make("123456789012")], regions: [Region.make("us-east-1")], catalog: shipped, timestamp: new Date(at) })

describe("WorldDiff.diff", () => {
  const before = world([make("i-1", instance("m5.xlarge"), "running", { Owner: "a" }), make("vol-1", volume("gp2", false)), make("vol-old", volume("gp3", true))], "2026-11-01T00:00:00Z")
  const after = world([make("i-1", instance("m5.large"), "running", { Owner: "b" }), make("vol-1", volume("gp3", false)), make("vol-new", volume("gp3", true))], "2026-11-08T00:00:00Z")
  const d = diff(before, after)

  it("lists added, removed and changed resources with the changed fields", () => {
    expect(d.added.map((r) => r.id)).toEqual(["vol-new"])
    expect(d.removed.map((r) => r.id)).toEqual(["vol-old"])
    const byId = new Map(d.changed.map((c) => [c.resource.id, c.fields]))
    expect(byId.get(ResourceId.make("i-1"))).toEqual(["details.instanceType", "monthlyCost", "tags.Owner"])
    expect(byId.get(ResourceId.make("vol-1"))).toEqual(["details.volumeType", "monthlyCost"])
  })

  it("reports the cost and score deltas and the findings resolved", () => {
    // m5.xlarge -> m5.large halves 140.16; gp2 -> gp3 saves 2 dollars on 100 GiB.
    expect(d.monthlyCostDelta).toBe(-70_080_000 - 2_000_000)
    expect(d.securityScoreDelta).toBe(0)
    expect(d.findingsResolved).toEqual([`cost.gp2-volume:${before.resources[1]?.arn}`])
    expect(d.findingsAdded).toEqual([])
  })

  it("a world against itself is no change", () => {
    const same = diff(after, after)
    expect([same.added, same.removed, same.changed, same.findingsAdded]).toEqual([[], [], [], []])
    expect(same.monthlyCostDelta).toBe(0)
  })

  it("worlds round-trip through their versioned JSON", () => {
    const json = Schema.encodeSync(Schema.parseJson(WorldState))(after)
    expect(JSON.parse(json).schemaVersion).toBe(1)
    const back = Schema.decodeSync(Schema.parseJson(WorldState))(json)
    expect(diff(after, back).changed).toEqual([])
  })
})
