/**
 * Rebuilds the catalog from the AWS Price List API (GetProducts): EC2
 * Linux shared-tenancy instances (with vCPU, memory and generation), EBS
 * storage and RDS PostgreSQL Single-AZ instances, per region. What the API
 * does not answer keeps the base catalog's figure.
 */
import type { AwsError } from "@miyabi/aws-runtime"
import { Money } from "@miyabi/types"
import { Chunk, Clock, Effect, Option, Schema, Stream } from "effect"
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

export interface RefreshOptions {
  readonly regions?: ReadonlyArray<string>
  /** What to keep where the API has no answer; default the shipped catalog. */
  readonly base?: PriceCatalog
}

export const refreshFromPriceList = (options: RefreshOptions = {}): Effect.Effect<PriceCatalog, AwsError, PriceList> =>
  Effect.gen(function* () {
    const priceList = yield* PriceList
    const base = options.base ?? shipped
    const regions = options.regions ?? REFERENCE_REGIONS
    const read = (serviceCode: string, filters: ReadonlyArray<PriceFilter>) =>
      priceList.products(serviceCode, filters).pipe(
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
