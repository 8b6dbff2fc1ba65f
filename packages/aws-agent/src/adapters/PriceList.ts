/**
 * The AWS Price List Query API (GetProducts), which answers only in
 * us-east-1 (and ap-south-1, eu-central-1): each product is a JSON string
 * with attributes and on-demand terms.
 */
import { GetProductsCommand, type GetProductsCommandInput, PricingClient } from "@aws-sdk/client-pricing"
import { type AwsError, AwsClients, ServiceDescriptor } from "@miyabi/aws-runtime"
import { Region } from "@miyabi/types"
import { Context, Effect, Layer, Stream } from "effect"

export const Pricing = ServiceDescriptor.make("pricing", (config) => new PricingClient(config))

export interface PriceFilter {
  readonly field: string
  readonly value: string
}

export interface PriceListShape {
  /** Every product of a service code matching the filters, as Price List JSON strings. */
  /** The SDK hands each product as a lazy JSON string (an object whose toString is the JSON); callers get plain strings. */
  readonly products: (serviceCode: string, filters: ReadonlyArray<PriceFilter>) => Stream.Stream<string, AwsError>
}

export class PriceList extends Context.Tag("@miyabi/aws-agent/PriceList")<PriceList, PriceListShape>() {}

const PRICING_REGION = Region.make("us-east-1")

export const make: Effect.Effect<PriceListShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => ({
  products: (serviceCode, filters) =>
    aws.paginate(
      Pricing,
      { region: PRICING_REGION },
      (input: GetProductsCommandInput) => new GetProductsCommand(input),
      {
        ServiceCode: serviceCode,
        FormatVersion: "aws_v1",
        MaxResults: 100,
        Filters: filters.map((f) => ({ Type: "TERM_MATCH" as const, Field: f.field, Value: f.value }))
      },
      { inputToken: "NextToken", outputToken: "NextToken", items: "PriceList" }
    ).pipe(Stream.map((item) => String(item)))
}))

export const layer: Layer.Layer<PriceList, never, AwsClients.AwsClients> = Layer.effect(PriceList, make)
