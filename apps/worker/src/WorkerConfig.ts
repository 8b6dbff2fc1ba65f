/**
 * The worker's configuration, read once from environment variables and
 * checked by a schema. A bad value is one `InvalidInput` naming the
 * variable, e.g. `env MIYABI_CONCURRENCY: Expected a number between 1 and 256, actual 0`.
 */
import { InvalidInput, toInvalidInput } from "@miyabi/types"
import { Effect, ParseResult, Schema } from "effect"
import * as os from "node:os"
import * as path from "node:path"
import { DEFAULT_COLLECTOR, type TracesSetting, tracesUrl } from "./Tracing.js"

const intFromEnv = (min: number, max: number) => Schema.NumberFromString.pipe(Schema.int(), Schema.between(min, max))

export const LogLevel = Schema.Literal("debug", "info", "warn", "error")

export const MetricsMode = Schema.Literal("emf", "none")
export const TracesMode = Schema.Literal("otlp", "off")
export type MetricsMode = typeof MetricsMode.Type
export type LogLevel = typeof LogLevel.Type

const isLogLevel = Schema.is(LogLevel)
const LogLevelFromEnv = Schema.String.pipe(
  Schema.filter((text): text is LogLevel => isLogLevel(text), { message: () => "expected one of debug, info, warn, error" })
)

/** One variable: unset or empty means the default; a bad value is an `InvalidInput` naming it. */
const variable = <A, I>(
  env: Readonly<Record<string, string | undefined>>,
  name: string,
  schema: Schema.Schema<A, I>,
  fallback: A
): Effect.Effect<A, InvalidInput> => {
  const raw = env[name]
  if (raw === undefined || raw === "") return Effect.succeed(fallback)
  return Schema.decodeUnknown(schema)(raw).pipe(
    Effect.mapError((error: ParseResult.ParseError) => {
      const first = toInvalidInput(`env ${name}`, error)
      return new InvalidInput({ source: `env ${name}`, reason: `${first.reason.replace(/ \(and \d+ more\)$/, "")} (got ${JSON.stringify(raw)})` })
    })
  )
}

export type StoreSetting =
  | { readonly _tag: "Sqlite"; readonly path: string }
  | { readonly _tag: "Aws"; readonly spec: string }

/**
 * The role the worker's handlers assume in member accounts (AwsRuntime's
 * AssumeRole into arn:aws:iam::<account>:role/<roleName>). Unset fields fall
 * back to the AWS runtime's own settings (MIYABI_AWS_ROLE_NAME, default
 * OrganizationAccountAccessRole; MIYABI_AWS_EXTERNAL_ID).
 */
export interface MemberRole {
  /** MIYABI_MEMBER_ROLE_NAME: an IAM role name, 1-64 of letters, digits and + = , . @ _ - */
  readonly roleName: string | undefined
  /** MIYABI_MEMBER_EXTERNAL_ID: the external id the role's trust policy requires, if any. */
  readonly externalId: string | undefined
}

// IAM's own patterns for a role name and an sts:AssumeRole external id.
const RoleName = Schema.String.pipe(
  Schema.pattern(/^[\w+=,.@-]{1,64}$/, { message: () => "expected an IAM role name: 1-64 letters, digits and + = , . @ _ -" })
)
// DynamoDB's table name rule.
const TableName = Schema.String.pipe(
  Schema.pattern(/^[\w.-]{3,255}$/, { message: () => "expected a DynamoDB table name: 3-255 letters, digits and _ . -" })
)
const ExternalId = Schema.String.pipe(
  Schema.pattern(/^[\w+=,.@:/-]{2,1224}$/, { message: () => "expected an external id: 2-1224 letters, digits and + = , . @ : / _ -" })
)

export interface WorkerConfig {
  readonly store: StoreSetting
  readonly concurrency: number
  readonly leaseMs: number
  readonly drainMs: number
  readonly httpPort: number
  readonly httpHost: string
  readonly logLevel: LogLevel
  /** "emf": CloudWatch Embedded Metric Format lines and ECS task protection (the default on ECS); "none" elsewhere. */
  readonly metrics: MetricsMode
  readonly memberRole: MemberRole
  /** Spans over OTLP/HTTP to a collector (see Tracing.ts); off unless configured. */
  readonly traces: TracesSetting
  /** `aws-cycle`: the DynamoDB table of the cycles and their deployment records when the store is on AWS (the SQLite store keeps both in its file). */
  readonly cycleTable: string
}

/** The default store: the same per-user file the `miyabi` CLI uses. */
export const defaultStorePath = (env: Readonly<Record<string, string | undefined>>): string => {
  const home = os.homedir()
  if (process.platform === "darwin") return path.join(home, "Library", "Application Support", "miyabi", "miyabi.db")
  const xdg = env["XDG_DATA_HOME"]
  return path.join(xdg !== undefined && path.isAbsolute(xdg) ? xdg : path.join(home, ".local", "share"), "miyabi", "miyabi.db")
}

const parseStore = (raw: string | undefined, env: Readonly<Record<string, string | undefined>>): Effect.Effect<StoreSetting, InvalidInput> => {
  if (raw === undefined) return Effect.succeed({ _tag: "Sqlite", path: defaultStorePath(env) })
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(raw)
  if (match === null || match[1]!.length === 1) return Effect.succeed({ _tag: "Sqlite", path: path.resolve(raw) })
  const scheme = match[1]!.toLowerCase()
  if (scheme === "sqlite" && match[2] !== "") return Effect.succeed({ _tag: "Sqlite", path: path.resolve(match[2]!) })
  if (scheme === "aws") return Effect.succeed({ _tag: "Aws", spec: match[2]! })
  return Effect.fail(
    new InvalidInput({
      source: "env MIYABI_STORE",
      reason: scheme === "sqlite" ? "sqlite: needs a file path" : `unknown store scheme "${scheme}:"; use sqlite:PATH, a file path, or aws:...`
    })
  )
}

/** Reads and checks the worker's variables from `env`. */
export const loadWorkerConfig = (env: Readonly<Record<string, string | undefined>>): Effect.Effect<WorkerConfig, InvalidInput> =>
  Effect.gen(function* () {
    const store = yield* parseStore(env["MIYABI_STORE"] === "" ? undefined : env["MIYABI_STORE"], env)
    const concurrency = yield* variable(env, "MIYABI_CONCURRENCY", intFromEnv(1, 256), 4)
    const leaseSeconds = yield* variable(env, "MIYABI_LEASE_SECONDS", intFromEnv(1, 3_600), 30)
    // ECS gives a task 30 s between SIGTERM and SIGKILL by default; drain inside it.
    const drainSeconds = yield* variable(env, "MIYABI_DRAIN_SECONDS", intFromEnv(0, 3_600), 25)
    const httpPort = yield* variable(env, "MIYABI_HTTP_PORT", intFromEnv(0, 65_535), 8080)
    const httpHost = yield* variable(env, "MIYABI_HTTP_HOST", Schema.String, "0.0.0.0")
    const logLevel = yield* variable(env, "LOG_LEVEL", LogLevelFromEnv, "info")
    // ECS sets ECS_AGENT_URI in every task: there the worker reports EMF metrics and protects its in-flight tasks.
    const metrics = yield* variable(env, "MIYABI_METRICS", MetricsMode, env["ECS_AGENT_URI"] === undefined ? "none" : "emf")
    const roleName = yield* variable(env, "MIYABI_MEMBER_ROLE_NAME", Schema.UndefinedOr(RoleName), undefined)
    const externalId = yield* variable(env, "MIYABI_MEMBER_EXTERNAL_ID", Schema.UndefinedOr(ExternalId), undefined)
    const endpoint = tracesUrl(env)
    const tracesMode = yield* variable(env, "MIYABI_TRACES", TracesMode, endpoint === undefined ? "off" : "otlp")
    const traceUrl = yield* variable(env, "OTEL_EXPORTER_OTLP_ENDPOINT", Schema.URL, new URL(DEFAULT_COLLECTOR)).pipe(
      Effect.zipRight(variable(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", Schema.URL, new URL(DEFAULT_COLLECTOR))),
      Effect.as(endpoint ?? `${DEFAULT_COLLECTOR}/v1/traces`)
    )
    const serviceName = yield* variable(env, "OTEL_SERVICE_NAME", Schema.NonEmptyTrimmedString, "miyabi-worker")
    const exportIntervalMs = yield* variable(env, "OTEL_BSP_SCHEDULE_DELAY", intFromEnv(10, 600_000), 5_000)
    const traces: TracesSetting = tracesMode === "off" ? { _tag: "Off" } : { _tag: "Otlp", url: traceUrl, serviceName, exportIntervalMs }
    const cycleTable = yield* variable(env, "MIYABI_CYCLE_TABLE", TableName, "miyabi-cycles")
    return {
      store,
      concurrency,
      leaseMs: leaseSeconds * 1_000,
      drainMs: drainSeconds * 1_000,
      httpPort,
      httpHost,
      logLevel,
      metrics,
      memberRole: { roleName, externalId },
      traces,
      cycleTable
    }
  })
