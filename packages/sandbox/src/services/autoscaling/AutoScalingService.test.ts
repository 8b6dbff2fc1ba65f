import { AutoScalingClient, DescribeAutoScalingGroupsCommand, InvalidNextToken, paginateDescribeAutoScalingGroups } from "@aws-sdk/client-auto-scaling"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { at, busiestPlace } from "../../estate/Busiest.testkit.js"
import { sandboxEstate } from "../../estate/SandboxEstate.js"
import { start } from "../../Sandbox.js"
import { call, callError, collect } from "../../testing/SdkCalls.js"
import { makeAutoScalingService } from "./AutoScalingService.js"

describe("Auto Scaling", () => {
  it.scoped("DescribeAutoScalingGroups pages with NextToken / MaxRecords; a group's instances are the estate's", () =>
    Effect.gen(function* () {
      const estate = sandboxEstate({ seed: 4, size: "small", resources: 3_000, accounts: 3 })
      const place = busiestPlace(estate.data.autoScalingGroups)
      const { accountId, region } = place
      const mine = at(estate.data.autoScalingGroups, place)
      expect(mine.length).toBeGreaterThan(3)
      const sandbox = yield* start({ estate, services: [makeAutoScalingService], dynamodb: false })
      const client = new AutoScalingClient({ endpoint: sandbox.endpoint, region, credentials: sandbox.credentialsFor(accountId) })

      const pages = yield* collect(paginateDescribeAutoScalingGroups({ client, pageSize: 2 }, {}))
      expect(pages.length).toBe(Math.ceil(mine.length / 2))
      const all = pages.flatMap((p) => p.AutoScalingGroups ?? [])
      expect(all.map((g) => g.AutoScalingGroupARN)).toEqual(mine.map((g) => g.arn))
      const first = mine[0]
      expect(all[0]).toMatchObject({ AutoScalingGroupName: first?.name, MinSize: first?.minSize, MaxSize: first?.maxSize, DesiredCapacity: first?.desiredCapacity, CreatedTime: new Date(first?.createdAt ?? 0) })
      const instances = new Map(estate.data.instances.map((i) => [i.id, i]))
      for (const g of all) {
        for (const i of g.Instances ?? []) {
          const known = instances.get(i.InstanceId ?? "")
          expect(known?.accountId).toBe(accountId)
          expect(i.InstanceType).toBe(known?.instanceType)
          expect(i.LifecycleState).toBe(known?.state === "running" ? "InService" : "Standby")
        }
      }
      const tagged = mine.find((g) => Object.keys(g.tags).length > 0)
      const shown = all.find((g) => g.AutoScalingGroupName === tagged?.name)
      expect(Object.fromEntries((shown?.Tags ?? []).map((t) => [t.Key, t.Value]))).toEqual(tagged?.tags)

      const byName = yield* call(() => client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [first?.name ?? "", "no-such-group"] })))
      expect(byName.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual([first?.name])
      const foreign = pages[0]?.NextToken ?? ""
      expect(yield* callError(() => client.send(new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [first?.name ?? ""], NextToken: foreign })))).toBeInstanceOf(InvalidNextToken)
      expect(((yield* callError(() => client.send(new DescribeAutoScalingGroupsCommand({ MaxRecords: 101 })))) as Error).name).toBe("ValidationError")
    }))
})
