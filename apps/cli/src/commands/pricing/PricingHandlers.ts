/** What `miyabi pricing refresh` does; loaded on first use (see PricingCommand.ts). */
import type * as Command from "@effect/cli/Command"
import { type OnRefreshProgress, PriceList, PricingCatalog, refreshFromPriceList, type RefreshProgressEvent } from "@miyabi/aws-agent"
import { Effect, Option, Schema } from "effect"
import { withOutput } from "../../CommandContext.js"
import { Output, type OutputShape } from "../../Output.js"
import { renderFields } from "../../render/Table.js"
import { withCommandLogs } from "../discover/CommandLogs.js"
import { awsRuntime } from "../discover/DiscoverHandlers.js"
import { parseList } from "../discover/ScopeParse.js"
import { writeJsonFile } from "../world/WorldFiles.js"
import type { refreshOptions } from "./PricingCommand.js"

type RefreshFlags = Command.Command.ParseConfig<typeof refreshOptions>

/** One progress line per Price List page, e.g. `pricing refresh AmazonEC2 Compute Instance us-east-1: page 4 (400 products)`. */
export const refreshProgressLine = (e: RefreshProgressEvent): string =>
  `pricing refresh ${e.serviceCode} ${e.productFamily} ${e.region}: page ${e.page} (${e.products} products)`

/** The refresh's progress on the output's progress line (a terminal only, never with --json). */
export const reportRefreshProgress = (output: OutputShape): OnRefreshProgress => (e) => output.progress(refreshProgressLine(e))

export const refresh = (flags: RefreshFlags) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const regions = yield* parseList("--regions", flags.regions)
      yield* output.progress("reading the Price List API...")
      const catalog = yield* refreshFromPriceList({ ...(regions === undefined ? {} : { regions }), onProgress: reportRefreshProgress(output) }).pipe(
        withCommandLogs(output.json),
        Effect.provide(PriceList.layer),
        Effect.provide(awsRuntime),
        Effect.ensuring(output.progress(""))
      )
      const encoded = Schema.encodeSync(PricingCatalog.PriceCatalog)(catalog)
      if (Option.isSome(flags.out)) yield* writeJsonFile(flags.out.value, encoded)
      const shipped = PricingCatalog.shipped.prices
      const keys = Object.keys(catalog.prices)
      const changed = keys.filter((k) => shipped[k] !== undefined && shipped[k] !== catalog.prices[k]).length
      const added = keys.filter((k) => shipped[k] === undefined).length
      if (output.json) return yield* output.printJson(Option.isSome(flags.out) ? { out: flags.out.value, source: catalog.source, date: catalog.date, instanceTypes: catalog.instanceTypes.length, prices: keys.length, changed, added } : encoded)
      yield* output.print(
        renderFields([
          ["source", catalog.source],
          ["date", catalog.date],
          ["instance types", catalog.instanceTypes.length],
          ["prices", keys.length],
          ["changed vs shipped", changed],
          ["new vs shipped", added],
          ["written to", Option.getOrUndefined(flags.out)]
        ])
      )
    })
  )
