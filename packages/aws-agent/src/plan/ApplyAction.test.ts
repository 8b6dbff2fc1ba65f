import { describe, expect, it } from "@effect/vitest"
import { type ChangeAction, IngressRule } from "@miyabi/types"
import { address, database, ec2, group, volume } from "../optimize/World.testkit.js"
import { applyAction } from "./ApplyAction.js"

describe("applyAction", () => {
  it("an action then its inverse gives the resource back", () => {
    const world = IngressRule.make({ protocol: "tcp", fromPort: 22, toPort: 22, ipv4Ranges: ["0.0.0.0/0"], ipv6Ranges: [], sourceGroupIds: [] })
    const cases: ReadonlyArray<[ReturnType<typeof ec2>, ChangeAction, ChangeAction]> = [
      [ec2("i-1", "m5.large"), { _tag: "ResizeInstance", fromType: "m5.large", toType: "m6i.large" }, { _tag: "ResizeInstance", fromType: "m6i.large", toType: "m5.large" }],
      [ec2("i-2", "m5.large"), { _tag: "StopInstance" }, { _tag: "StartInstance" }],
      [database("db-1", "db.m5.large"), { _tag: "ResizeDbInstance", fromClass: "db.m5.large", toClass: "db.m6i.large" }, { _tag: "ResizeDbInstance", fromClass: "db.m6i.large", toClass: "db.m5.large" }]
    ]
    for (const [r, action, inverse] of cases) {
      const after = applyAction(r, action)
      expect(after).not.toEqual(r)
      expect(applyAction(after!, inverse)).toEqual(r)
    }
    const sg = group("sg-1", [22])
    const revoked = applyAction(sg, { _tag: "RevokeIngress", rule: world })
    expect(revoked?.details._tag === "security-group" ? revoked.details.ingress.map((p) => p.ipv4Ranges) : []).toEqual([["10.0.0.0/8"]])
  })

  it("removes deleted volumes and released addresses", () => {
    expect(applyAction(volume("vol-1", "gp2", 10, false), { _tag: "SnapshotAndDeleteVolume", snapshotDescription: "x" })).toBeUndefined()
    expect(applyAction(address("eipalloc-1", false), { _tag: "ReleaseAddress", publicIp: "203.0.113.7" })).toBeUndefined()
  })
})
