/**
 * `miyabi discover`: θ1, the world state of the accounts and regions the
 * environment's AWS credentials reach (AWS_ENDPOINT_URL honoured, so a
 * sandbox serves it). Options only; the work is in DiscoverHandlers.ts.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { intOption } from "../../IntOption.js"
import { globalOptions } from "../../Global.js"
import { scopeOptions } from "./ScopeFlags.js"

export const discoverOptions = {
  ...globalOptions,
  ...scopeOptions,
  out: Options.text("out").pipe(Options.withDescription("Also write the world state (versioned JSON) to this file."), Options.optional),
  cache: Options.text("cache").pipe(Options.withDescription("A cache file: units read less than --cache-ttl minutes ago are reused instead of asked again."), Options.optional),
  cacheTtl: intOption("cache-ttl", { min: 0, max: 10_080 }).pipe(
    Options.withDescription("Minutes a cache entry stays fresh."),
    Options.withDefault(60)
  ),
  utilizationDays: intOption("utilization-days", { min: 0, max: 63 }).pipe(
    Options.withDescription("CloudWatch window in days (0: no utilization)."),
    Options.withDefault(14)
  )
}

const handlers = () => Effect.promise(() => import("./DiscoverHandlers.js"))

export const discoverCommand = Command.make("discover", discoverOptions, (flags) => Effect.flatMap(handlers(), (h) => h.discover(flags))).pipe(
  Command.withDescription("Discover the estate (accounts x regions x services): resources, monthly cost, security score, utilization, findings, coverage. --json prints the world state.")
)
