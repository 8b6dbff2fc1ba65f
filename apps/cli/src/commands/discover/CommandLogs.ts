/**
 * Where library logs go in the CLI: stderr, never stdout (which carries
 * results, and with --json one JSON document). Every command gets
 * `cliLogs` from Cli.ts: warnings and up (retries that gave up, denied
 * accounts), everything with MIYABI_DEBUG=1. `withCommandLogs` narrows it
 * per command: nothing with --json.
 */
import { Effect, Logger, LogLevel } from "effect"

const debug = (): boolean => process.env["MIYABI_DEBUG"] === "1"

const stderrLogger = Logger.make(({ logLevel, message }) => {
  if (!debug() && LogLevel.lessThan(logLevel, LogLevel.Warning)) return
  const text = (Array.isArray(message) ? message : [message]).map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ")
  process.stderr.write(`miyabi: ${logLevel.label.toLowerCase()}: ${text}\n`)
})

/** The CLI's logger in place of Effect's default one, which prints on stdout. */
export const cliLogs = Logger.replace(Logger.defaultLogger, stderrLogger)

/** Removes the CLI's logger, for a command that installs its own (the worker's JSON lines). */
export const withoutCliLogs = Logger.remove(stderrLogger)

export const withCommandLogs =
  (json: boolean) =>
  <A, E, R>(body: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    body.pipe(
      Logger.withMinimumLogLevel(debug() ? LogLevel.Debug : json ? LogLevel.None : LogLevel.Warning),
      // The same logger as cliLogs (a set: no second copy), for handlers run outside Cli.ts.
      Effect.provide(cliLogs)
    )
