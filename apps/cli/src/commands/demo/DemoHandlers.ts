/**
 * What `miyabi demo` does; loaded on first use (see DemoCommand.ts).
 */
import type * as Command from "@effect/cli/Command"
import { InvalidInput } from "@miyabi/types"
import { Effect, Option } from "effect"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { demoSteps, runDemo } from "../../demo/Demo.js"
import { resolveGlobals } from "../../Global.js"
import { Output } from "../../Output.js"
import { provideQueue } from "../../QueueStore.js"
import { parseStore, type StoreConfig } from "../../StoreConfig.js"
import type { demoOptions } from "./DemoCommand.js"

/** Retries back off in tenths of a second so the dead-letter shows up within the demo. */
const demoBackoff = { baseMs: 100, capMs: 1_000 }

const temporaryStore: Effect.Effect<StoreConfig, InvalidInput> = Effect.try({
  try: (): StoreConfig => ({ _tag: "Sqlite", path: path.join(fs.mkdtempSync(path.join(os.tmpdir(), "miyabi-demo-")), "miyabi.db") }),
  catch: (error) => new InvalidInput({ source: "demo", reason: `cannot create a temporary store: ${String(error)}` })
})

export const demo = (flags: Command.Command.ParseConfig<typeof demoOptions>) =>
  Effect.gen(function* () {
    const globals = yield* resolveGlobals(flags)
    const temporary = Option.isNone(globals.store)
    const store = temporary ? yield* temporaryStore : yield* parseStore(globals.store, { source: "--store" })
    const where = store._tag === "Sqlite" ? store.path : `aws:${store.spec}`
    yield* runDemo(demoSteps, { store: where, temporary }).pipe(
      provideQueue(store, { sqlite: { backoff: demoBackoff } }),
      Effect.provide(Output.layer({ json: globals.json }))
    )
  })
