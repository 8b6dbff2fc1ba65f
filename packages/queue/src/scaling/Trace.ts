/**
 * Queue traces for the simulator. Two formats, one arrival per line:
 *
 * - CSV: `at[,serviceSeconds[,priority]]`, an optional header line, `#`
 *   comments; `at` is an ISO-8601 timestamp or seconds from the start.
 * - JSON lines: `{"at": "2026-11-27T10:00:00Z" | 12.5, "serviceSeconds"?: 900, "priority"?: "high"}`.
 *
 * Timestamps are made relative to the earliest arrival. Errors name the file and line.
 */
import { InvalidInput, Priority, toInvalidInput } from "@miyabi/types"
import { Effect, Either, Schema } from "effect"
import { readFile } from "node:fs/promises"
import type { Arrival } from "./Arrivals.js"

const JsonArrival = Schema.Struct({
  at: Schema.Union(Schema.Number.pipe(Schema.nonNegative()), Schema.String),
  serviceSeconds: Schema.optionalWith(Schema.Number.pipe(Schema.positive()), { exact: true }),
  priority: Schema.optionalWith(Priority, { exact: true })
})

interface RawArrival {
  readonly at: number
  readonly serviceSeconds?: number
  readonly priority?: Priority
}

const parseInstant = (text: string): number | undefined => {
  const trimmed = text.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed)
  // Only ISO-like dates; Date.parse accepts much else that is not meant as a time.
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(trimmed)) return undefined
  const ms = Date.parse(trimmed)
  return Number.isNaN(ms) ? undefined : ms / 1000
}

const invalid = (source: string, line: number, reason: string, path?: string) =>
  new InvalidInput({ source, line, reason, ...(path === undefined ? {} : { path }) })

const parseCsvLine = (source: string, lineNo: number, line: string): Either.Either<RawArrival, InvalidInput> => {
  const [atText = "", serviceText, priorityText, ...rest] = line.split(",").map((cell) => cell.trim())
  if (rest.length > 0) return Either.left(invalid(source, lineNo, "expected at most 3 columns: at, serviceSeconds, priority"))
  const at = parseInstant(atText)
  if (at === undefined) return Either.left(invalid(source, lineNo, `"${atText}" is neither an ISO-8601 time nor seconds`, "at"))
  let serviceSeconds: number | undefined
  if (serviceText !== undefined && serviceText !== "") {
    serviceSeconds = Number(serviceText)
    if (!Number.isFinite(serviceSeconds) || serviceSeconds <= 0) {
      return Either.left(invalid(source, lineNo, `"${serviceText}" is not a positive number of seconds`, "serviceSeconds"))
    }
  }
  if (priorityText !== undefined && priorityText !== "" && priorityText !== "high" && priorityText !== "standard") {
    return Either.left(invalid(source, lineNo, `"${priorityText}" is not high or standard`, "priority"))
  }
  const priority = priorityText === "high" || priorityText === "standard" ? priorityText : undefined
  return Either.right({ at, ...(serviceSeconds === undefined ? {} : { serviceSeconds }), ...(priority === undefined ? {} : { priority }) })
}

const parseJsonLine = (source: string, lineNo: number, line: string): Either.Either<RawArrival, InvalidInput> => {
  let json: unknown
  try {
    json = JSON.parse(line)
  } catch {
    return Either.left(invalid(source, lineNo, "not valid JSON"))
  }
  return Schema.decodeUnknownEither(JsonArrival)(json).pipe(
    Either.mapLeft((error) => {
      const base = toInvalidInput(source, error)
      return new InvalidInput({ source, line: lineNo, reason: base.reason, ...(base.path === undefined ? {} : { path: base.path }) })
    }),
    Either.flatMap((decoded) => {
      const at = typeof decoded.at === "number" ? decoded.at : parseInstant(decoded.at)
      if (at === undefined) return Either.left(invalid(source, lineNo, `"${String(decoded.at)}" is not an ISO-8601 time`, "at"))
      return Either.right({ ...decoded, at })
    })
  )
}

/** Parses a trace's text; `source` (the file name) is used in errors. */
export const parseTrace = (text: string, source: string): Either.Either<ReadonlyArray<Arrival>, InvalidInput> => {
  const raw: Array<RawArrival> = []
  const lines = text.split(/\r?\n/)
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim()
    if (line === "" || line.startsWith("#")) continue
    // A CSV header names its columns; skip it once, before any data.
    if (raw.length === 0 && /^at\b/i.test(line) && !line.startsWith("{")) continue
    const parsed = line.startsWith("{") ? parseJsonLine(source, i + 1, line) : parseCsvLine(source, i + 1, line)
    if (Either.isLeft(parsed)) return Either.left(parsed.left)
    raw.push(parsed.right)
  }
  if (raw.length === 0) return Either.left(new InvalidInput({ source, reason: "the trace has no arrivals" }))
  const start = raw.reduce((min, a) => Math.min(min, a.at), Infinity)
  return Either.right(raw.map((a) => ({ ...a, at: a.at - start })).sort((a, b) => a.at - b.at))
}

/** Reads and parses a trace file. */
export const loadTrace = (path: string): Effect.Effect<ReadonlyArray<Arrival>, InvalidInput> =>
  Effect.tryPromise({
    try: (signal) => readFile(path, { encoding: "utf8", signal }),
    catch: (error) => new InvalidInput({ source: path, reason: `cannot read the trace: ${error instanceof Error ? error.message : String(error)}` })
  }).pipe(
    Effect.flatMap((text) => Either.match(parseTrace(text, path), { onLeft: Effect.fail, onRight: Effect.succeed })),
    Effect.withSpan("Trace.load", { attributes: { path } })
  )
