/**
 * Where the library logs of discovery go in the CLI: stderr (never stdout,
 * which carries results), warnings and up (retries that gave up, denied
 * accounts), nothing with --json, everything with MIYABI_DEBUG=1.
 */
import { Effect, Logger, LogLevel } from "effect"

const stderrLogger = Logger.make(({ logLevel, message }) => {
  const text = (Array.isArray(message) ? message : [message]).map((m) => (typeof m === "string" ? m : JSON.stringify(m))).join(" ")
  process.stderr.write(`miyabi: ${logLevel.label.toLowerCase()}: ${text}\n`)
})

export const withCommandLogs =
  (json: boolean) =>
  <A, E, R>(body: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    body.pipe(
      Logger.withMinimumLogLevel(process.env["MIYABI_DEBUG"] === "1" ? LogLevel.Debug : json ? LogLevel.None : LogLevel.Warning),
      Effect.provide(Logger.replace(Logger.defaultLogger, stderrLogger))
    )
