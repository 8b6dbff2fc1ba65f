/**
 * What `miyabi intake serve` does; loaded on first use (see IntakeCommand.ts).
 */
import type * as Command from "@effect/cli/Command"
import { Intake, WorkerLogger } from "@miyabi/queue"
import { InvalidInput } from "@miyabi/types"
import { Effect, Layer } from "effect"
import { withQueue } from "../../CommandContext.js"
import { Output } from "../../Output.js"
import { onShutdownSignal } from "../sandbox/Signals.js"
import type { serveOptions } from "./IntakeCommand.js"

const SECRET = "GITHUB_WEBHOOK_SECRET"

/** The secret must be set before anything opens: one line naming the variable. */
export const requireSecret = (env: Readonly<Record<string, string | undefined>>): Effect.Effect<void, InvalidInput> =>
  (env[SECRET] ?? "").trim() === ""
    ? Effect.fail(new InvalidInput({ source: `env ${SECRET}`, reason: "is not set; export the webhook secret configured on GitHub" }))
    : Effect.void

export const serve = (flags: Command.Command.ParseConfig<typeof serveOptions>) =>
  Effect.zipRight(
    requireSecret(process.env),
    withQueue(
      flags,
      Effect.scoped(
        Effect.gen(function* () {
          const output = yield* Output
          const shutdown = yield* onShutdownSignal
          const server = yield* Intake.LocalServer.serve({ port: flags.port, host: flags.host }).pipe(
            Effect.mapError((error) => new InvalidInput({ source: "--port", reason: `cannot listen on ${error.detail}` }))
          )
          yield* output.json
            ? output.printJson({ url: server.url, host: server.host, port: server.port })
            : output.print(`miyabi intake: listening on ${server.url} (POST GitHub deliveries; GET /health); Ctrl-C stops`)
          const signal = yield* shutdown
          yield* Effect.sync(() => process.stderr.write(`miyabi intake: ${signal}, stopping\n`))
        }).pipe(
          // The intake's logs (one JSON line per delivery) go to stderr: stdout is the command's result.
          Effect.provide(WorkerLogger.layer({ format: "json", stream: "stderr" })),
          Effect.provide(
            Intake.WebhookIntake.layerConfig.pipe(
              Layer.provideMerge(Intake.DeliveryStore.layerMemory()),
              Layer.mapError((error) => new InvalidInput({ source: "intake", reason: String(error) }))
            )
          )
        )
      )
    )
  )
