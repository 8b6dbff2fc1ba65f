/**
 * Log output for workers, chosen by the app: one JSON object per line with
 * the log annotations (taskId, kind, attempt, workerId) as top-level fields,
 * which is what CloudWatch Logs Insights and `jq` read best.
 */
import { Cause, HashMap, Inspectable, Layer, Logger, LogLevel } from "effect"

export type LogFormat = "json" | "pretty"

const messageText = (message: unknown): string =>
  (Array.isArray(message) ? message : [message]).map((part) => (typeof part === "string" ? part : Inspectable.format(part))).join(" ")

/** A logger whose output is one JSON line per entry. */
export const jsonLineLogger: Logger.Logger<unknown, string> = Logger.make(({ annotations, cause, date, logLevel, message }) => {
  const entry: Record<string, unknown> = { timestamp: date.toISOString(), level: logLevel.label, message: messageText(message) }
  for (const [key, value] of HashMap.toEntries(annotations)) entry[key] = value
  if (!Cause.isEmpty(cause)) entry["cause"] = Cause.pretty(cause, { renderErrorCause: true })
  return JSON.stringify(entry, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value))
})

export interface WorkerLoggerOptions {
  readonly format?: LogFormat
  /** Where the lines go (default stdout); a CLI that prints results on stdout may want stderr. */
  readonly stream?: "stdout" | "stderr"
  readonly minimumLevel?: LogLevel.Literal
}

/** Replaces the default logger for everything the layer is provided to. */
export const layer = (options: WorkerLoggerOptions = {}): Layer.Layer<never> => {
  const logger: Logger.Logger<unknown, void> =
    options.format === "pretty"
      ? Logger.prettyLogger({ stderr: options.stream === "stderr" })
      : options.stream === "stderr"
        ? Logger.withConsoleError(jsonLineLogger)
        : Logger.withConsoleLog(jsonLineLogger)
  const replaced = Logger.replace(Logger.defaultLogger, logger)
  return options.minimumLevel === undefined ? replaced : Layer.merge(replaced, Logger.minimumLogLevel(LogLevel.fromLiteral(options.minimumLevel)))
}

/** JSON lines on stdout, the worker app's default. */
export const json: Layer.Layer<never> = layer({ format: "json" })

