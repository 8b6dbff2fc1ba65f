/**
 * `miyabi intake serve`: the GitHub webhook receiver on a local HTTP port,
 * enqueuing tasks on the queue of --store.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { intOption } from "../../IntOption.js"
import { globalOptions } from "../../Global.js"

export const serveOptions = {
  ...globalOptions,
  port: intOption("port", { min: 0, max: 65_535 }).pipe(
    Options.withDescription("Port to listen on (0 picks a free one)."),
    Options.withDefault(8787)
  ),
  host: Options.text("host").pipe(
    Options.withDescription("Address to listen on; loopback by default (put a tunnel or proxy in front to expose it)."),
    Options.withDefault("127.0.0.1")
  )
}

const serve = Command.make("serve", serveOptions, (flags) =>
  Effect.flatMap(Effect.promise(() => import("./IntakeHandlers.js")), (h) => h.serve(flags))
).pipe(
  Command.withDescription(
    "Receive GitHub webhook deliveries (POST, X-Hub-Signature-256 checked with GITHUB_WEBHOOK_SECRET) and enqueue labelled issues as tasks, until Ctrl-C."
  )
)

export const intakeCommand = Command.make("intake").pipe(
  Command.withDescription("The GitHub webhook intake."),
  Command.withSubcommands([serve])
)
