/**
 * Choosing the queue's backend from a store string (`--store`, MIYABI_STORE):
 *
 *   sqlite:PATH                      the embedded SQLite queue
 *   aws:                             SQS + DynamoDB, resources from the environment
 *   aws:prefix=miyabi-dev,provision  names derived from a prefix, created if absent
 *   aws:table=T,high=URL,standard=URL,dlq=URL
 *
 * Settings not in the string come from the environment: MIYABI_TASK_TABLE,
 * MIYABI_QUEUE_HIGH_URL, MIYABI_QUEUE_STANDARD_URL, MIYABI_QUEUE_DLQ_URL,
 * MIYABI_QUEUE_PREFIX (default "miyabi"), MIYABI_QUEUE_PROVISION=true,
 * MIYABI_TASK_LOG_RETENTION (TTL of task log items, default "30 days"). Queue
 * URLs not given are looked up by name (GetQueueUrl). Region, credentials and
 * endpoint are the AWS runtime's (AWS_REGION, the credential chain,
 * AWS_ENDPOINT_URL for the sandbox).
 */
import { AwsClients, AwsConfig, type AwsError, RequestBudget } from "@miyabi/aws-runtime"
import { InvalidInput } from "@miyabi/types"
import { Config, ConfigError, type Duration, Effect, Either, Layer, Option } from "effect"
import * as DynamoDeliveryStore from "../adapters/DynamoDeliveryStore.js"
import * as DynamoTaskTable from "../adapters/DynamoTaskTable.js"
import * as Sqs from "../adapters/Sqs.js"
import type { BackoffPolicy } from "../Backoff.js"
import * as DeliveryStore from "../intake/DeliveryStore.js"
import { QueueError, TaskQueue } from "../TaskQueue.js"
import { namesFor, provision, resolve, type AwsQueueResources } from "./AwsQueueResources.js"
import * as AwsTaskQueue from "./AwsTaskQueue.js"

export interface AwsStoreSettings {
  readonly prefix?: string | undefined
  readonly tableName?: string | undefined
  readonly highUrl?: string | undefined
  readonly standardUrl?: string | undefined
  readonly deadLetterUrl?: string | undefined
  /** Create missing queues and the table (sandbox, tests); real deployments get them from the CDK app. */
  readonly provision?: boolean | undefined
  /** TTL of task log items after their time (the table's `expiresAt`); default 30 days. */
  readonly logRetention?: Duration.Duration | undefined
}

export type StoreSpec =
  | { readonly _tag: "Sqlite"; readonly path: string }
  | { readonly _tag: "Aws"; readonly settings: AwsStoreSettings }

const KEYS: Readonly<Record<string, keyof AwsStoreSettings>> = {
  prefix: "prefix",
  table: "tableName",
  high: "highUrl",
  standard: "standardUrl",
  dlq: "deadLetterUrl",
  provision: "provision"
}

/** Parses the part after "aws:" ("k=v,k=v"; a bare `provision` means provision=true). */
export const parseAwsSettings = (text: string): Either.Either<AwsStoreSettings, string> => {
  const settings: Record<string, string | boolean> = {}
  for (const part of text.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const eq = part.indexOf("=")
    const name = eq < 0 ? part : part.slice(0, eq)
    const value = eq < 0 ? "true" : part.slice(eq + 1)
    const key = KEYS[name]
    if (key === undefined) return Either.left(`unknown aws: setting "${name}"; use ${Object.keys(KEYS).join(", ")}`)
    if (value === "") return Either.left(`aws: setting "${name}" has no value`)
    if (key === "provision") {
      if (value !== "true" && value !== "false") return Either.left(`aws: provision is true or false, not "${value}"`)
      settings[key] = value === "true"
    } else settings[key] = value
  }
  if (typeof settings["prefix"] === "string" && !/^[A-Za-z0-9_-]{1,60}$/.test(settings["prefix"])) {
    return Either.left("aws: prefix is 1-60 characters of letters, digits, - and _")
  }
  return Either.right(settings as AwsStoreSettings)
}

/**
 * Parses a store string: "sqlite:PATH" or "aws:..." (a string with no scheme
 * is a SQLite path). Fails with InvalidInput naming `source`.
 */
export const parseStore = (raw: string, source = "--store"): Effect.Effect<StoreSpec, InvalidInput> => {
  const value = raw.trim()
  const invalid = (reason: string) => Effect.fail(new InvalidInput({ source, reason }))
  if (value === "") return invalid("is empty; use sqlite:PATH or aws:...")
  const match = /^([A-Za-z][A-Za-z0-9+.-]+):(.*)$/s.exec(value)
  if (match === null) return Effect.succeed({ _tag: "Sqlite", path: value })
  const scheme = (match[1] ?? "").toLowerCase()
  const rest = match[2] ?? ""
  if (scheme === "sqlite") return rest === "" ? invalid("sqlite: needs a file path, e.g. sqlite:./miyabi.db") : Effect.succeed({ _tag: "Sqlite", path: rest })
  if (scheme === "aws") {
    return Either.match(parseAwsSettings(rest), { onLeft: invalid, onRight: (settings) => Effect.succeed({ _tag: "Aws", settings }) })
  }
  return invalid(`unknown store scheme "${scheme}:"; use sqlite:PATH or aws:...`)
}

/** The string's settings over the environment's. */
export const awsSettingsConfig = (
  given: AwsStoreSettings
): Config.Config<Required<Pick<AwsStoreSettings, "prefix" | "provision" | "logRetention">> & AwsStoreSettings> =>
  Config.all({
    prefix: Config.string("MIYABI_QUEUE_PREFIX").pipe(Config.withDefault("miyabi")),
    tableName: Config.option(Config.string("MIYABI_TASK_TABLE")),
    highUrl: Config.option(Config.string("MIYABI_QUEUE_HIGH_URL")),
    standardUrl: Config.option(Config.string("MIYABI_QUEUE_STANDARD_URL")),
    deadLetterUrl: Config.option(Config.string("MIYABI_QUEUE_DLQ_URL")),
    provision: Config.boolean("MIYABI_QUEUE_PROVISION").pipe(Config.withDefault(false)),
    logRetention: Config.duration("MIYABI_TASK_LOG_RETENTION").pipe(Config.withDefault(DynamoTaskTable.DEFAULT_LOG_RETENTION))
  }).pipe(
    Config.map((env) => ({
      prefix: given.prefix ?? env.prefix,
      tableName: given.tableName ?? Option.getOrUndefined(env.tableName),
      highUrl: given.highUrl ?? Option.getOrUndefined(env.highUrl),
      standardUrl: given.standardUrl ?? Option.getOrUndefined(env.standardUrl),
      deadLetterUrl: given.deadLetterUrl ?? Option.getOrUndefined(env.deadLetterUrl),
      provision: given.provision ?? env.provision,
      logRetention: given.logRetention ?? env.logRetention
    }))
  )

/** Finds (or, with provision, creates) the resources the settings name. */
export const resources = (settings: AwsStoreSettings): Effect.Effect<AwsQueueResources, AwsError, Sqs.Sqs | DynamoTaskTable.DynamoTaskTable> => {
  const derived = namesFor(settings.prefix ?? "miyabi")
  if (settings.provision === true) return provision(derived)
  const { highUrl, standardUrl, deadLetterUrl } = settings
  if (highUrl !== undefined && standardUrl !== undefined && deadLetterUrl !== undefined) {
    return Effect.succeed({ tableName: settings.tableName ?? derived.tableName, highUrl, standardUrl, deadLetterUrl })
  }
  return resolve(derived).pipe(
    Effect.map((found) => ({
      tableName: settings.tableName ?? derived.tableName,
      highUrl: highUrl ?? found.highUrl,
      standardUrl: standardUrl ?? found.standardUrl,
      deadLetterUrl: deadLetterUrl ?? found.deadLetterUrl
    }))
  )
}

/**
 * The AWS runtime from the environment, with request budgets for the queue's
 * two services (the runtime's 10/s default suits control planes, not a queue
 * polled by many slots; MIYABI_AWS_RATE_LIMITS still overrides).
 */
export const awsRuntimeLayer: Layer.Layer<AwsClients.AwsClients, ConfigError.ConfigError> = AwsClients.layer().pipe(
  Layer.provide(RequestBudget.layer),
  Layer.provide(
    Layer.effect(
      AwsConfig.AwsConfig,
      Effect.map(AwsConfig.config, (c) => ({ ...c, rateLimits: { sqs: { perSecond: 3_000, burst: 3_000 }, dynamodb: { perSecond: 2_000, burst: 2_000 }, ...c.rateLimits } }))
    )
  )
)

export interface QueueStoreOptions {
  readonly backoff?: BackoffPolicy
  /** SQLite only: create the store's directory. */
  readonly createDirectory?: boolean
}

/**
 * The AWS queue over the AwsClients in context: settings from the string
 * and the environment, resources resolved or provisioned once.
 */
export const awsLayer = (
  settings: AwsStoreSettings,
  options: QueueStoreOptions = {}
): Layer.Layer<TaskQueue, QueueError | ConfigError.ConfigError, AwsClients.AwsClients> =>
  Layer.unwrapEffect(
    Effect.gen(function* () {
      const full = yield* awsSettingsConfig(settings)
      const adapters = Layer.merge(Sqs.layer(), DynamoTaskTable.layer(full.tableName ?? namesFor(full.prefix ?? "miyabi").tableName, {}, { logRetention: full.logRetention }))
      const found = yield* resources(full).pipe(
        Effect.provide(adapters),
        Effect.mapError((error) => new QueueError({ operation: "TaskQueue.open", reason: "StoreUnavailable", detail: error.message }))
      )
      return AwsTaskQueue.layer(found, options.backoff === undefined ? {} : { backoff: options.backoff }).pipe(Layer.provide(adapters))
    })
  )

/**
 * The TaskQueue a store names. SQLite is loaded lazily (so an AWS worker
 * never loads better-sqlite3); AWS uses `awsRuntimeLayer` from the environment.
 */
export const layerFromStore = (store: StoreSpec, options: QueueStoreOptions = {}): Layer.Layer<TaskQueue, QueueError | ConfigError.ConfigError> =>
  store._tag === "Aws"
    ? awsLayer(store.settings, options).pipe(Layer.provide(awsRuntimeLayer))
    : Layer.unwrapEffect(
        Effect.map(
          Effect.promise(() => import("../SqliteTaskQueue.js")),
          (sqlite) =>
            sqlite.layer(store.path, {
              ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
              ...(options.createDirectory === undefined ? {} : { createDirectory: options.createDirectory })
            })
        )
      )

/** The webhook replay guard of an AWS store: DELIVERY#<id> items in its task table (see DynamoDeliveryStore.ts). */
export const awsDeliveryStoreLayer = (settings: AwsStoreSettings): Layer.Layer<DeliveryStore.DeliveryStore, ConfigError.ConfigError, AwsClients.AwsClients> =>
  Layer.unwrapEffect(Effect.map(awsSettingsConfig(settings), (full) => DynamoDeliveryStore.layer(full.tableName ?? namesFor(full.prefix ?? "miyabi").tableName)))

export type ReplayStoreMode = "memory" | "dynamodb"

/** MIYABI_REPLAY_STORE: memory | dynamodb; unset or empty: dynamodb when the queue is on AWS, memory otherwise. */
export const replayStoreMode = (store: StoreSpec): Config.Config<ReplayStoreMode> =>
  Config.string("MIYABI_REPLAY_STORE").pipe(
    Config.withDefault(""),
    Config.mapOrFail((raw): Either.Either<ReplayStoreMode, ConfigError.ConfigError> => {
      const mode = raw.trim() === "" ? (store._tag === "Aws" ? "dynamodb" : "memory") : raw.trim()
      if (mode !== "memory" && mode !== "dynamodb") return Either.left(ConfigError.InvalidData(["MIYABI_REPLAY_STORE"], `expected memory or dynamodb, got "${raw}"`))
      return mode === "dynamodb" && store._tag !== "Aws"
        ? Either.left(ConfigError.InvalidData(["MIYABI_REPLAY_STORE"], "dynamodb keeps delivery ids in the AWS task table: it needs an aws: store"))
        : Either.right(mode)
    })
  )

/**
 * The replay guard the webhook uses beside `store`, chosen by MIYABI_REPLAY_STORE
 * (see replayStoreMode). On AWS it shares `awsRuntimeLayer` (one set of clients
 * with the queue when both are built together).
 */
export const deliveryStoreLayer = (store: StoreSpec): Layer.Layer<DeliveryStore.DeliveryStore, ConfigError.ConfigError> =>
  Layer.unwrapEffect(
    Effect.map(replayStoreMode(store), (mode) =>
      mode === "dynamodb" && store._tag === "Aws"
        ? awsDeliveryStoreLayer(store.settings).pipe(Layer.provide(awsRuntimeLayer))
        : DeliveryStore.layerMemory()
    )
  )
