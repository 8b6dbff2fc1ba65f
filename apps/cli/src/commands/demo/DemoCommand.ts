/**
 * `miyabi demo`: the product's main job end to end on the embedded default.
 * Without --store it runs on a fresh temporary SQLite store, left in place
 * so its tasks can be inspected afterwards. The story itself is the list of
 * steps in src/demo/Demo.ts.
 */
import * as Command from "@effect/cli/Command"
import { Effect } from "effect"
import { globalOptions } from "../../Global.js"

export const demoOptions = { ...globalOptions }

export const demoCommand = Command.make("demo", demoOptions, (flags) =>
  Effect.flatMap(Effect.promise(() => import("./DemoHandlers.js")), (h) => h.demo(flags))
).pipe(
  Command.withDescription(
    "Run the platform's main job on an embedded store: enqueue a batch of tasks, run a worker until the queue drains, and report."
  )
)
