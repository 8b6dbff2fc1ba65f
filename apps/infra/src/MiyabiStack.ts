/**
 * One environment of the platform in one region. Active-active is the same
 * stack in several regions (each with its own queues, table and fleet);
 * main.ts instantiates one per (environment, region).
 */
import { Fn, RemovalPolicy, Stack, type StackProps, Tags } from "aws-cdk-lib/core"
import * as logs from "aws-cdk-lib/aws-logs"
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager"
import { Scaling as QueueScaling } from "@miyabi/queue"
import type { Construct } from "constructs"
import { type EnvironmentConfig, resourceNames } from "./config/Environments.js"
import { Network } from "./constructs/Network.js"
import { Observability } from "./constructs/Observability.js"
import { Queues } from "./constructs/Queues.js"
import { Scaling } from "./constructs/Scaling.js"
import { CYCLE_HISTORY_INDEX, STATUS_INDEX, Tables } from "./constructs/Tables.js"
import { Webhook } from "./constructs/Webhook.js"
import { WorkerService } from "./constructs/WorkerService.js"

export interface MiyabiStackProps extends StackProps {
  readonly config: EnvironmentConfig
  readonly region: string
  /** The repository root: the worker image's Docker build context. */
  readonly repoRoot: string
  /** The webhook bundle's directory (this package's dist/webhook). */
  readonly webhookCodeDirectory: string
}

const retentionDays: Record<EnvironmentConfig["logRetentionDays"], logs.RetentionDays> = {
  7: logs.RetentionDays.ONE_WEEK,
  14: logs.RetentionDays.TWO_WEEKS,
  30: logs.RetentionDays.ONE_MONTH,
  90: logs.RetentionDays.THREE_MONTHS,
  365: logs.RetentionDays.ONE_YEAR
}

export const stackName = (config: EnvironmentConfig, region: string): string => `Miyabi-${config.name}-${region}`

export class MiyabiStack extends Stack {
  readonly compiledScaling: QueueScaling.CompiledScaling
  private readonly azCount: number

  /**
   * The region's first zones as Fn::GetAZs selections, resolved at deploy:
   * a stack with a concrete account and region would otherwise look its
   * zones up at synth, which needs credentials.
   */
  override get availabilityZones(): Array<string> {
    return Array.from({ length: this.azCount }, (_, i) => Fn.select(i, Fn.getAzs()))
  }

  constructor(scope: Construct, id: string, props: MiyabiStackProps) {
    super(scope, id, { ...props, env: { account: props.config.account, region: props.region } })
    this.azCount = props.config.azCount
    const { config } = props
    const names = resourceNames(config)
    const removalPolicy = config.name === "prod" ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY
    const logRetention = retentionDays[config.logRetentionDays]

    Tags.of(this).add("Application", "miyabi")
    Tags.of(this).add("Environment", config.name)
    Tags.of(this).add("CostCenter", "platform")
    Tags.of(this).add("Owner", "miyabi-platform")

    const network = new Network(this, "Network", { cidr: config.vpcCidr, maxAzs: config.azCount, natGateways: config.natGateways })
    const queues = new Queues(this, "Queues", {
      highQueueName: names.highQueue,
      standardQueueName: names.standardQueue,
      deadLetterQueueName: names.deadLetterQueue,
      removalPolicy
    })
    const tables = new Tables(this, "Tables", { tableName: names.table, cycleTableName: names.cycleTable, removalPolicy })

    this.compiledScaling = QueueScaling.compile(config.scaling === "spec" ? QueueScaling.specPolicy : QueueScaling.hyperScalePolicy, {
      clusterName: names.cluster,
      serviceName: names.service,
      highQueueName: names.highQueue,
      standardQueueName: names.standardQueue
    })

    const workerLogs = new logs.LogGroup(this, "WorkerLogs", { retention: logRetention, removalPolicy })
    const worker = new WorkerService(this, "Worker", {
      vpc: network.vpc,
      config,
      clusterName: names.cluster,
      serviceName: names.service,
      queues,
      table: tables.tasks,
      statusIndexName: STATUS_INDEX,
      cycleTable: tables.cycles,
      cycleHistoryIndexName: CYCLE_HISTORY_INDEX,
      queuePrefix: names.prefix,
      repoRoot: props.repoRoot,
      capacityProviderStrategy: this.compiledScaling.capacityProviderStrategy,
      logGroup: workerLogs
    })

    new Scaling(this, "Scaling", { compiled: this.compiledScaling, dependsOn: worker.service })

    const webhookSecret = new secretsmanager.Secret(this, "WebhookSecret", {
      description: "GitHub webhook secret (X-Hub-Signature-256); set the same value on the GitHub App or repository webhook",
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      removalPolicy
    })
    const webhook = new Webhook(this, "Webhook", {
      codeDirectory: props.webhookCodeDirectory,
      queues,
      table: tables.tasks,
      queuePrefix: names.prefix,
      secret: webhookSecret,
      logRetention,
      triggerLabel: "miyabi"
    })

    new Observability(this, "Observability", {
      prefix: names.prefix,
      queues,
      service: worker.service,
      workerLogGroup: workerLogs,
      webhookFunction: webhook.function,
      metricNamespace: config.metricNamespace,
      oldestMessageAgeSeconds: config.alarms.oldestMessageAgeSeconds,
      taskFailuresPerFiveMinutes: config.alarms.taskFailuresPerFiveMinutes
    })
  }
}
