/**
 * The worker fleet: an ECS cluster with the FARGATE and FARGATE_SPOT
 * capacity providers and one Fargate service running apps/worker's image,
 * built from apps/worker/Dockerfile as an image asset. At synth CDK only
 * hashes and stages the build context; Docker runs at deploy (`cdk deploy`
 * or the asset publisher), never at synth.
 */
import { Duration, IgnoreMode, Stack } from "aws-cdk-lib/core"
import * as ec2 from "aws-cdk-lib/aws-ec2"
import * as ecrAssets from "aws-cdk-lib/aws-ecr-assets"
import * as ecs from "aws-cdk-lib/aws-ecs"
import * as iam from "aws-cdk-lib/aws-iam"
import * as logs from "aws-cdk-lib/aws-logs"
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb"
import { Construct } from "constructs"
import { type EnvironmentConfig, OTEL_COLLECTOR_CONFIG, OTEL_COLLECTOR_IMAGE } from "../config/Environments.js"
import { workerCycleTableActions, workerDeadLetterActions, workerLaneActions, workerTableActions, workerTaskProtectionActions, workerTraceActions } from "../config/Permissions.js"
import { workerImageExcludes } from "../config/WorkerImage.js"
import type { Queues } from "./Queues.js"

export interface WorkerServiceProps {
  readonly vpc: ec2.IVpc
  readonly config: EnvironmentConfig
  readonly clusterName: string
  readonly serviceName: string
  readonly queues: Queues
  readonly table: dynamodb.ITable
  readonly statusIndexName: string
  /** The aws-cycle task's table and its history index. */
  readonly cycleTable: dynamodb.ITable
  readonly cycleHistoryIndexName: string
  readonly queuePrefix: string
  /** The repository root: the Docker build context. */
  readonly repoRoot: string
  readonly capacityProviderStrategy: ReadonlyArray<{ readonly capacityProvider: string; readonly weight: number; readonly base: number }>
  readonly logGroup: logs.ILogGroup
}

/** The container health check: node's fetch, since the slim image has no curl. */
export const healthCheckCommand = (port: number): ReadonlyArray<string> => [
  "CMD",
  "node",
  "-e",
  `fetch("http://127.0.0.1:${port}/healthz").then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))`
]

export class WorkerService extends Construct {
  readonly cluster: ecs.Cluster
  readonly service: ecs.FargateService
  readonly taskDefinition: ecs.FargateTaskDefinition
  readonly taskRole: iam.Role

  constructor(scope: Construct, id: string, props: WorkerServiceProps) {
    super(scope, id)
    const { config, queues } = props
    const stack = Stack.of(this)

    this.cluster = new ecs.Cluster(this, "Cluster", {
      vpc: props.vpc,
      clusterName: props.clusterName,
      enableFargateCapacityProviders: true,
      containerInsightsV2: ecs.ContainerInsights.ENABLED
    })

    this.taskRole = new iam.Role(this, "TaskRole", {
      assumedBy: new iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
      description: "Miyabi worker: its queues and table, its metrics, task protection, and the member-account role only"
    })
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: "AssumeMemberRole",
        actions: ["sts:AssumeRole"],
        resources: [`arn:${stack.partition}:iam::*:role/${config.memberRoleName}`]
      })
    )
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: "ConsumeTaskQueues",
        actions: [...workerLaneActions],
        resources: [queues.high.queueArn, queues.standard.queueArn]
      })
    )
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: "DeadLetterQueue",
        actions: [...workerDeadLetterActions],
        resources: [queues.deadLetter.queueArn]
      })
    )
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: "TaskTable",
        actions: [...workerTableActions],
        resources: [props.table.tableArn, `${props.table.tableArn}/index/${props.statusIndexName}`]
      })
    )
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: "CycleTable",
        actions: [...workerCycleTableActions],
        resources: [props.cycleTable.tableArn, `${props.cycleTable.tableArn}/index/${props.cycleHistoryIndexName}`]
      })
    )
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: "OwnTaskProtection",
        actions: [...workerTaskProtectionActions],
        resources: [stack.formatArn({ service: "ecs", resource: "task", resourceName: `${props.clusterName}/*` })]
      })
    )
    // PutMetricData has no resource-level permissions; the namespace condition is the boundary.
    this.taskRole.addToPolicy(
      new iam.PolicyStatement({
        sid: "PublishWorkerMetrics",
        actions: ["cloudwatch:PutMetricData"],
        resources: ["*"],
        conditions: { StringEquals: { "cloudwatch:namespace": config.metricNamespace } }
      })
    )

    if (config.traces) {
      this.taskRole.addToPolicy(new iam.PolicyStatement({ sid: "PublishTraces", actions: [...workerTraceActions], resources: ["*"] }))
    }

    this.taskDefinition = new ecs.FargateTaskDefinition(this, "TaskDefinition", {
      cpu: config.worker.cpu,
      memoryLimitMiB: config.worker.memoryMiB,
      taskRole: this.taskRole,
      runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX }
    })

    const image = ecs.ContainerImage.fromAsset(props.repoRoot, {
      file: "apps/worker/Dockerfile",
      platform: ecrAssets.Platform.LINUX_AMD64,
      ignoreMode: IgnoreMode.DOCKER,
      exclude: [...workerImageExcludes]
    })

    const worker = this.taskDefinition.addContainer("worker", {
      image,
      essential: true,
      logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: "worker" }),
      portMappings: [{ containerPort: config.worker.httpPort }],
      stopTimeout: Duration.seconds(config.worker.drainSeconds + config.worker.stopMarginSeconds),
      healthCheck: {
        command: [...healthCheckCommand(config.worker.httpPort)],
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(30)
      },
      environment: {
        MIYABI_STORE: "aws:",
        MIYABI_QUEUE_PREFIX: props.queuePrefix,
        MIYABI_TASK_TABLE: props.table.tableName,
        MIYABI_CYCLE_TABLE: props.cycleTable.tableName,
        MIYABI_QUEUE_HIGH_URL: queues.high.queueUrl,
        MIYABI_QUEUE_STANDARD_URL: queues.standard.queueUrl,
        MIYABI_QUEUE_DLQ_URL: queues.deadLetter.queueUrl,
        MIYABI_CONCURRENCY: String(config.worker.concurrency),
        MIYABI_LEASE_SECONDS: String(config.worker.leaseSeconds),
        MIYABI_DRAIN_SECONDS: String(config.worker.drainSeconds),
        MIYABI_HTTP_PORT: String(config.worker.httpPort),
        MIYABI_MEMBER_ROLE_NAME: config.memberRoleName,
        MIYABI_METRIC_NAMESPACE: config.metricNamespace,
        LOG_LEVEL: "info",
        ...(config.traces ? { MIYABI_TRACES: "otlp", OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318", OTEL_SERVICE_NAME: props.serviceName } : { MIYABI_TRACES: "off" })
      }
    })
    // OTLP/HTTP on localhost:4318 (awsvpc: the task's containers share one network namespace), X-Ray out.
    const collector = config.traces
      ? this.taskDefinition.addContainer("otel-collector", {
          image: ecs.ContainerImage.fromRegistry(OTEL_COLLECTOR_IMAGE),
          command: [`--config=${OTEL_COLLECTOR_CONFIG}`],
          essential: false,
          memoryReservationMiB: 64,
          logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: "otel-collector" })
        })
      : undefined
    if (collector !== undefined) worker.addContainerDependencies({ container: collector, condition: ecs.ContainerDependencyCondition.START })

    const securityGroup = new ec2.SecurityGroup(this, "SecurityGroup", {
      vpc: props.vpc,
      description: "Miyabi workers: no inbound (the health check runs inside the container); outbound to AWS APIs and GitHub",
      allowAllOutbound: true
    })

    this.service = new ecs.FargateService(this, "Service", {
      cluster: this.cluster,
      serviceName: props.serviceName,
      taskDefinition: this.taskDefinition,
      securityGroups: [securityGroup],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      assignPublicIp: false,
      capacityProviderStrategies: props.capacityProviderStrategy.map((s) => ({ capacityProvider: s.capacityProvider, weight: s.weight, base: s.base })),
      circuitBreaker: { enable: true, rollback: true },
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      enableExecuteCommand: false
    })
  }
}
