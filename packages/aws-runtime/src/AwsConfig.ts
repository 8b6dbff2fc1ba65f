/**
 * Settings of the AWS runtime, read once with Effect `Config` (environment
 * variables by default). Credentials, region and endpoints are NOT here: the
 * SDK's own standard chain reads them (AWS_PROFILE, SSO, env keys, the ECS
 * container role; AWS_REGION or the profile's region; AWS_ENDPOINT_URL and
 * AWS_ENDPOINT_URL_<SERVICE>), and we take care not to override them.
 */
import { Config, ConfigError, Context, Duration, Either, Layer, Option } from "effect"
import { type BucketLimit, defaultRateLimits } from "./RateLimits.js"

export interface AwsConfigShape {
  /** Region for targets that name none; absent: the SDK's resolution (AWS_REGION, profile), then us-east-1. */
  readonly region: string | undefined
  /** The role assumed in member accounts. MIYABI_AWS_ROLE_NAME, default OrganizationAccountAccessRole. */
  readonly roleName: string
  /** MIYABI_AWS_EXTERNAL_ID, optional. */
  readonly externalId: string | undefined
  /** Who acts and why, for the AssumeRole session name "miyabi-<user>-<purpose>". */
  readonly sessionUser: string
  readonly sessionPurpose: string
  /** MIYABI_AWS_ROLE_DURATION, default 1 hour. */
  readonly roleDuration: Duration.Duration
  /** Assumed credentials are refreshed this long before they expire. MIYABI_AWS_CREDENTIAL_REFRESH_MARGIN, default 5 minutes. */
  readonly refreshMargin: Duration.Duration
  /** Attempts per call, the first included. MIYABI_AWS_MAX_ATTEMPTS, default 5. */
  readonly maxAttempts: number
  /** First backoff, doubled per retry with jitter. MIYABI_AWS_RETRY_BASE_DELAY, default 200 millis. */
  readonly retryBaseDelay: Duration.Duration
  /** Longest single backoff. MIYABI_AWS_RETRY_MAX_DELAY, default 20 seconds. */
  readonly retryMaxDelay: Duration.Duration
  /** Per-attempt timeout. MIYABI_AWS_CALL_TIMEOUT, default 30 seconds. */
  readonly callTimeout: Duration.Duration
  /** Requests in flight at once, all accounts and services. MIYABI_AWS_MAX_CONCURRENCY, default 64. */
  readonly maxConcurrency: number
  /** Token buckets per service; MIYABI_AWS_RATE_LIMITS ("ec2=20:100,s3=50:100") overrides entries. */
  readonly rateLimits: Readonly<Record<string, BucketLimit>>
  /** For services without an entry. MIYABI_AWS_DEFAULT_RATE (10/s) and MIYABI_AWS_DEFAULT_BURST (20). */
  readonly defaultRateLimit: BucketLimit
  /** Unused clients are destroyed after this long. MIYABI_AWS_CLIENT_IDLE, default 5 minutes. */
  readonly clientIdle: Duration.Duration
}

export class AwsConfig extends Context.Tag("@miyabi/aws-runtime/AwsConfig")<AwsConfig, AwsConfigShape>() {}

export const defaults: AwsConfigShape = {
  region: undefined,
  roleName: "OrganizationAccountAccessRole",
  externalId: undefined,
  sessionUser: "unknown",
  sessionPurpose: "cli",
  roleDuration: Duration.hours(1),
  refreshMargin: Duration.minutes(5),
  maxAttempts: 5,
  retryBaseDelay: Duration.millis(200),
  retryMaxDelay: Duration.seconds(20),
  callTimeout: Duration.seconds(30),
  maxConcurrency: 64,
  rateLimits: defaultRateLimits,
  defaultRateLimit: { perSecond: 10, burst: 20 },
  clientIdle: Duration.minutes(5)
}

/** "ec2=20:100,s3=50,ec2:DescribeRegions=5" -> { ec2: {20, 100}, s3: {50, 50}, "ec2:DescribeRegions": {5, 5} }. */
const parseRateLimits = (text: string): Option.Option<Record<string, BucketLimit>> => {
  const entries: Array<[string, BucketLimit]> = []
  for (const part of text.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const match = /^([a-z0-9-]+(?::[A-Za-z0-9]+)?)=(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(part)
    if (match === null) return Option.none()
    const perSecond = Number(match[2])
    const burst = match[3] === undefined ? Math.max(1, Math.ceil(perSecond)) : Number(match[3])
    if (perSecond <= 0 || burst < 1) return Option.none()
    const inherited = defaultRateLimits[match[1]!]?.perOperation === true ? { perOperation: true } : {}
    entries.push([match[1]!, { perSecond, burst, ...inherited }])
  }
  return Option.some(Object.fromEntries(entries))
}

const positiveInt = (name: string, fallback: number) =>
  Config.integer(name).pipe(
    Config.validate({ message: "must be a positive integer", validation: (n) => n >= 1 }),
    Config.withDefault(fallback)
  )

/** The configuration from `Config` (environment variables unless another provider is set). */
export const config: Config.Config<AwsConfigShape> = Config.all({
  region: Config.option(Config.string("AWS_REGION").pipe(Config.orElse(() => Config.string("AWS_DEFAULT_REGION")))),
  roleName: Config.string("MIYABI_AWS_ROLE_NAME").pipe(Config.withDefault(defaults.roleName)),
  externalId: Config.option(Config.string("MIYABI_AWS_EXTERNAL_ID")),
  sessionUser: Config.string("MIYABI_AWS_SESSION_USER").pipe(
    Config.orElse(() => Config.string("USER")),
    Config.withDefault(defaults.sessionUser)
  ),
  sessionPurpose: Config.string("MIYABI_AWS_SESSION_PURPOSE").pipe(Config.withDefault(defaults.sessionPurpose)),
  roleDuration: Config.duration("MIYABI_AWS_ROLE_DURATION").pipe(Config.withDefault(defaults.roleDuration)),
  refreshMargin: Config.duration("MIYABI_AWS_CREDENTIAL_REFRESH_MARGIN").pipe(Config.withDefault(defaults.refreshMargin)),
  maxAttempts: positiveInt("MIYABI_AWS_MAX_ATTEMPTS", defaults.maxAttempts),
  retryBaseDelay: Config.duration("MIYABI_AWS_RETRY_BASE_DELAY").pipe(Config.withDefault(defaults.retryBaseDelay)),
  retryMaxDelay: Config.duration("MIYABI_AWS_RETRY_MAX_DELAY").pipe(Config.withDefault(defaults.retryMaxDelay)),
  callTimeout: Config.duration("MIYABI_AWS_CALL_TIMEOUT").pipe(Config.withDefault(defaults.callTimeout)),
  maxConcurrency: positiveInt("MIYABI_AWS_MAX_CONCURRENCY", defaults.maxConcurrency),
  rateLimits: Config.string("MIYABI_AWS_RATE_LIMITS").pipe(
    Config.mapOrFail((text) =>
      Option.match(parseRateLimits(text), {
        onNone: () =>
          Either.left(ConfigError.InvalidData([], `expected service=perSecond[:burst],... (e.g. "ec2=20:100,s3=50"), got "${text}"`)),
        onSome: (limits) => Either.right({ ...defaultRateLimits, ...limits })
      })
    ),
    Config.withDefault(defaultRateLimits)
  ),
  defaultRateLimit: Config.all({
    perSecond: Config.number("MIYABI_AWS_DEFAULT_RATE").pipe(Config.withDefault(defaults.defaultRateLimit.perSecond)),
    burst: positiveInt("MIYABI_AWS_DEFAULT_BURST", defaults.defaultRateLimit.burst)
  }),
  clientIdle: Config.duration("MIYABI_AWS_CLIENT_IDLE").pipe(Config.withDefault(defaults.clientIdle))
}).pipe(
  Config.map((c) => ({
    ...c,
    region: Option.getOrUndefined(c.region),
    externalId: Option.getOrUndefined(c.externalId)
  }))
)

/** Reads the configuration with `Config`; a bad value fails the layer with a ConfigError naming the variable. */
export const layerConfig: Layer.Layer<AwsConfig, ConfigError.ConfigError> = Layer.effect(AwsConfig, config)

/** Fixed settings over the defaults, for tests and embedders. */
export const layer = (overrides: Partial<AwsConfigShape> = {}): Layer.Layer<AwsConfig> =>
  Layer.succeed(AwsConfig, { ...defaults, ...overrides })
