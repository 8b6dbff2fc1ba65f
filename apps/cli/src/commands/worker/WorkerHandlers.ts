/**
 * What `miyabi worker run` does; loaded on first use (see WorkerCommand.ts).
 */
import type * as Command from "@effect/cli/Command"
import { Effect } from "effect"
import { withQueue } from "../../CommandContext.js"
import { resolveGlobals } from "../../Global.js"
import { builtinHandlers } from "../../handlers/BuiltinKinds.js"
import { parseStore } from "../../StoreConfig.js"
import { Output } from "../../Output.js"
import { renderFields } from "../../render/Table.js"
import { duration } from "../../render/TaskView.js"
import { runWorker } from "../../worker/RunWorker.js"
import type { runOptions } from "./WorkerCommand.js"

export const run = (flags: Command.Command.ParseConfig<typeof runOptions>) =>
  withQueue(
    flags,
    Effect.gen(function* () {
      const output = yield* Output
      const store = yield* Effect.flatMap(resolveGlobals(flags), (globals) => parseStore(globals.store, { source: "--store" }))
      yield* output.progress(`worker: ${flags.concurrency} slots, lease ${duration(flags.lease)}${flags.untilEmpty ? ", until the queue is empty" : ", until SIGTERM/SIGINT"}`)
      const summary = yield* runWorker({ handlers: builtinHandlers(store), concurrency: flags.concurrency, leaseMs: flags.lease, drainMs: flags.drain, untilEmpty: flags.untilEmpty, logs: "stderr" })
      yield* output.progress("")
      yield* output.json
        ? output.printJson(summary)
        : output.print(
            renderFields([
              ["stopped", summary.reason === "Idle" ? "the queue is empty" : summary.reason === "Shutdown" ? "drained after a signal" : summary.reason],
              ["claimed", summary.claimed],
              ["completed", summary.completed],
              ["retried", summary.retried],
              ["dead-lettered", summary.deadLettered],
              ["released", summary.released],
              ["elapsed", duration(summary.elapsedMs)]
            ])
          )
    })
  )
