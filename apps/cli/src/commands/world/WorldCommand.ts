/** `miyabi world diff A B`: World_n -> World_n+1 from two world state files. Options only; see WorldHandlers.ts. */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import { Effect } from "effect"
import { globalOptions } from "../../Global.js"

export const diffOptions = {
  ...globalOptions,
  from: Args.text({ name: "from" }).pipe(Args.withDescription("The earlier world state file (miyabi discover --out).")),
  to: Args.text({ name: "to" }).pipe(Args.withDescription("The later world state file."))
}

const handlers = () => Effect.promise(() => import("./WorldHandlers.js"))

const diff = Command.make("diff", diffOptions, (flags) => Effect.flatMap(handlers(), (h) => h.diff(flags))).pipe(
  Command.withDescription("Resources added, removed and changed between two world states, with the cost, security score and utilization deltas.")
)

export const worldCommand = Command.make("world").pipe(Command.withDescription("World states: compare two discoveries."), Command.withSubcommands([diff]))
