/**
 * For tests of a command's progress: what reaches stderr through
 * `Output.layer` on a terminal, in a pipe, and with --json on a terminal.
 * The TTY is faked on process.stderr and its write captured, both restored
 * after each case.
 */
import { Effect } from "effect"
import { Output, type OutputShape } from "./Output.js"

export interface ProgressCases {
  readonly terminal: ReadonlyArray<string>
  readonly pipe: ReadonlyArray<string>
  readonly json: ReadonlyArray<string>
}

const stderrOf = (report: (output: OutputShape) => Effect.Effect<void>, terminal: boolean, json: boolean) =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const written: Array<string> = []
      const tty = Object.getOwnPropertyDescriptor(process.stderr, "isTTY")
      const write = process.stderr.write
      Object.defineProperty(process.stderr, "isTTY", { value: terminal, configurable: true, writable: true })
      process.stderr.write = ((chunk: unknown) => (written.push(String(chunk)), true)) as typeof process.stderr.write
      return { written, tty, write }
    }),
    ({ written }) => Effect.as(Effect.provide(Effect.flatMap(Output, report), Output.layer({ json })), written as ReadonlyArray<string>),
    ({ tty, write }) =>
      Effect.sync(() => {
        process.stderr.write = write
        if (tty === undefined) delete (process.stderr as { isTTY?: boolean }).isTTY
        else Object.defineProperty(process.stderr, "isTTY", tty)
      })
  )

/** Runs `report` three times: on a terminal, in a pipe, with --json on a terminal; returns each run's stderr writes. */
export const progressCases = (report: (output: OutputShape) => Effect.Effect<void>): Effect.Effect<ProgressCases> =>
  Effect.all({ terminal: stderrOf(report, true, false), pipe: stderrOf(report, false, false), json: stderrOf(report, true, true) })

/** What a terminal shows for each progress line (each replaces the last). */
export const onTerminal = (lines: ReadonlyArray<string>): ReadonlyArray<string> => lines.map((l) => `\r\x1b[2K${l}`)
