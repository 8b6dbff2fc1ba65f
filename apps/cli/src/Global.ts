/**
 * The global options (`--json`, `--store`) and the bare root command.
 *
 * @effect/cli has no "global option" notion: options of a parent command are
 * parsed only before the subcommand's name. So the root declares them (for
 * `miyabi --json demo`) and every leaf command declares them again (for
 * `miyabi demo --json`); `resolveGlobals` merges both, the leaf winning.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import { Effect, Option } from "effect"

export const globalOptions = {
  json: Options.boolean("json").pipe(
    Options.withDescription("Machine output only: one JSON document on stdout, no progress, no colour.")
  ),
  store: Options.text("store").pipe(
    Options.withDescription(
      "Where tasks are kept: sqlite:PATH or a plain path (default: miyabi.db under the user's data directory), or aws:[prefix=P,provision] for SQS + DynamoDB (AWS_* from the environment)."
    ),
    Options.optional
  )
} as const

export interface GlobalFlags {
  readonly json: boolean
  readonly store: Option.Option<string>
}

/** The root command without its subcommands; leaf handlers yield it to read the root's flags. */
export const miyabi = Command.make("miyabi", globalOptions)

/** The effective global flags of a leaf command: its own, else the root's. */
export const resolveGlobals = (leaf: GlobalFlags): Effect.Effect<GlobalFlags, never, Command.Command.Context<"miyabi">> =>
  Effect.map(miyabi, (root) => ({
    json: leaf.json || root.json,
    store: Option.orElse(leaf.store, () => root.store)
  }))
