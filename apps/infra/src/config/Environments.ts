/**
 * The deployment environments of the platform, as typed data. Accounts and
 * regions are fixed here (never looked up) so that `cdk synth` runs offline
 * and without credentials; a context value `miyabi:<env>:account` overrides
 * an account for a real deployment without editing code.
 */
import { AwsQueueResources } from "@miyabi/queue"

export type EnvironmentName = "dev" | "prod"

export interface EnvironmentConfig {
  readonly name: EnvironmentName
  /** The platform (hub) account the stacks deploy into. */
  readonly account: string
  /** Active-active: one stack of this environment per region. */
  readonly regions: ReadonlyArray<string>
  /** How many availability zones the VPC spans (resolved at deploy by Fn::GetAZs, never looked up at synth). */
  readonly azCount: number
  /** Resource name prefix, `<prefix>-<env>`; queue and table names derive from it. */
  readonly prefix: string
  /** The role the worker assumes in member accounts (the account factory creates it). */
  readonly memberRoleName: string
  readonly vpcCidr: string
  /** NAT gateways for what the VPC endpoints do not cover (GitHub, the other AWS APIs). */
  readonly natGateways: number
  readonly worker: {
    /** Fargate task size (SPEC: 0.5 vCPU / 1 GB). */
    readonly cpu: 256 | 512 | 1024 | 2048 | 4096
    readonly memoryMiB: number
    readonly concurrency: number
    readonly leaseSeconds: number
    /** SIGTERM-to-exit drain; the container's stopTimeout is this plus `stopMarginSeconds`. */
    readonly drainSeconds: number
    readonly stopMarginSeconds: number
    readonly httpPort: number
  }
  /** CloudWatch namespace the worker may publish to (cloudwatch:namespace condition). */
  readonly metricNamespace: string
  /**
   * Worker traces to X-Ray: an OpenTelemetry collector sidecar (ADOT, OTLP in,
   * X-Ray out) and the worker's OTEL_EXPORTER_OTLP_ENDPOINT pointing at it.
   * Without it the worker exports nothing.
   */
  readonly traces: boolean
  readonly logRetentionDays: 7 | 14 | 30 | 90 | 365
  /** The scaling policy: the SPEC's (max 100) or its hyper-scale variant (max 500). */
  readonly scaling: "spec" | "hyperScale"
  /** Alarm thresholds for operators (not scaling). */
  readonly alarms: {
    readonly oldestMessageAgeSeconds: number
    readonly taskFailuresPerFiveMinutes: number
  }
}

/**
 * The AWS Distro for OpenTelemetry collector; its bundled /etc/ecs/ecs-xray.yaml
 * receives OTLP (gRPC 4317, HTTP 4318) and exports to X-Ray. Pinned: bump deliberately.
 */
export const OTEL_COLLECTOR_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"
export const OTEL_COLLECTOR_CONFIG = "/etc/ecs/ecs-xray.yaml"

/** Fargate's hard ceiling between SIGTERM and SIGKILL. */
export const FARGATE_MAX_STOP_TIMEOUT_SECONDS = 120

const base = {
  prefix: "miyabi",
  memberRoleName: "MiyabiMemberAccess",
  azCount: 2,
  worker: { cpu: 512, memoryMiB: 1024, concurrency: 4, leaseSeconds: 60, drainSeconds: 100, stopMarginSeconds: 20, httpPort: 8080 },
  metricNamespace: "Miyabi/Worker",
  traces: true,
  alarms: { oldestMessageAgeSeconds: 1_800, taskFailuresPerFiveMinutes: 5 }
} as const

export const environments: Readonly<Record<EnvironmentName, EnvironmentConfig>> = {
  dev: {
    ...base,
    name: "dev",
    account: "111111111111",
    regions: ["us-east-1"],
    vpcCidr: "10.40.0.0/16",
    natGateways: 1,
    logRetentionDays: 14,
    scaling: "spec"
  },
  prod: {
    ...base,
    name: "prod",
    account: "222222222222",
    regions: ["us-east-1", "us-west-2"],
    vpcCidr: "10.50.0.0/16",
    natGateways: 2,
    logRetentionDays: 90,
    scaling: "spec"
  }
}

/** Why a configuration cannot be deployed, or undefined when it can. */
export const configProblem = (config: EnvironmentConfig): string | undefined => {
  if (!/^\d{12}$/.test(config.account)) return `${config.name}: account must be 12 digits`
  if (config.regions.length === 0) return `${config.name}: at least one region`
  if (new Set(config.regions).size !== config.regions.length) return `${config.name}: regions repeat`
  if (!Number.isInteger(config.azCount) || config.azCount < 2 || config.azCount > 3) return `${config.name}: azCount is 2 or 3`
  if (config.natGateways < 1) return `${config.name}: private subnets with egress need a NAT gateway`
  if (!/^[A-Za-z][A-Za-z0-9-]{0,30}$/.test(config.prefix)) return `${config.name}: prefix must be letters, digits and -`
  if (!/^[\w+=,.@-]{1,64}$/.test(config.memberRoleName)) return `${config.name}: memberRoleName is not an IAM role name`
  const stop = config.worker.drainSeconds + config.worker.stopMarginSeconds
  if (stop > FARGATE_MAX_STOP_TIMEOUT_SECONDS) return `${config.name}: drain + margin (${stop} s) exceeds Fargate's ${FARGATE_MAX_STOP_TIMEOUT_SECONDS} s stop timeout`
  return undefined
}

/** The environment with context overrides applied; throws on a configuration that cannot be deployed. */
export const resolveEnvironment = (name: EnvironmentName, context: (key: string) => unknown): EnvironmentConfig => {
  const account = context(`miyabi:${name}:account`)
  const config = typeof account === "string" ? { ...environments[name], account } : environments[name]
  const problem = configProblem(config)
  if (problem !== undefined) throw new Error(`invalid environment configuration: ${problem}`)
  return config
}

/** Resource names of one environment; shared by the stack, the worker's environment and tests. */
export const resourceNames = (config: EnvironmentConfig) => {
  const p = `${config.prefix}-${config.name}`
  // Queue and table names as the AWS queue adapter derives them from MIYABI_QUEUE_PREFIX.
  const queue = AwsQueueResources.namesFor(p)
  return {
    prefix: p,
    cluster: `${p}-cluster`,
    service: `${p}-worker`,
    highQueue: queue.highQueue,
    standardQueue: queue.standardQueue,
    deadLetterQueue: queue.deadLetterQueue,
    table: queue.tableName,
    /** The agent cycles' table (the worker's MIYABI_CYCLE_TABLE; the CLI's default for an aws: store). */
    cycleTable: `${p}-cycles`
  } as const
}
