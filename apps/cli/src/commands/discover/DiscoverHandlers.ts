/**
 * What `miyabi discover` does; loaded on first use (see DiscoverCommand.ts).
 * Discovery over AwsRuntime.layerConfig (environment credentials and
 * endpoints), progress per finished unit on a TTY, then the summary table
 * or, with --json, the world state document.
 */
import type * as Command from "@effect/cli/Command"
import { Discovery, DiscoveryCache } from "@miyabi/aws-agent"
import { AwsRuntime } from "@miyabi/aws-runtime"
import { InvalidInput } from "@miyabi/types"
import { ConfigError, Effect, Layer, Option } from "effect"
import { withOutput } from "../../CommandContext.js"
import { Output } from "../../Output.js"
import { encodeWorld, writeJsonFile } from "../world/WorldFiles.js"
import type { discoverOptions } from "./DiscoverCommand.js"
import { withCommandLogs } from "./CommandLogs.js"
import { parseScope } from "./ScopeParse.js"
import { renderWorldSummary } from "./WorldSummary.js"
import { envSettingsError } from "../../EnvSettings.js"

type DiscoverFlags = Command.Command.ParseConfig<typeof discoverOptions>

/** The AWS runtime from the environment; a bad setting is one line. */
export const awsRuntime = AwsRuntime.layerConfig().pipe(Layer.mapError((error) => (ConfigError.isConfigError(error) ? envSettingsError(error) : new InvalidInput({ source: "AWS settings", reason: "invalid" }))))

export const discover = (flags: DiscoverFlags) =>
  withOutput(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const scope = yield* parseScope(flags)

      const cacheLayer = Option.match(flags.cache, { onNone: () => Layer.empty, onSome: (path) => DiscoveryCache.layerFile(path) })
      const result = yield* Discovery.run({
        ...scope,
        ...(Option.isSome(flags.cache) ? { cacheTtlMs: flags.cacheTtl * 60_000 } : {}),
        utilization: flags.utilizationDays === 0 ? false : { windowDays: flags.utilizationDays },
        onProgress: (e) =>
          output.progress(`discovering: ${e.done}/${e.total} account x region x service units done (${e.account} ${e.region} ${e.service}: ${e.status}${e.reused ? ", reused" : ""})`)
      }).pipe(
        // A region AWS does not list is the flag's fault: say so against it.
        Effect.catchTag("DiscoveryScopeError", (error) => Effect.fail(new InvalidInput({ source: "--regions", reason: error.message }))),
        withCommandLogs(output.json),
        Effect.provide(Layer.merge(Discovery.adaptersLayer, cacheLayer).pipe(Layer.provideMerge(awsRuntime)))
      )
      yield* output.progress("")
      const world = result.world
      if (Option.isSome(flags.out)) yield* writeJsonFile(flags.out.value, encodeWorld(world))
      if (output.json) return yield* output.printJson(encodeWorld(world))
      yield* output.print(renderWorldSummary(world, { colour: output.colour }))
      if (Option.isSome(flags.out)) yield* output.print(`\nworld state written to ${flags.out.value}`)
    })
  )
