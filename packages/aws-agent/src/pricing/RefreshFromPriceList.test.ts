/**
 * The refresh's progress against the sandbox's Price List API: one event per
 * GetProducts page, pages counted from 1 within each (service code, product
 * family, region) read, products counted up to what the pages held.
 */
import { describe, expect, it } from "@effect/vitest"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { Sandbox, useSandboxEnv } from "@miyabi/sandbox"
import { Chunk, Effect, Layer, Ref, Stream } from "effect"
import * as PriceList from "../adapters/PriceList.js"
import { refreshFromPriceList, type RefreshProgressEvent } from "./RefreshFromPriceList.js"

const stack = PriceList.layer.pipe(Layer.provideMerge(AwsRuntime.layer({ region: "us-east-1" })))

describe("refreshFromPriceList progress", () => {
  it.scopedLive("tells each GetProducts page of each read, in page order, one event per request", () =>
    Effect.gen(function* () {
      const sandbox = yield* Sandbox.start({ seed: 1, size: "tiny", dynamodb: false })
      yield* useSandboxEnv(sandbox, { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" })
      const seen = yield* Ref.make<ReadonlyArray<RefreshProgressEvent>>([])
      const catalog = yield* refreshFromPriceList({ regions: ["us-east-1", "eu-west-1"], onProgress: (e) => Ref.update(seen, (all) => [...all, e]) }).pipe(Effect.provide(stack))
      const events = yield* Ref.get(seen)
      const byRead = new Map<string, Array<RefreshProgressEvent>>()
      for (const e of events) byRead.set(`${e.serviceCode} ${e.productFamily} ${e.region}`, [...(byRead.get(`${e.serviceCode} ${e.productFamily} ${e.region}`) ?? []), e])
      expect([...byRead.keys()].sort()).toEqual([
        "AmazonEC2 Compute Instance eu-west-1",
        "AmazonEC2 Compute Instance us-east-1",
        "AmazonEC2 Storage eu-west-1",
        "AmazonEC2 Storage us-east-1",
        "AmazonRDS Database Instance eu-west-1",
        "AmazonRDS Database Instance us-east-1"
      ])
      for (const read of byRead.values()) {
        expect(read.map((e) => e.page)).toEqual(read.map((_, i) => i + 1))
        const counts = read.map((e) => e.products)
        expect(counts).toEqual([...counts].sort((a, b) => a - b))
      }
      // Every page was one request; the sandbox's instance products fill a page.
      expect(events.length).toBe(sandbox.log.requests().filter((r) => r.operation === "GetProducts").length)
      expect(byRead.get("AmazonEC2 Compute Instance us-east-1")?.at(-1)?.products).toBeGreaterThan(0)
      expect(catalog.prices["ec2:us-east-1:m5.large"]).toBe(96_000)
    }))

  it.effect("counts pages and products across a read of several pages (one chunk of the adapter's stream per page)", () =>
    Effect.gen(function* () {
      const product = (type: string) => JSON.stringify({ product: { attributes: { instanceType: type } }, terms: { OnDemand: { t: { priceDimensions: { d: { pricePerUnit: { USD: "0.1" } } } } } } })
      const pages = [[product("a1.large"), product("a1.xlarge")], [product("a1.2xlarge")], [product("a1.4xlarge")]]
      const priceList = Layer.succeed(PriceList.PriceList, {
        products: (serviceCode) => (serviceCode === "AmazonEC2" ? Stream.fromChunks(...pages.map((p) => Chunk.fromIterable(p))) : Stream.empty)
      })
      const seen = yield* Ref.make<ReadonlyArray<string>>([])
      yield* refreshFromPriceList({ regions: ["us-west-2"], onProgress: (e) => Ref.update(seen, (all) => [...all, `${e.serviceCode} ${e.productFamily} ${e.region} page ${e.page} (${e.products})`]) }).pipe(Effect.provide(priceList))
      const events = yield* Ref.get(seen)
      // Both EC2 reads (instances, storage) see the three pages; RDS has none. (The reads run concurrently: compared per read.)
      for (const family of ["Compute Instance", "Storage"]) {
        expect(events.filter((e) => e.includes(family))).toEqual([1, 2, 3].map((n) => `AmazonEC2 ${family} us-west-2 page ${n} (${n + 1})`))
      }
      expect(events.filter((e) => e.startsWith("AmazonRDS"))).toEqual([])
    }))
})
