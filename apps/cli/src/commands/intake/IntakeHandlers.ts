/**
 * What `miyabi intake serve` does; loaded on first use (see IntakeCommand.ts).
 */
import type * as Command from "@effect/cli/Command"
import { Intake, QueueStore, WorkerLogger } from "@miyabi/queue"
import { InvalidInput } from "@miyabi/types"
import { Effect, Layer } from "effect"
import { withQueue } from "../../CommandContext.js"
import { resolveGlobals } from "../../Global.js"
import { Output } from "../../Output.js"
import { parseStore } from "../../StoreConfig.js"
import { withoutCliLogs } from "../discover/CommandLogs.js"
import { onShutdownSignal } from "../sandbox/Signals.js"
import type { serveOptions } from "./IntakeCommand.js"

const SECRET = "GITHUB_WEBHOOK_SECRET"

/** The secret must be set before anything opens: one line naming the variable. */
export const requireSecret = (env: Readonly<Record<string, string | undefined>>): Effect.Effect<void, InvalidInput> =>
  (env[SECRET] ?? "").trim() === ""
    ? Effect.fail(new InvalidInput({ source: `env ${SECRET}`, reason: "is not set; export the webhook secret configured on GitHub" }))
    : Effect.void

type ServeFlags = Command.Command.ParseConfig<typeof serveOptions>

/**
 * Where delivery ids are remembered (replay protection), by configuration:
 * beside an aws: store, DELIVERY#<id> items in its DynamoDB task table, so
 * every intake process shares them; beside SQLite, in memory.
 * MIYABI_REPLAY_STORE=memory|dynamodb overrides.
 */
const replayStore = (flags: ServeFlags) =>
  Effect.gen(function* () {
    const globals = yield* resolveGlobals(flags)
    const store = yield* parseStore(globals.store, { source: "--store" })
    const spec: QueueStore.StoreSpec = store._tag === "Aws" ? yield* QueueStore.parseStore(`aws:${store.spec}`, "--store") : { _tag: "Sqlite", path: store.path }
    const mode = yield* QueueStore.replayStoreMode(spec).pipe(Effect.mapError((error) => new InvalidInput({ source: "env MIYABI_REPLAY_STORE", reason: String(error) })))
    return { mode, layer: QueueStore.deliveryStoreLayer(spec) }
  })

export const serve = (flags: ServeFlags) =>
  Effect.zipRight(
    requireSecret(process.env),
    Effect.flatMap(replayStore(flags), (replay) => withQueue(
      flags,
      Effect.scoped(
        Effect.gen(function* () {
          const output = yield* Output
          const shutdown = yield* onShutdownSignal
          const server = yield* Intake.LocalServer.serve({ port: flags.port, host: flags.host }).pipe(
            Effect.mapError((error) => new InvalidInput({ source: "--port", reason: `cannot listen on ${error.detail}` }))
          )
          yield* output.json
            ? output.printJson({ url: server.url, host: server.host, port: server.port, replayStore: replay.mode })
            : output.print(`miyabi intake: listening on ${server.url} (POST GitHub deliveries; GET /health; replay guard: ${replay.mode}); Ctrl-C stops`)
          const signal = yield* shutdown
          yield* Effect.sync(() => process.stderr.write(`miyabi intake: ${signal}, stopping\n`))
        }).pipe(
          // The intake's logs (one JSON line per delivery) go to stderr: stdout is the command's result.
          Effect.provide(Layer.merge(withoutCliLogs, WorkerLogger.layer({ format: "json", stream: "stderr" }))),
          Effect.provide(
            Intake.WebhookIntake.layerConfig.pipe(
              Layer.provideMerge(replay.layer),
              Layer.mapError((error) => new InvalidInput({ source: "intake", reason: String(error) }))
            )
          )
        )
      )
    ))
  )
