/**
 * `miyabi sandbox up`: a local AWS (@miyabi/sandbox) in the foreground, with
 * the environment a shell needs to use it printed on stdout.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect } from "effect"
import { intOption } from "../../IntOption.js"
import { globalOptions } from "../../Global.js"
import { choiceOption } from "../../ChoiceOption.js"

export const estateSizes = ["tiny", "small", "medium", "large"] as const

export const upOptions = {
  ...globalOptions,
  seed: Options.integer("seed").pipe(Options.withDescription("Seed of the generated estate (same seed, same estate)."), Options.withDefault(1)),
  size: choiceOption("size", estateSizes).pipe(Options.withDescription("Size of the generated estate."), Options.withDefault("small" as const)),
  port: intOption("port", { min: 0, max: 65_535 }).pipe(
    Options.withDescription("Port on 127.0.0.1 (0 picks a free one)."),
    Options.withDefault(0)
  )
}

const up = Command.make("up", upOptions, (flags) =>
  Effect.flatMap(Effect.promise(() => import("./SandboxHandlers.js")), (h) => h.up(flags))
).pipe(
  Command.withDescription(
    "Run a local AWS (STS, Organizations, EC2, S3, SQS, DynamoDB, ...) on loopback until Ctrl-C, and print the AWS_* variables to export."
  )
)

export const sandboxCommand = Command.make("sandbox").pipe(
  Command.withDescription("A local AWS for trying the platform without an AWS account."),
  Command.withSubcommands([up])
)
