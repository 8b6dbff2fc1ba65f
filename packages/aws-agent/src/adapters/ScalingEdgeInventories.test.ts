/**
 * The ELBv2, Auto Scaling, CloudFront and DynamoDB adapters against the
 * sandbox, through the real SDK clients: every page read (one place of the
 * estate is padded past each API's page size), tags, targets and instances
 * as the estate has them.
 */
import { CreateTableCommand, DynamoDBClient, TagResourceCommand } from "@aws-sdk/client-dynamodb"
import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { estate as Estate, Sandbox, sandboxEstate, useSandboxEnv } from "@miyabi/sandbox"
import { AccountId, Region } from "@miyabi/types"
import { Chunk, Duration, Effect, Layer, Stream } from "effect"
import * as CloudFrontInventory from "./CloudFrontInventory.js"
import * as DynamoDbInventory from "./DynamoDbInventory.js"
import * as ScalingInventory from "./ScalingInventory.js"

// The padded place needs hundreds of tag and target reads; the default 10/s budget would make this test a minute long.
const runtime = AwsRuntime.layer({ region: "us-east-1", retryBaseDelay: Duration.millis(2), retryMaxDelay: Duration.millis(20), defaultRateLimit: { perSecond: 10_000, burst: 10_000 } })
const layer = Layer.mergeAll(ScalingInventory.layer, CloudFrontInventory.layer, DynamoDbInventory.layer).pipe(Layer.provideMerge(runtime))
const collect = <A, E, R>(s: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(s), Chunk.toReadonlyArray)

/** A tiny estate whose first workload account and region hold more than a page of each kind. */
const padded = () => {
  const estate = sandboxEstate({ seed: 12, size: "tiny" })
  const data = estate.data
  const lb = data.loadBalancers[0]
  const group = data.autoScalingGroups[0]
  const dist = data.distributions[0]
  const table = data.tables[0]
  if (lb === undefined || group === undefined || dist === undefined || table === undefined) throw new Error("the tiny estate lacks a kind")
  // 410 balancers (DescribeLoadBalancers pages at 400), 105 groups (100), 105 distributions (100), 105 tables (ListTables 100).
  for (let k = 0; k < 410; k++) {
    const arn = lb.arn.replace(/\/[0-9a-f]+$/, `/pad${String(k).padStart(12, "0")}`)
    data.loadBalancers.push({ ...lb, arn, name: `pad-${k}`, tags: { Pad: String(k) } })
    // A few padded balancers forward to two of the place's instances.
    if (k % 100 === 0) data.targetGroups.push({ arn: `${arn.replace(":loadbalancer/app/", ":targetgroup/").replace(":loadbalancer/net/", ":targetgroup/")}tg`, name: `pad-tg-${k}`, accountId: lb.accountId, region: lb.region, protocol: "HTTP", port: 80, vpcId: lb.vpcId, loadBalancerArns: [arn], targets: data.instances.filter((i) => i.accountId === lb.accountId && i.region === lb.region).slice(0, 2).map((i) => i.id), tags: {} })
  }
  for (let k = 0; k < 105; k++) data.autoScalingGroups.push({ ...group, accountId: lb.accountId, region: lb.region, name: `pad-asg-${k}`, arn: `${group.arn}-pad-${k}` })
  for (let k = 0; k < 105; k++) data.distributions.push({ ...dist, accountId: lb.accountId, id: `EPAD${String(k).padStart(9, "0")}`, arn: `arn:aws:cloudfront::${lb.accountId}:distribution/EPAD${String(k).padStart(9, "0")}` })
  for (let k = 0; k < 105; k++) data.tables.push({ ...table, accountId: lb.accountId, region: lb.region, name: `pad-table-${String(k).padStart(3, "0")}` })
  return { estate, place: { account: AccountId.make(lb.accountId), region: Region.make(lb.region) } }
}

describe("scaling and edge adapters against the sandbox", () => {
  it.scopedLive("ELBv2 and Auto Scaling: every page, balancers with their tags and targets, groups with their instances", () =>
    Effect.gen(function* () {
      const { estate, place } = padded()
      yield* useSandboxEnv(yield* Sandbox.start({ estate, dynamodb: false }))
      const scaling = yield* ScalingInventory.ScalingInventory
      const data = estate.data
      const here = <A extends { readonly accountId: string; readonly region: string }>(xs: ReadonlyArray<A>) => xs.filter((x) => x.accountId === place.account && x.region === place.region)

      const balancers = yield* collect(scaling.loadBalancers(place))
      expect(balancers.map((r) => r.arn)).toEqual(here(data.loadBalancers).map((lb) => lb.arn))
      for (const r of balancers) {
        const lb = data.loadBalancers.find((x) => x.arn === r.arn)
        const targets = data.targetGroups.filter((tg) => tg.loadBalancerArns.includes(r.arn)).flatMap((tg) => tg.targets)
        expect(r.tags).toEqual(lb?.tags)
        expect(r.owner).toBe("Napoleon")
        expect(r.details).toMatchObject({ _tag: "load-balancer", type: lb?.type, scheme: lb?.scheme, dnsName: lb?.dnsName, targetCount: targets.length })
        expect(r.dependencies).toEqual(targets.map((id) => `arn:aws:ec2:${place.region}:${place.account}:instance/${id}`))
      }
      expect(balancers.some((r) => r.details._tag === "load-balancer" && r.details.targetCount === 0)).toBe(true)
      expect(balancers.some((r) => r.details._tag === "load-balancer" && (r.details.targetCount ?? 0) > 0)).toBe(true)

      const groups = yield* collect(scaling.autoScalingGroups(place))
      expect(groups.map((r) => r.id)).toEqual(here(data.autoScalingGroups).map((g) => g.name))
      for (const r of groups) {
        const g = data.autoScalingGroups.find((x) => x.name === r.id)
        expect(r.tags).toEqual(g?.tags)
        expect(r.details).toMatchObject({ _tag: "auto-scaling-group", minSize: g?.minSize, maxSize: g?.maxSize, desiredCapacity: g?.desiredCapacity, instanceIds: g?.instanceIds })
        expect(r.dependencies).toEqual((g?.instanceIds ?? []).map((id) => `arn:aws:ec2:${place.region}:${place.account}:instance/${id}`))
      }
    }).pipe(Effect.provide(layer)))

  it.scopedLive("CloudFront: every page of a global listing, with tags; DynamoDB: every page of ListTables, with billing and tags", () =>
    Effect.gen(function* () {
      const { estate, place } = padded()
      const sandbox = yield* Sandbox.start({ estate })
      yield* useSandboxEnv(sandbox)
      const data = estate.data

      // CloudFront is read in us-east-1 whatever region the target names.
      const distributions = yield* collect((yield* CloudFrontInventory.CloudFrontInventory).distributions({ account: place.account, region: Region.make("eu-west-1") }))
      const mine = data.distributions.filter((d) => d.accountId === place.account)
      expect(mine.length).toBeGreaterThan(100)
      expect(distributions.map((r) => r.id)).toEqual(mine.map((d) => d.id))
      expect(distributions.every((r) => r.region === "us-east-1" && r.owner === "Jobs")).toBe(true)
      expect(distributions.map((r) => r.tags)).toEqual(mine.map((d) => d.tags))
      expect(distributions[0]?.details).toMatchObject({ _tag: "cloudfront-distribution", domainName: mine[0]?.domainName, enabled: mine[0]?.enabled, origins: mine[0]?.origins, priceClass: mine[0]?.priceClass })

      // dynalite is one namespace: create this place's tables only (see the sandbox's EstateTables).
      const tables = Estate.tablesIn(data, place.account, place.region)
      const client = new DynamoDBClient({ endpoint: sandbox.endpoint, region: place.region, credentials: sandbox.credentialsFor(place.account) })
      yield* Effect.forEach(tables, (t) =>
        Effect.promise(async () => {
          const request = Estate.createTableRequest(t)
          const created = await client.send(new CreateTableCommand(request))
          if (request.Tags !== undefined) await client.send(new TagResourceCommand({ ResourceArn: created.TableDescription?.TableArn ?? "", Tags: request.Tags }))
        }), { concurrency: 8, discard: true })
      const found = yield* collect((yield* DynamoDbInventory.DynamoDbInventory).tables(place))
      expect(found.map((r) => r.id)).toEqual(tables.map((t) => t.name).sort())
      for (const r of found) {
        const t = tables.find((x) => x.name === r.id)
        expect(r.owner).toBe("Noguchi")
        expect(r.tags).toEqual(t?.tags)
        expect(r.details).toMatchObject({ _tag: "dynamodb-table", billingMode: t?.billingMode, ...(t?.billingMode === "PROVISIONED" ? { readCapacityUnits: t.readCapacityUnits, writeCapacityUnits: t.writeCapacityUnits } : {}) })
      }
    }).pipe(Effect.provide(layer)))
})
