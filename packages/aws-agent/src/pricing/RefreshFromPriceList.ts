/**
 * Rebuilds the catalog from the AWS Price List API (GetProducts): EC2
 * Linux shared-tenancy instances (with vCPU, memory and generation), EBS
 * storage and RDS PostgreSQL Single-AZ instances, per region. What the API
 * does not answer keeps the base catalog's figure.
 */
import type { AwsError } from "@miyabi/aws-runtime"
import { Money } from "@miyabi/types"
import { Chunk, Clock, Effect, Option, Ref, Schema, Stream } from "effect"
import { PriceList, type PriceFilter } from "../adapters/PriceList.js"
import { REFERENCE_REGIONS } from "./ListPrices.js"
import { InstanceTypeInfo, PriceCatalog, shipped } from "./PricingCatalog.js"

const Dimension = Schema.Struct({ unit: Schema.optional(Schema.String), pricePerUnit: Schema.Record({ key: Schema.String, value: Schema.String }) })
const Product = Schema.parseJson(
  Schema.Struct({
    product: Schema.Struct({ attributes: Schema.Record({ key: Schema.String, value: Schema.String }) }),
    terms: Schema.Struct({
      OnDemand: Schema.optional(Schema.Record({ key: Schema.String, value: Schema.Struct({ priceDimensions: Schema.Record({ key: Schema.String, value: Dimension }) }) }))
    })
  })
)
type Product = typeof Product.Type

export interface PricedProduct {
  readonly attributes: Readonly<Record<string, string>>
  /** The first on-demand dimension's USD price, in micro-dollars. */
  readonly micros: number
}

/** One Price List JSON string -> attributes and on-demand price; none for what is not a priced product. */
export const parseProduct = (json: string): Option.Option<PricedProduct> =>
  Schema.decodeUnknownOption(Product)(json).pipe(
    Option.flatMap((p: Product) => {
      const term = Object.values(p.terms.OnDemand ?? {})[0]
      const usd = term === undefined ? undefined : Object.values(term.priceDimensions)[0]?.pricePerUnit["USD"]
      const micros = usd === undefined ? undefined : Money.fromDecimalString(usd)
      return micros === undefined ? Option.none() : Option.some({ attributes: p.product.attributes, micros })
    })
  )

/** "8 GiB", "0.5 GiB", "1,952 GiB" -> GiB. */
const gib = (memory: string | undefined): number => Number((memory ?? "0").replace(/[^\d.]/g, "")) || 0

/** One page of GetProducts read: which service code, product family and region, the page's number and the products read so far. */
export interface RefreshProgressEvent {
  readonly serviceCode: string
  readonly productFamily: string
  readonly region: string
  /** 1 for the first page of this (service code, product family, region). */
  readonly page: number
  /** Products (priced or not) read so far over this read's pages. */
  readonly products: number
}

export type OnRefreshProgress = (event: RefreshProgressEvent) => Effect.Effect<void>

export interface RefreshOptions {
  readonly regions?: ReadonlyArray<string>
  /** What to keep where the API has no answer; default the shipped catalog. */
  readonly base?: PriceCatalog
  /** Told after each page of GetProducts (the reads run concurrently: events of different reads interleave). */
  readonly onProgress?: OnRefreshProgress
}

export const refreshFromPriceList = (options: RefreshOptions = {}): Effect.Effect<PriceCatalog, AwsError, PriceList> =>
  Effect.gen(function* () {
    const priceList = yield* PriceList
    const base = options.base ?? shipped
    const regions = options.regions ?? REFERENCE_REGIONS
    const onProgress = options.onProgress
    // The adapter's stream holds one chunk per GetProducts page (aws-runtime's paginate), so a chunk is a page
    // (a Stream drops empty chunks: an empty last page is not told).
    const pages = (serviceCode: string, filters: ReadonlyArray<PriceFilter>) => (products: Stream.Stream<string, AwsError>) => {
      if (onProgress === undefined) return products
      const field = (name: string) => filters.find((f) => f.field === name)?.value ?? ""
      return Stream.unwrap(
        Effect.map(Ref.make({ page: 0, products: 0 }), (seen) =>
          Stream.mapChunksEffect(products, (chunk) =>
            Ref.updateAndGet(seen, (s) => ({ page: s.page + 1, products: s.products + Chunk.size(chunk) })).pipe(
              Effect.flatMap((s) => onProgress({ serviceCode, productFamily: field("productFamily"), region: field("regionCode"), ...s })),
              Effect.as(chunk)
            )
          )
        )
      )
    }
    const read = (serviceCode: string, filters: ReadonlyArray<PriceFilter>) =>
      priceList.products(serviceCode, filters).pipe(
        pages(serviceCode, filters),
        Stream.filterMap(parseProduct),
        Stream.runCollect,
        Effect.map(Chunk.toReadonlyArray)
      )
    const perRegion = yield* Effect.forEach(
      regions,
      (region) =>
        Effect.all(
          {
            region: Effect.succeed(region),
            instances: read("AmazonEC2", [
              { field: "regionCode", value: region },
              { field: "productFamily", value: "Compute Instance" },
              { field: "operatingSystem", value: "Linux" },
              { field: "tenancy", value: "Shared" },
              { field: "preInstalledSw", value: "NA" },
              { field: "capacitystatus", value: "Used" }
            ]),
            storage: read("AmazonEC2", [
              { field: "regionCode", value: region },
              { field: "productFamily", value: "Storage" }
            ]),
            databases: read("AmazonRDS", [
              { field: "regionCode", value: region },
              { field: "productFamily", value: "Database Instance" },
              { field: "databaseEngine", value: "PostgreSQL" },
              { field: "deploymentOption", value: "Single-AZ" }
            ])
          },
          { concurrency: 3 }
        ),
      { concurrency: 2 }
    )
    const prices: Record<string, number> = { ...base.prices }
    const facts = new Map(base.instanceTypes.map((i) => [i.name, i]))
    for (const { region, instances, storage, databases } of perRegion) {
      for (const p of instances) {
        const name = p.attributes["instanceType"]
        if (name === undefined) continue
        prices[`ec2:${region}:${name}`] = p.micros
        const known = facts.get(name)
        facts.set(
          name,
          InstanceTypeInfo.make({
            name,
            category: p.attributes["instanceFamily"] ?? known?.category ?? "General Purpose",
            vcpus: Number(p.attributes["vcpu"]) || known?.vcpus || 0,
            memoryGiB: gib(p.attributes["memory"]) || known?.memoryGiB || 0,
            currentGeneration: p.attributes["currentGeneration"] === undefined ? (known?.currentGeneration ?? true) : p.attributes["currentGeneration"] === "Yes"
          })
        )
      }
      for (const p of storage) {
        const volume = p.attributes["volumeApiName"]
        if (volume !== undefined) prices[`ebs:${region}:${volume}`] = p.micros
      }
      for (const p of databases) {
        const cls = p.attributes["instanceType"]
        if (cls !== undefined) prices[`rds:${region}:${cls}`] = p.micros
      }
    }
    const now = yield* Clock.currentTimeMillis
    return PriceCatalog.make({
      source: `AWS Price List API (GetProducts: AmazonEC2, AmazonRDS) for ${regions.join(", ")}; other figures from: ${base.source}`,
      date: new Date(now).toISOString().slice(0, 10),
      instanceTypes: [...facts.values()],
      prices
    })
  }).pipe(Effect.withSpan("PricingCatalog.refreshFromPriceList"))
