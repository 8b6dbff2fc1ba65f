import { describe, expect, it } from "@effect/vitest"
import { AccountId, Arn, Ec2InstanceDetails, MicroUsd, owningAgent, Region, Resource, ResourceId } from "@miyabi/types"
import { Effect, Layer } from "effect"
import { CloudWatchMetrics } from "../adapters/CloudWatchMetrics.js"
import { makeUtilizationPass, placeKey } from "./UtilizationPass.js"

const instance = (id: string, account: string, region: string) =>
  Resource.make({
    id: ResourceId.make(id),
    arn: Arn.make(`arn:aws:ec2:${region}:${account}:instance/${id}`),
    kind: "ec2-instance",
    account: AccountId.make(account),
    region: Region.make(region),
    state: "running",
    owner: owningAgent("ec2-instance"),
    tags: {},
    dependencies: [],
    details: Ec2InstanceDetails.make({ instanceType: "m5.large", awsState: "running", lifecycle: "on-demand", volumeIds: [], securityGroupIds: [] }),
    monthlyCost: MicroUsd.make(0)
  })

/** A CloudWatch that answers every query with the same series and records which (account, region) it was asked for. */
const recording = (asked: Array<string>) =>
  Layer.succeed(CloudWatchMetrics, {
    getMetricData: (target, queries) =>
      Effect.sync(() => {
        asked.push(placeKey(target.account, target.region))
        return queries.map((q) => ({ id: q.id, values: [10, 30] }))
      })
  })

const A = "111111111111"
const B = "222222222222"
const options = { windowDays: 14, end: new Date("2026-11-20T00:00:00Z") }

describe("UtilizationPass", () => {
  it.effect("reads a place when its last regional unit is in, the global units' resources at the end, and nothing reused", () => {
    const asked: Array<string> = []
    return Effect.gen(function* () {
      const east = placeKey(A, "us-east-1")
      const west = placeKey(B, "us-west-2")
      const pass = yield* makeUtilizationPass(new Map([[east, 2], [west, 1]]), options, 4)
      yield* pass.unitDone(east, [instance("i-1", A, "us-east-1")], true)
      expect(asked).toEqual([])
      yield* pass.unitDone(east, [instance("i-2", A, "us-east-1")], true)
      // The east place's second (last) unit: read now, with both units' resources in one call.
      expect(asked).toEqual([east])
      // A reused unit completes its place without sending its resources again.
      yield* pass.unitDone(west, [instance("i-3", B, "us-west-2")], false)
      expect(asked).toEqual([east])
      // A global unit's resources wait for `finish`, grouped by their own place.
      yield* pass.unitDone(undefined, [instance("i-4", B, "eu-west-1"), instance("i-5", B, "eu-west-1")], true)
      expect(asked).toEqual([east])
      const summary = yield* pass.finish
      expect(asked).toEqual([east, placeKey(B, "eu-west-1")])
      expect([...summary.measured.values()].map((r) => r.id).sort()).toEqual(["i-1", "i-2", "i-4", "i-5"])
      expect(summary.measured.get(instance("i-1", A, "us-east-1").arn)?.utilization).toMatchObject({ averagePercent: 20, peakPercent: 30 })
      expect(summary.calls).toBe(2)
      expect(summary.coverage).toEqual([])
    }).pipe(Effect.provide(recording(asked)))
  })
})
