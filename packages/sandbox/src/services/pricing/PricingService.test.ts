import { GetProductsCommand, InvalidParameterException, paginateGetProducts, PricingClient } from "@aws-sdk/client-pricing"
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { ec2HourlyMicros, rdsHourlyMicros } from "../../estate/PriceTable.js"
import { sandboxEstate } from "../../estate/SandboxEstate.js"
import { start } from "../../Sandbox.js"
import { makePricingService } from "./PricingService.js"
import { usdString } from "./PriceCatalog.js"
import { call, callError, collect } from "../../testing/SdkCalls.js"

interface PriceItem {
  product: { productFamily: string; attributes: Record<string, string>; sku: string }
  serviceCode: string
  terms: { OnDemand: Record<string, { priceDimensions: Record<string, { unit: string; pricePerUnit: { USD: string } }> }> }
}

const parse = (item: unknown): PriceItem => JSON.parse(String(item)) as PriceItem
const onDemandUsd = (item: PriceItem): string | undefined => Object.values(Object.values(item.terms.OnDemand)[0]?.priceDimensions ?? {})[0]?.pricePerUnit.USD

const setup = Effect.gen(function* () {
  const sandbox = yield* start({ estate: sandboxEstate({ seed: 1, size: "tiny" }), services: [makePricingService], dynamodb: false })
  return new PricingClient({ endpoint: sandbox.endpoint, region: "us-east-1", credentials: sandbox.credentials })
})

describe("Pricing", () => {
  it.scoped("GetProducts quotes the price table for one instance type, region and OS", () =>
    Effect.gen(function* () {
      const client = yield* setup
      const answer = yield* call(() =>
        client.send(
          new GetProductsCommand({
            ServiceCode: "AmazonEC2",
            FormatVersion: "aws_v1",
            Filters: [
              { Type: "TERM_MATCH", Field: "instanceType", Value: "m5.large" },
              { Type: "TERM_MATCH", Field: "regionCode", Value: "eu-west-1" },
              { Type: "TERM_MATCH", Field: "operatingSystem", Value: "Linux" },
              { Type: "TERM_MATCH", Field: "tenancy", Value: "Shared" },
              { Type: "TERM_MATCH", Field: "capacitystatus", Value: "Used" },
              { Type: "TERM_MATCH", Field: "preInstalledSw", Value: "NA" }
            ]
          })
        )
      )
      expect(answer.FormatVersion).toBe("aws_v1")
      expect(answer.PriceList).toHaveLength(1)
      // The SDK wraps each JSON-encoded string in a LazyJsonString; its text is the product JSON.
      expect(String(answer.PriceList?.[0])).toMatch(/^\{"product":\{"productFamily":"Compute Instance"/)
      const item = parse(answer.PriceList?.[0])
      expect(item.serviceCode).toBe("AmazonEC2")
      expect(item.product.productFamily).toBe("Compute Instance")
      expect(item.product.attributes).toMatchObject({ instanceType: "m5.large", location: "Europe (Ireland)", vcpu: "2", memory: "8 GiB", usagetype: "EU-BoxUsage:m5.large" })
      expect(item.product.sku).toMatch(/^[A-Z2-9]{16}$/)
      expect(onDemandUsd(item)).toBe(usdString(ec2HourlyMicros("m5.large", "eu-west-1")))
      expect(onDemandUsd(item)).toBe("0.1056000000")
      const byLocation = yield* call(() =>
        client.send(new GetProductsCommand({ ServiceCode: "AmazonEC2", Filters: [{ Type: "TERM_MATCH", Field: "instanceType", Value: "m4.large" }, { Type: "TERM_MATCH", Field: "location", Value: "US East (N. Virginia)" }, { Type: "TERM_MATCH", Field: "operatingSystem", Value: "Linux" }] }))
      )
      expect(parse(byLocation.PriceList?.[0]).product.attributes["currentGeneration"]).toBe("No")
      const rds = yield* call(() =>
        client.send(new GetProductsCommand({ ServiceCode: "AmazonRDS", Filters: [{ Type: "TERM_MATCH", Field: "instanceType", Value: "db.m5.large" }, { Type: "TERM_MATCH", Field: "regionCode", Value: "us-east-1" }, { Type: "TERM_MATCH", Field: "databaseEngine", Value: "PostgreSQL" }] }))
      )
      expect(onDemandUsd(parse(rds.PriceList?.[0]))).toBe(usdString(rdsHourlyMicros("db.m5.large", "us-east-1")))
    }))

  it.scoped("pages with NextToken to the end and rejects bad filters", () =>
    Effect.gen(function* () {
      const client = yield* setup
      const filters = [
        { Type: "TERM_MATCH" as const, Field: "regionCode", Value: "us-east-1" },
        { Type: "TERM_MATCH" as const, Field: "operatingSystem", Value: "Linux" },
        { Type: "TERM_MATCH" as const, Field: "productFamily", Value: "Compute Instance" }
      ]
      const pages = yield* collect(paginateGetProducts({ client, pageSize: 30 }, { ServiceCode: "AmazonEC2", Filters: filters }))
      const items = pages.flatMap((p) => p.PriceList ?? []).map(parse)
      expect(items.length).toBeGreaterThan(90)
      expect(pages.length).toBe(Math.ceil(items.length / 30))
      expect(new Set(items.map((i) => i.product.attributes["instanceType"])).size).toBe(items.length)
      const gp = yield* call(() => client.send(new GetProductsCommand({ ServiceCode: "AmazonEC2", Filters: [{ Type: "TERM_MATCH", Field: "volumeApiName", Value: "gp3" }, { Type: "TERM_MATCH", Field: "regionCode", Value: "us-east-1" }] })))
      expect(onDemandUsd(parse(gp.PriceList?.[0]))).toBe("0.0800000000")
      const bad = yield* callError(() => client.send(new GetProductsCommand({ ServiceCode: "AmazonEC2", MaxResults: 500 })))
      expect(bad).toBeInstanceOf(InvalidParameterException)
    }))
})
