/** `miyabi pricing refresh`: the pricing catalog rebuilt from the AWS Price List API. Options only; see PricingHandlers.ts. */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { globalOptions } from "../../Global.js"

export const refreshOptions = {
  ...globalOptions,
  out: Options.text("out").pipe(Options.withDescription("Write the catalog (JSON) here; default: print a summary only (the whole catalog with --json)."), Options.optional),
  regions: Options.text("regions").pipe(Options.withDescription("Regions to price, comma-separated (default: the catalog's reference regions)."), Options.optional)
}

const handlers = () => Effect.promise(() => import("./PricingHandlers.js"))

const refresh = Command.make("refresh", refreshOptions, (flags) => Effect.flatMap(handlers(), (h) => h.refresh(flags))).pipe(
  Command.withDescription("Rebuild the pricing catalog from the Price List API (GetProducts; a sandbox serves it too), keeping the shipped values where the API has no answer.")
)

export const pricingCommand = Command.make("pricing").pipe(Command.withDescription("The pricing catalog discovery and optimization price with."), Command.withSubcommands([refresh]))
