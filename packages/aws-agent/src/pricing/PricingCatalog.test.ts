import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox } from "@miyabi/sandbox"
import { AccountId, Arn, EbsVolumeDetails, Ec2InstanceDetails, ElasticIpDetails, EcsServiceDetails, MicroUsd, owningAgent, Region, Resource, ResourceId, type ResourceDetails, RdsInstanceDetails } from "@miyabi/types"
import { Effect, Layer, Option, Schema } from "effect"
import { readFileSync } from "node:fs"
import path from "node:path"
import * as PriceList from "../adapters/PriceList.js"
import { referenceData } from "../adapters/Placebo.testkit.js"
import { parseCcfCsv } from "./build/CcfCsv.js"
import * as PricingCatalog from "./PricingCatalog.js"
import { parseProduct, refreshFromPriceList } from "./RefreshFromPriceList.js"

const resource = (details: ResourceDetails, state: Resource["state"] = "running", region = "us-east-1") =>
  Resource.make({
    id: ResourceId.make("r-1"),
    arn: Arn.make(`arn:aws:ec2:${region}:123456789012:thing/r-1`),
    kind: details._tag,
    account: AccountId.make("123456789012"),
    region: Region.make(region),
    state,
    owner: owningAgent(details._tag),
    tags: {},
    dependencies: [],
    details,
    monthlyCost: MicroUsd.make(0)
  })

const instance = (instanceType: string) => Ec2InstanceDetails.make({ instanceType, awsState: "running", lifecycle: "on-demand", volumeIds: [], securityGroupIds: [] })
const { shipped, monthlyCost } = PricingCatalog

describe("PricingCatalog", () => {
  it("ships every CCF instance type with its vCPU and memory", () => {
    const csv = parseCcfCsv(readFileSync(path.join(referenceData, "pricing/ccf-coefficients_aws-instances-latest-2026.csv"), "utf8"))
    expect(shipped.instanceTypes).toHaveLength(csv.length)
    expect(PricingCatalog.instanceType(shipped, "m5.large")).toMatchObject({ vcpus: 2, memoryGiB: 8, currentGeneration: true })
    expect(PricingCatalog.instanceType(shipped, "m4.large")?.currentGeneration).toBe(false)
    expect(PricingCatalog.instanceType(shipped, "t2.micro")?.currentGeneration).toBe(false)
    for (const region of ["us-east-1", "us-west-2", "eu-west-1", "ap-northeast-1"]) expect(shipped.prices[`ec2:${region}:m5.large`]).toBeGreaterThan(0)
  })

  it.each([
    ["running m5.large, 730 h at $0.096", resource(instance("m5.large")), 70_080_000],
    ["stopped m5.large costs nothing (its volumes do)", resource(instance("m5.large"), "stopped"), 0],
    ["m5.xlarge is twice the large", resource(instance("m5.xlarge")), 140_160_000],
    ["t3.micro is an eighth of t3.large", resource(instance("t3.micro")), 7_592_000],
    ["100 GiB gp2 at $0.10", resource(EbsVolumeDetails.make({ volumeType: "gp2", sizeGiB: 100, encrypted: true, awsState: "available" }), "detached"), 10_000_000],
    ["100 GiB gp3 at $0.08", resource(EbsVolumeDetails.make({ volumeType: "gp3", sizeGiB: 100, encrypted: true, awsState: "in-use" })), 8_000_000],
    ["an Elastic IP, associated or not: $0.005 an hour", resource(ElasticIpDetails.make({ publicIp: "1.2.3.4", allocationId: "eipalloc-1" }), "detached"), 3_650_000],
    [
      "a Single-AZ db.m5.large with 20 GiB",
      resource(RdsInstanceDetails.make({ instanceClass: "db.m5.large", engine: "postgres", awsState: "available", multiAz: false, storageType: "gp2", allocatedStorageGiB: 20, storageEncrypted: true, publiclyAccessible: false })),
      124_830_000 + 2_300_000
    ],
    [
      "a Fargate service of 2 tasks, 0.5 vCPU / 1 GiB",
      resource(EcsServiceDetails.make({ clusterArn: Arn.make("arn:aws:ecs:us-east-1:123456789012:cluster/c"), taskDefinitionArn: Arn.make("arn:aws:ecs:us-east-1:123456789012:task-definition/t:1"), launchType: "FARGATE", desiredCount: 2, runningCount: 2, cpuUnits: 512, memoryMiB: 1024 })),
      Math.round((0.5 * 40_480 + 4_445) * 2 * 730)
    ]
  ])("%s", (_, r, expected) => {
    expect(monthlyCost(shipped, r)).toBe(expected)
  })

  it("prices other regions from their own key, unknown regions by multiplier", () => {
    const tokyo = monthlyCost(shipped, resource(instance("m5.large"), "running", "ap-northeast-1"))
    expect(tokyo).toBeGreaterThan(monthlyCost(shipped, resource(instance("m5.large"))))
    expect(monthlyCost(shipped, resource(instance("m5.large"), "running", "eu-central-1"))).toBe(Math.round(96_000 * 1.2) * 730)
  })

  it("round-trips through JSON", () => {
    const json = Schema.encodeSync(PricingCatalog.PriceCatalogJson)(shipped)
    expect(Schema.decodeSync(PricingCatalog.PriceCatalogJson)(json).prices["ec2:us-east-1:m5.large"]).toBe(96_000)
  })

  it("parses a Price List product and ignores what is not one", () => {
    const product = JSON.stringify({
      product: { attributes: { instanceType: "m5.large", vcpu: "2", memory: "8 GiB" } },
      terms: { OnDemand: { "X.JRTCKXETXF": { priceDimensions: { "X.JRTCKXETXF.6YS6EN2CT7": { unit: "Hrs", pricePerUnit: { USD: "0.0960000000" } } } } } }
    })
    expect(parseProduct(product)).toEqual(Option.some({ attributes: { instanceType: "m5.large", vcpu: "2", memory: "8 GiB" }, micros: 96_000 }))
    expect(Option.isNone(parseProduct("{}"))).toBe(true)
    expect(Option.isNone(parseProduct("not json"))).toBe(true)
  })

  it.scopedLive("refreshes from the Price List API the sandbox serves", () =>
    Effect.gen(function* () {
      const sandbox = yield* Sandbox.start({ seed: 1, size: "tiny", dynamodb: false })
      const saved = { ...process.env }
      yield* Effect.addFinalizer(() => Effect.sync(() => void Object.assign(process.env, saved)))
      Object.assign(process.env, sandbox.env)
      const catalog = yield* refreshFromPriceList({ regions: ["us-east-1", "eu-west-1"] }).pipe(
        Effect.provide(PriceList.layer.pipe(Layer.provideMerge(AwsRuntime.layer({ region: "us-east-1" }))))
      )
      // The sandbox's price table: m5 .large 0.096 in us-east-1, x1.1 in eu-west-1; t2 flagged previous generation.
      expect(catalog.prices["ec2:us-east-1:m5.large"]).toBe(96_000)
      expect(catalog.prices["ec2:eu-west-1:m5.large"]).toBe(105_600)
      expect(catalog.prices["ebs:eu-west-1:gp2"]).toBe(110_000)
      expect(catalog.prices["rds:us-east-1:db.m5.large"]).toBe(171_000)
      expect(PricingCatalog.instanceType(catalog, "t2.micro")?.currentGeneration).toBe(false)
      expect(catalog.source).toContain("Price List API")
      expect(sandbox.log.requests().filter((r) => r.operation === "GetProducts").length).toBeGreaterThanOrEqual(6)
    }), 60_000)
})
