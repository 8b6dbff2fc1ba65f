/**
 * What `miyabi sandbox up` does; loaded on first use (see SandboxCommand.ts).
 */
import type * as Command from "@effect/cli/Command"
import { sandboxUp } from "@miyabi/sandbox"
import { Effect } from "effect"
import { withOutput } from "../../CommandContext.js"
import { Output } from "../../Output.js"
import type { upOptions } from "./SandboxCommand.js"
import { onShutdownSignal } from "./Signals.js"

export const up = (flags: Command.Command.ParseConfig<typeof upOptions>) =>
  withOutput(
    flags,
    Effect.scoped(
      Effect.gen(function* () {
        const output = yield* Output
        const shutdown = yield* onShutdownSignal
        const started = yield* sandboxUp({ seed: flags.seed, size: flags.size, port: flags.port, host: "127.0.0.1" })
        const { sandbox } = started
        if (output.json) {
          yield* output.printJson({ endpoint: sandbox.endpoint, accountId: sandbox.accountId, seed: flags.seed, size: flags.size, env: started.env })
        } else {
          yield* output.print(
            [
              `# miyabi sandbox: seed ${flags.seed}, size ${flags.size}, management account ${sandbox.accountId}`,
              "# export these in another shell (AWS CLI and miyabi commands then use the sandbox); Ctrl-C stops it",
              ...started.exports,
              "# then, e.g.: miyabi tasks enqueue echo --payload '{\"message\":\"hi\"}' --store aws:prefix=miyabi,provision"
            ].join("\n")
          )
        }
        const signal = yield* shutdown
        yield* Effect.sync(() => process.stderr.write(`miyabi sandbox: ${signal}, stopping\n`))
      })
    )
  )
