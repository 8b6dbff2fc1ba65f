/**
 * What every leaf command's handler needs: the effective global flags, an
 * `Output`, and (for commands that touch tasks) the `TaskQueue` of `--store`.
 */
import type * as Command from "@effect/cli/Command"
import type { QueueError, TaskQueue } from "@miyabi/queue"
import type { InvalidInput } from "@miyabi/types"
import { Effect } from "effect"
import { type GlobalFlags, resolveGlobals } from "./Global.js"
import { Output } from "./Output.js"
import { provideQueue, type QueueStore } from "./QueueStore.js"
import { parseStore } from "./StoreConfig.js"

type RootContext = Command.Command.Context<"miyabi">

/** Runs `body` with the `Output` chosen by `--json`. */
export const withOutput = <A, E, R>(
  flags: GlobalFlags,
  body: Effect.Effect<A, E, R>
): Effect.Effect<A, E, Exclude<R, Output> | RootContext> =>
  Effect.flatMap(resolveGlobals(flags), (globals) => Effect.provide(body, Output.layer({ json: globals.json })))

/** Runs `body` with `Output` and the `TaskQueue` chosen by `--store`. */
export const withQueue = <A, E, R>(
  flags: GlobalFlags,
  body: Effect.Effect<A, E, R>
): Effect.Effect<A, E | InvalidInput | QueueError, Exclude<Exclude<R, TaskQueue>, Output> | RootContext | QueueStore> =>
  Effect.flatMap(resolveGlobals(flags), (globals) =>
    parseStore(globals.store, { source: "--store" }).pipe(
      Effect.flatMap((config) => provideQueue(config)(body)),
      Effect.provide(Output.layer({ json: globals.json }))
    )
  )
