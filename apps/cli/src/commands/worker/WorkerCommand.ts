/**
 * `miyabi worker run`: process tasks of `--store` with the built-in handlers
 * until SIGTERM/SIGINT (then drain) or, with --until-empty, until the queue
 * has nothing left to do.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Duration, Effect, Option, Schema } from "effect"
import { intOption } from "../../IntOption.js"
import { globalOptions } from "../../Global.js"

const durationOption = (name: string, fallback: Duration.DurationInput, description: string) =>
  Options.text(name).pipe(
    Options.withDescription(`${description} (e.g. 30s, 2 minutes, 1500 millis).`),
    Options.withSchema(
      Schema.String.pipe(
        Schema.transform(Schema.Number, {
          strict: true,
          decode: (text) => {
            const normalized = text.trim().replace(/^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/, (_, n: string, unit: string) =>
              `${n} ${{ ms: "millis", s: "seconds", m: "minutes", h: "hours" }[unit] ?? unit}`
            )
            return Option.match(Duration.decodeUnknown(normalized), { onNone: () => Number.NaN, onSome: Duration.toMillis })
          },
          encode: (ms) => `${ms} millis`
        }),
        Schema.filter((ms) => Number.isFinite(ms) && ms >= 0, { message: () => `--${name} must be a duration such as 30s, 2 minutes or 1500 millis` })
      )
    ),
    Options.withDefault(Duration.toMillis(fallback))
  )

export const runOptions = {
    ...globalOptions,
    concurrency: intOption("concurrency", { min: 1, max: 256 }).pipe(
      Options.withDescription("Tasks run at once (1-256)."),
      Options.withDefault(4)
    ),
    lease: durationOption("lease", "30 seconds", "How long a claim lasts before another worker may take the task over"),
    drain: durationOption("drain", "25 seconds", "On SIGTERM/SIGINT, how long in-flight tasks may take to finish"),
    untilEmpty: Options.boolean("until-empty").pipe(
      Options.withAlias("once"),
      Options.withDescription("Stop when the queue has nothing pending or in flight.")
    )
  }

const run = Command.make("run", runOptions, (flags) =>
  Effect.flatMap(Effect.promise(() => import("./WorkerHandlers.js")), (h) => h.run(flags))
).pipe(Command.withDescription("Run a worker on the queue of --store with the built-in task handlers."))

export const workerCommand = Command.make("worker").pipe(
  Command.withDescription("Run task workers."),
  Command.withSubcommands([run])
)
