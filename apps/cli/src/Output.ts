/**
 * Where a command's output goes. Results go to stdout (a table, or one JSON
 * document with `--json`); progress goes to stderr, only on a TTY and never
 * with `--json`, so pipes and scripts see results only.
 */
import { Context, Effect, Layer, Ref } from "effect"

export interface OutputShape {
  /** True with `--json`: print one JSON document and nothing else. */
  readonly json: boolean
  /** True when ANSI colour may be used on stdout. */
  readonly colour: boolean
  /** One line (or block) of human output on stdout. */
  readonly print: (text: string) => Effect.Effect<void>
  /** The machine result on stdout. */
  readonly printJson: (value: unknown) => Effect.Effect<void>
  /** Transient progress on stderr (TTY only, silent with `--json`). */
  readonly progress: (text: string) => Effect.Effect<void>
}

export class Output extends Context.Tag("@miyabi/cli/Output")<Output, OutputShape>() {
  /** The process's stdout/stderr. */
  static readonly layer = (options: { readonly json: boolean }): Layer.Layer<Output> =>
    Layer.sync(Output, () => {
      const colour = !options.json && process.stdout.isTTY === true && process.env["NO_COLOR"] === undefined
      const progressOn = !options.json && process.stderr.isTTY === true
      return {
        json: options.json,
        colour,
        print: (text) => Effect.sync(() => void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`)),
        printJson: (value) => Effect.sync(() => void process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)),
        progress: (text) => (progressOn ? Effect.sync(() => void process.stderr.write(`\r\x1b[2K${text}`)) : Effect.void)
      }
    })

  /** Captures stdout in memory (progress is dropped), for tests. */
  static readonly test = (options: { readonly json: boolean }) =>
    Effect.gen(function* () {
      const lines = yield* Ref.make<ReadonlyArray<string>>([])
      const append = (text: string) => Ref.update(lines, (all) => [...all, text])
      const output: OutputShape = {
        json: options.json,
        colour: false,
        print: append,
        printJson: (value) => append(JSON.stringify(value, null, 2)),
        progress: () => Effect.void
      }
      return { layer: Layer.succeed(Output, output), lines: Ref.get(lines) }
    })
}
