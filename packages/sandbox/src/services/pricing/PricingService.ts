/**
 * The Price List Query API over JSON 1.1: GetProducts with TERM_MATCH /
 * EQUALS / CONTAINS / ANY_OF / NONE_OF filters and NextToken paging, for
 * AmazonEC2 and AmazonRDS. `PriceList` holds JSON-encoded strings, as on AWS.
 */
import { Effect } from "effect"
import type { Estate } from "../../EstateContract.js"
import { DEFAULT_REGIONS } from "../../estate/GenerateEstate.js"
import { awsError, type ServiceFactory } from "../../ServiceHandler.js"
import { buildCatalog, type PriceProduct } from "./PriceCatalog.js"

const TOKEN_PREFIX = "sbx1:"

interface Filter {
  readonly type: string
  readonly field: string
  readonly value: string
}

const FILTER_TYPES = new Set(["TERM_MATCH", "EQUALS", "CONTAINS", "ANY_OF", "NONE_OF"])

const matches = (p: PriceProduct, f: Filter): boolean => {
  // Field names match without regard to case, as the Price List API does.
  const key = Object.keys(p.attributes).find((k) => k.toLowerCase() === f.field.toLowerCase())
  const actual = f.field.toLowerCase() === "servicecode" ? p.serviceCode : key === undefined ? undefined : p.attributes[key]
  const options = f.value.split(",").map((v) => v.trim())
  switch (f.type) {
    case "CONTAINS":
      return actual !== undefined && actual.toLowerCase().includes(f.value.toLowerCase())
    case "ANY_OF":
      return actual !== undefined && options.includes(actual)
    case "NONE_OF":
      return actual === undefined || !options.includes(actual)
    default:
      return actual === f.value
  }
}

export const makePricingService: ServiceFactory<Estate> = (env) => {
  const regions = [...new Set([...DEFAULT_REGIONS, ...env.estate.regions])]
  let catalog: ReadonlyArray<PriceProduct> | undefined
  // Built on first use: about two thousand products that most sandboxes never ask for.
  const products = (): ReadonlyArray<PriceProduct> => (catalog ??= buildCatalog(regions))
  return {
    signingName: "pricing",
    protocol: "json1.1",
    targetPrefix: "AWSPriceListService",
    operations: {
      GetProducts: (input) =>
        Effect.gen(function* () {
          const serviceCode = typeof input["ServiceCode"] === "string" ? input["ServiceCode"] : undefined
          if (serviceCode === undefined) return yield* Effect.fail(awsError("InvalidParameterException", "ServiceCode is required"))
          const rawFilters = Array.isArray(input["Filters"]) ? input["Filters"] : []
          const filters: Array<Filter> = []
          for (const raw of rawFilters) {
            const r = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>
            const type = typeof r["Type"] === "string" ? r["Type"] : ""
            if (!FILTER_TYPES.has(type) || typeof r["Field"] !== "string" || typeof r["Value"] !== "string") {
              return yield* Effect.fail(awsError("InvalidParameterException", `Invalid filter: ${JSON.stringify(raw)}`))
            }
            filters.push({ type, field: r["Field"], value: r["Value"] })
          }
          const max = input["MaxResults"] ?? 100
          if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 100) {
            return yield* Effect.fail(awsError("InvalidParameterException", "MaxResults must be between 1 and 100"))
          }
          const token = typeof input["NextToken"] === "string" ? input["NextToken"] : undefined
          const offset = token === undefined ? 0 : Number(Buffer.from(token, "base64url").toString("utf8").slice(TOKEN_PREFIX.length))
          if (!Number.isInteger(offset) || offset < 0) return yield* Effect.fail(awsError("InvalidNextTokenException", "The token is invalid"))
          const selected = products().filter((p) => p.serviceCode === serviceCode && filters.every((f) => matches(p, f)))
          return {
            FormatVersion: "aws_v1",
            PriceList: selected.slice(offset, offset + max).map((p) => p.json),
            NextToken: offset + max < selected.length ? Buffer.from(`${TOKEN_PREFIX}${offset + max}`).toString("base64url") : undefined
          }
        })
    },
    errors: {
      throttling: { code: "ThrottlingException", status: 400, message: "Rate exceeded" },
      internal: { code: "InternalErrorException", status: 500, message: "An error on the server occurred during the processing of your request." }
    }
  }
}
