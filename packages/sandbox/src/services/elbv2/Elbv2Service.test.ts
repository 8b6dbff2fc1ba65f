import {
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  LoadBalancerNotFoundException,
  paginateDescribeLoadBalancers,
  paginateDescribeTargetGroups,
  TargetGroupNotFoundException
} from "@aws-sdk/client-elastic-load-balancing-v2"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { at, busiestPlace } from "../../estate/Busiest.testkit.js"
import { sandboxEstate } from "../../estate/SandboxEstate.js"
import { start } from "../../Sandbox.js"
import { call, callError, collect } from "../../testing/SdkCalls.js"
import { makeElbv2Service } from "./Elbv2Service.js"

const setup = Effect.gen(function* () {
  // Enough balancers in one account and region for several pages of 2.
  const estate = sandboxEstate({ seed: 4, size: "small", resources: 3_000, accounts: 3 })
  const place = busiestPlace(estate.data.loadBalancers)
  const sandbox = yield* start({ estate, services: [makeElbv2Service], dynamodb: false })
  const client = new ElasticLoadBalancingV2Client({ endpoint: sandbox.endpoint, region: place.region, credentials: sandbox.credentialsFor(place.accountId) })
  return { estate, client, balancers: at(estate.data.loadBalancers, place), groups: at(estate.data.targetGroups, place) }
})

describe("ELBv2", () => {
  it.scoped("DescribeLoadBalancers pages with Marker / PageSize to the end and shapes balancers as AWS does", () =>
    Effect.gen(function* () {
      const { client, balancers } = yield* setup
      expect(balancers.length).toBeGreaterThan(4)
      const pages = yield* collect(paginateDescribeLoadBalancers({ client }, { PageSize: 2 }))
      expect(pages.length).toBe(Math.ceil(balancers.length / 2))
      const all = pages.flatMap((p) => p.LoadBalancers ?? [])
      expect(all.map((lb) => lb.LoadBalancerArn)).toEqual(balancers.map((lb) => lb.arn))
      const first = balancers[0]
      expect(all[0]).toMatchObject({ LoadBalancerName: first?.name, DNSName: first?.dnsName, Scheme: first?.scheme, Type: first?.type, VpcId: first?.vpcId, State: { Code: "active" }, CreatedTime: new Date(first?.createdAt ?? 0) })
      expect(all[0]?.AvailabilityZones?.map((z) => z.ZoneName)).toEqual(first?.availabilityZones.map((z) => z.zone))

      const byName = yield* call(() => client.send(new DescribeLoadBalancersCommand({ Names: [first?.name ?? ""] })))
      expect(byName.LoadBalancers?.map((lb) => lb.LoadBalancerArn)).toEqual([first?.arn])
      expect(yield* callError(() => client.send(new DescribeLoadBalancersCommand({ Names: ["no-such-balancer"] })))).toBeInstanceOf(LoadBalancerNotFoundException)
      const badPage = yield* callError(() => client.send(new DescribeLoadBalancersCommand({ PageSize: 401 })))
      expect((badPage as Error).name).toBe("ValidationError")
      const foreignMarker = pages[0]?.NextMarker ?? ""
      expect(((yield* callError(() => client.send(new DescribeLoadBalancersCommand({ Names: [first?.name ?? ""], Marker: foreignMarker })))) as Error).name).toBe("ValidationError")
    }))

  it.scoped("DescribeTargetGroups, DescribeTargetHealth and DescribeTags read the groups, their targets and tags", () =>
    Effect.gen(function* () {
      const { estate, client, balancers, groups } = yield* setup
      const all = (yield* collect(paginateDescribeTargetGroups({ client }, { PageSize: 3 }))).flatMap((p) => p.TargetGroups ?? [])
      expect(all.map((g) => g.TargetGroupArn)).toEqual(groups.map((g) => g.arn))
      const served = groups.find((g) => g.targets.length > 0 && g.loadBalancerArns.length > 0)
      const forBalancer = yield* call(() => client.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: served?.loadBalancerArns[0] ?? "" })))
      expect(forBalancer.TargetGroups?.map((g) => g.TargetGroupArn)).toContain(served?.arn)
      expect(forBalancer.TargetGroups?.[0]?.LoadBalancerArns).toEqual(served?.loadBalancerArns)

      const health = yield* call(() => client.send(new DescribeTargetHealthCommand({ TargetGroupArn: served?.arn ?? "" })))
      expect(health.TargetHealthDescriptions?.map((t) => t.Target?.Id)).toEqual(served?.targets)
      const running = new Set(estate.data.instances.filter((i) => i.state === "running").map((i) => i.id))
      for (const t of health.TargetHealthDescriptions ?? []) expect(t.TargetHealth?.State).toBe(running.has(t.Target?.Id ?? "") ? "healthy" : "unused")
      expect(yield* callError(() => client.send(new DescribeTargetHealthCommand({ TargetGroupArn: `${served?.arn ?? ""}x` })))).toBeInstanceOf(TargetGroupNotFoundException)

      const arns = balancers.slice(0, 3).map((lb) => lb.arn)
      const tags = yield* call(() => client.send(new DescribeTagsCommand({ ResourceArns: arns })))
      expect(tags.TagDescriptions?.map((d) => d.ResourceArn)).toEqual(arns)
      expect(tags.TagDescriptions?.map((d) => Object.fromEntries((d.Tags ?? []).map((t) => [t.Key, t.Value])))).toEqual(balancers.slice(0, 3).map((lb) => lb.tags))
      const tooMany = yield* callError(() => client.send(new DescribeTagsCommand({ ResourceArns: Array.from({ length: 21 }, () => arns[0] ?? "") })))
      expect((tooMany as Error).name).toBe("ValidationError")
    }))
})
