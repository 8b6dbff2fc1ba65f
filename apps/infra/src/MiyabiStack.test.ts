import { DynamoCycleStore } from "@miyabi/aws-agent"
import { AwsQueueResources } from "@miyabi/queue"
import { Match } from "aws-cdk-lib/assertions"
import { CfnDashboard } from "aws-cdk-lib/aws-cloudwatch"
import * as fs from "node:fs"
import * as path from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { buildApp } from "./App.js"
import { environments, OTEL_COLLECTOR_IMAGE, resourceNames } from "./config/Environments.js"
import { repoRoot, webhookCodeDirectory } from "./testing/Paths.js"
import { resourcesOf, type Synthesized, synthesize } from "./testing/Synth.js"

const config = environments.dev
const names = resourceNames(config)
let synth: Synthesized

beforeAll(() => {
  synth = synthesize("dev")
}, 120_000)
afterAll(() => synth.dispose())

describe("stack", () => {
  it("tags its resources with the required tags (Application, Environment, CostCenter, Owner)", () => {
    synth.template.hasResourceProperties("AWS::SQS::Queue", {
      Tags: Match.arrayWith([
        { Key: "Application", Value: "miyabi" },
        { Key: "CostCenter", Value: "platform" },
        { Key: "Environment", Value: "dev" },
        { Key: "Owner", Value: "miyabi-platform" }
      ])
    })
  })
})

describe("queues", () => {
  it("has the high and standard lanes with their visibility timeouts, redriving to the DLQ after 3 receives", () => {
    const { template } = synth
    const dlq = Object.entries(resourcesOf(template, "AWS::SQS::Queue")).find(([, r]) => r.Properties?.["QueueName"] === names.deadLetterQueue)
    expect(dlq).toBeDefined()
    const redrive = { deadLetterTargetArn: { "Fn::GetAtt": [dlq![0], "Arn"] }, maxReceiveCount: 3 }
    template.hasResourceProperties("AWS::SQS::Queue", { QueueName: names.highQueue, VisibilityTimeout: 3_600, RedrivePolicy: redrive })
    template.hasResourceProperties("AWS::SQS::Queue", { QueueName: names.standardQueue, VisibilityTimeout: 7_200, RedrivePolicy: redrive })
  })

  it("keeps every message 14 days, encrypted, and refuses plain HTTP", () => {
    const queues = Object.values(resourcesOf(synth.template, "AWS::SQS::Queue"))
    expect(queues).toHaveLength(3)
    for (const queue of queues) {
      expect(queue.Properties?.["MessageRetentionPeriod"]).toBe(14 * 24 * 3_600)
      expect(queue.Properties?.["SqsManagedSseEnabled"]).toBe(true)
    }
    synth.template.resourceCountIs("AWS::SQS::QueuePolicy", 3)
    synth.template.hasResourceProperties("AWS::SQS::QueuePolicy", {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]) }
    })
  })
})

describe("task table", () => {
  it("is PK/SK strings, on demand, with point-in-time recovery, TTL and the status index", () => {
    synth.template.hasResourceProperties("AWS::DynamoDB::Table", {
      TableName: names.table,
      KeySchema: [
        { AttributeName: "PK", KeyType: "HASH" },
        { AttributeName: "SK", KeyType: "RANGE" }
      ],
      AttributeDefinitions: Match.arrayWith([
        { AttributeName: "PK", AttributeType: "S" },
        { AttributeName: "SK", AttributeType: "S" }
      ]),
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
      GlobalSecondaryIndexes: [
        {
          IndexName: "ByStatus",
          KeySchema: [
            { AttributeName: "StatusKey", KeyType: "HASH" },
            { AttributeName: "StatusSort", KeyType: "RANGE" }
          ],
          Projection: { ProjectionType: "ALL" }
        }
      ]
    })
  })
})

describe("task table TTL", () => {
  it("the webhook keeps its replay guard in this table (DynamoDB replay store), so the same TTL expires delivery ids", () => {
    synth.template.hasResourceProperties("AWS::Lambda::Function", {
      Handler: "index.handler",
      Environment: { Variables: Match.objectLike({ MIYABI_REPLAY_STORE: "dynamodb", MIYABI_TASK_TABLE: Match.anyValue() }) }
    })
  })

  it("is enabled on the very attribute the queue writes on log items (and webhook delivery ids)", () => {
    expect(AwsQueueResources.TTL_ATTRIBUTE).toBe("expiresAt")
    const tables = Object.values(resourcesOf(synth.template, "AWS::DynamoDB::Table")).filter((t) => t.Properties?.["TableName"] === names.table)
    expect(tables.map((t) => t.Properties?.["TimeToLiveSpecification"])).toEqual([{ AttributeName: AwsQueueResources.TTL_ATTRIBUTE, Enabled: true }])
  })
})

describe("cycle table", () => {
  it("is the DynamoCycleStore's layout: PK/SK strings, the History index of head items, no TTL, point-in-time recovery", () => {
    synth.template.hasResourceProperties("AWS::DynamoDB::Table", {
      TableName: names.cycleTable,
      KeySchema: [
        { AttributeName: "PK", KeyType: "HASH" },
        { AttributeName: "SK", KeyType: "RANGE" }
      ],
      BillingMode: "PAY_PER_REQUEST",
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: Match.absent(),
      GlobalSecondaryIndexes: [
        {
          IndexName: "History",
          KeySchema: [
            { AttributeName: "HistoryKey", KeyType: "HASH" },
            { AttributeName: "HistorySort", KeyType: "RANGE" }
          ],
          Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["cycleId", "startedAt", "phaseIndex", "phase", "completedAt"] }
        }
      ]
    })
  })

  it("the worker is told the table and may read, write and query it (no Scan)", () => {
    synth.template.hasResourceProperties("AWS::ECS::TaskDefinition", {
      ContainerDefinitions: Match.arrayWith([Match.objectLike({ Environment: Match.arrayWith([{ Name: "MIYABI_CYCLE_TABLE", Value: Match.anyValue() }]) })])
    })
    synth.template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: "CycleTable", Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:Query"], Effect: "Allow" })
        ])
      }
    })
  })

  it("lets the worker Query the History index, which also lists deployments (HistoryKey DEPLOYMENTS), and never Scan", () => {
    const statements = Object.values(resourcesOf(synth.template, "AWS::IAM::Policy")).flatMap((policy) => {
      const document = policy.Properties?.["PolicyDocument"] as { Statement?: ReadonlyArray<{ Sid?: string; Action?: unknown; Resource?: unknown }> } | undefined
      return document?.Statement ?? []
    })
    const cycleTable = statements.filter((statement) => statement.Sid === "CycleTable")
    expect(cycleTable).toHaveLength(1)
    expect(JSON.stringify(cycleTable[0]?.Resource)).toContain(`/index/${DynamoCycleStore.HISTORY_INDEX}`)
    expect(JSON.stringify(statements.map((statement) => statement.Action))).not.toContain("dynamodb:Scan")
  })
})

describe("worker traces", () => {
  it("run an OpenTelemetry collector beside the worker (OTLP in, X-Ray out) and point the worker at it", () => {
    const definitions = Object.values(resourcesOf(synth.template, "AWS::ECS::TaskDefinition"))
    expect(definitions).toHaveLength(1)
    const containers = definitions[0]?.Properties?.["ContainerDefinitions"] as ReadonlyArray<{
      Name: string
      Image: unknown
      Command?: ReadonlyArray<string>
      Essential?: boolean
      Environment?: ReadonlyArray<{ Name: string; Value: unknown }>
      DependsOn?: ReadonlyArray<{ ContainerName: string; Condition: string }>
    }>
    const collector = containers.find((c) => c.Name === "otel-collector")
    expect(collector).toMatchObject({ Image: OTEL_COLLECTOR_IMAGE, Command: ["--config=/etc/ecs/ecs-xray.yaml"], Essential: false })
    const worker = containers.find((c) => c.Name === "worker")
    const env = Object.fromEntries((worker?.Environment ?? []).map((e) => [e.Name, e.Value]))
    expect(env).toMatchObject({ MIYABI_TRACES: "otlp", OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4318", OTEL_SERVICE_NAME: names.service })
    expect(worker?.DependsOn).toEqual([{ ContainerName: "otel-collector", Condition: "START" }])
    // The task role may send traces (X-Ray's put actions have no resource-level permissions).
    synth.template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: "PublishTraces", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" })]) }
    })
  })
})

describe("network", () => {
  it("has private subnets and endpoints for SQS, ECR, Logs (interface) and DynamoDB, S3 (gateway)", () => {
    const { template } = synth
    const endpoints = Object.values(resourcesOf(template, "AWS::EC2::VPCEndpoint")).map((r) => ({
      type: r.Properties?.["VpcEndpointType"] ?? "Gateway",
      service: JSON.stringify(r.Properties?.["ServiceName"])
    }))
    const has = (type: string, suffix: string) => endpoints.some((e) => e.type === type && e.service.includes(suffix))
    expect(has("Interface", ".sqs")).toBe(true)
    expect(has("Interface", ".ecr.api")).toBe(true)
    expect(has("Interface", ".ecr.dkr")).toBe(true)
    expect(has("Interface", ".logs")).toBe(true)
    expect(has("Gateway", "dynamodb")).toBe(true)
    expect(has("Gateway", "s3")).toBe(true)
    const subnets = Object.values(resourcesOf(template, "AWS::EC2::Subnet"))
    expect(subnets.filter((s) => s.Properties?.["MapPublicIpOnLaunch"] === false)).toHaveLength(config.azCount)
  })

  it("resolves availability zones at deploy (Fn::GetAZs), so synth needs no account lookup", () => {
    const subnets = Object.values(resourcesOf(synth.template, "AWS::EC2::Subnet"))
    expect(subnets.length).toBeGreaterThanOrEqual(config.azCount)
    for (const subnet of subnets) expect(JSON.stringify(subnet.Properties?.["AvailabilityZone"])).toContain("Fn::GetAZs")
    const manifest = JSON.parse(fs.readFileSync(path.join(synth.outdir, "manifest.json"), "utf8")) as { missing?: unknown }
    expect(manifest.missing).toBeUndefined()
  })
})

describe("worker fleet", () => {
  it("runs a cluster with the FARGATE and FARGATE_SPOT capacity providers", () => {
    synth.template.hasResourceProperties("AWS::ECS::ClusterCapacityProviderAssociations", {
      CapacityProviders: Match.arrayEquals(["FARGATE", "FARGATE_SPOT"])
    })
  })

  it("runs the service on the compiled capacity strategy, with the circuit breaker rolling back", () => {
    const strategy = synth.stack.compiledScaling.capacityProviderStrategy.map((s) => ({ CapacityProvider: s.capacityProvider, Weight: s.weight, Base: s.base }))
    synth.template.hasResourceProperties("AWS::ECS::Service", {
      ServiceName: names.service,
      CapacityProviderStrategy: strategy,
      DeploymentConfiguration: Match.objectLike({ DeploymentCircuitBreaker: { Enable: true, Rollback: true } }),
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: "DISABLED" }) },
      // Left to Application Auto Scaling, so a deploy never resets a scaled-out fleet.
      DesiredCount: Match.absent()
    })
  })

  it("runs the worker image asset with a /healthz check, a stop timeout covering the drain, and its settings", () => {
    const taskDefinitions = Object.values(resourcesOf(synth.template, "AWS::ECS::TaskDefinition"))
    expect(taskDefinitions).toHaveLength(1)
    const task = taskDefinitions[0]!.Properties!
    expect(task["Cpu"]).toBe("512")
    expect(task["Memory"]).toBe("1024")
    const containers = task["ContainerDefinitions"] as ReadonlyArray<Record<string, unknown>>
    const container = containers[0]!
    expect(JSON.stringify(container["Image"])).toContain("cdk-hnb659fds-container-assets")
    const check = container["HealthCheck"] as { Command: ReadonlyArray<string> }
    expect(check.Command.join(" ")).toContain(`http://127.0.0.1:${config.worker.httpPort}/healthz`)
    expect(container["StopTimeout"]).toBe(config.worker.drainSeconds + config.worker.stopMarginSeconds)
    expect(container["StopTimeout"]).toBeLessThanOrEqual(120)
    const environment = Object.fromEntries((container["Environment"] as ReadonlyArray<{ Name: string; Value: unknown }>).map((e) => [e.Name, e.Value]))
    expect(environment["MIYABI_STORE"]).toBe("aws:")
    expect(environment["MIYABI_QUEUE_PREFIX"]).toBe(names.prefix)
    expect(environment["MIYABI_DRAIN_SECONDS"]).toBe(String(config.worker.drainSeconds))
    expect(environment["MIYABI_HTTP_PORT"]).toBe(String(config.worker.httpPort))
    // The table and the queues the stack creates, by reference (Ref of a queue is its URL, of a table its name).
    const logicalId = (type: string, property: string, value: string) => Object.entries(resourcesOf(synth.template, type)).find(([, r]) => r.Properties?.[property] === value)?.[0]
    expect(Object.fromEntries(["MIYABI_TASK_TABLE", "MIYABI_QUEUE_HIGH_URL", "MIYABI_QUEUE_STANDARD_URL", "MIYABI_QUEUE_DLQ_URL"].map((n) => [n, environment[n]]))).toEqual({
      MIYABI_TASK_TABLE: { Ref: logicalId("AWS::DynamoDB::Table", "TableName", names.table) },
      MIYABI_QUEUE_HIGH_URL: { Ref: logicalId("AWS::SQS::Queue", "QueueName", names.highQueue) },
      MIYABI_QUEUE_STANDARD_URL: { Ref: logicalId("AWS::SQS::Queue", "QueueName", names.standardQueue) },
      MIYABI_QUEUE_DLQ_URL: { Ref: logicalId("AWS::SQS::Queue", "QueueName", names.deadLetterQueue) }
    })
  })

  it("stages the worker's Docker build context without node_modules, .git, dist or cdk.out (no Docker at synth)", () => {
    const assets = JSON.parse(fs.readFileSync(path.join(synth.outdir, `${synth.stack.artifactId}.assets.json`), "utf8")) as {
      dockerImages: Record<string, { source: { directory: string; dockerFile?: string; platform?: string } }>
    }
    const images = Object.values(assets.dockerImages)
    expect(images).toHaveLength(1)
    const source = images[0]!.source
    expect(source.dockerFile).toBe("apps/worker/Dockerfile")
    expect(source.platform).toBe("linux/amd64")
    const staged = path.join(synth.outdir, source.directory)
    expect(fs.existsSync(path.join(staged, "apps/worker/Dockerfile"))).toBe(true)
    expect(fs.existsSync(path.join(staged, "package-lock.json"))).toBe(true)
    expect(fs.existsSync(path.join(staged, "packages/queue/src/index.ts"))).toBe(true)
    const walk = (dir: string, depth: number): ReadonlyArray<string> =>
      depth > 8 ? [] : fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [e.name, ...walk(path.join(dir, e.name), depth + 1)] : []))
    const directories = new Set(walk(staged, 0))
    expect(directories.has("packages") && directories.has("src")).toBe(true)
    for (const excluded of ["node_modules", ".git", "dist", "cdk.out", ".nx"]) expect(directories.has(excluded)).toBe(false)
  })
})

describe("webhook", () => {
  it("is a Lambda from the built bundle behind an HTTP API POST route, with the queue settings and the secret by reference", () => {
    const { template } = synth
    template.hasResourceProperties("AWS::Lambda::Function", {
      Runtime: "nodejs22.x",
      Handler: "index.handler",
      Environment: {
        Variables: Match.objectLike({
          MIYABI_QUEUE_PREFIX: names.prefix,
          GITHUB_WEBHOOK_SECRET: Match.objectLike({ "Fn::Join": Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp("resolve:secretsmanager")])]) })
        })
      }
    })
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", { RouteKey: "POST /github/webhook" })
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", { AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }) })
    const assets = JSON.parse(fs.readFileSync(path.join(synth.outdir, `${synth.stack.artifactId}.assets.json`), "utf8")) as {
      files: Record<string, { source: { path: string; packaging?: string } }>
    }
    const zipped = Object.values(assets.files).filter((f) => f.source.packaging === "zip")
    expect(zipped).toHaveLength(1)
    expect(fs.existsSync(path.join(synth.outdir, zipped[0]!.source.path, "index.mjs"))).toBe(true)
  })
})

describe("observability", () => {
  it("gives every log group a retention", () => {
    const groups = Object.values(resourcesOf(synth.template, "AWS::Logs::LogGroup"))
    expect(groups.length).toBeGreaterThanOrEqual(3)
    for (const group of groups) expect(group.Properties?.["RetentionInDays"]).toBe(config.logRetentionDays)
    // No CDK LogRetention custom resource, no function logging to an implicit (never-expiring) group.
    synth.template.resourceCountIs("Custom::LogRetention", 0)
    const functions = Object.values(resourcesOf(synth.template, "AWS::Lambda::Function"))
    expect(functions.length).toBeGreaterThan(0)
    for (const fn of functions) {
      expect(fn.Properties?.["LoggingConfig"]).toHaveProperty("LogGroup")
    }
  })

  it("alarms on a non-empty DLQ, old messages in either lane, and worker task failures, notifying one topic", () => {
    const { template } = synth
    const alarmNames = Object.values(resourcesOf(template, "AWS::CloudWatch::Alarm")).map((a) => a.Properties?.["AlarmName"])
    for (const name of [`${names.prefix}-dlq-not-empty`, `${names.prefix}-high-oldest-message`, `${names.prefix}-standard-oldest-message`, `${names.prefix}-worker-task-failures`]) {
      expect(alarmNames).toContain(name)
    }
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      AlarmName: `${names.prefix}-dlq-not-empty`,
      MetricName: "ApproximateNumberOfMessagesVisible",
      Threshold: 0,
      ComparisonOperator: "GreaterThanThreshold",
      AlarmActions: [{ Ref: Match.stringLikeRegexp("AlarmTopic") }]
    })
    template.hasResourceProperties("AWS::Logs::MetricFilter", { FilterPattern: '{ $.level = "ERROR" }', MetricTransformations: [Match.objectLike({ MetricNamespace: config.metricNamespace })] })
    template.resourceCountIs("AWS::CloudWatch::Dashboard", 1)
  })
})

describe("buildApp", () => {
  it("makes one stack per environment and region, each pinned to its account and region", () => {
    // Construction only (no synth): cheap, and enough for names and environments.
    const { stacks } = buildApp({ repoRoot, webhookCodeDirectory })
    expect(stacks.map((s) => [s.stackName, s.account, s.region])).toEqual([
      ["Miyabi-dev-us-east-1", "111111111111", "us-east-1"],
      ["Miyabi-prod-us-east-1", "222222222222", "us-east-1"],
      ["Miyabi-prod-us-west-2", "222222222222", "us-west-2"]
    ])
    // Account-wide names must differ between the regions of one environment.
    const dashboards = stacks.flatMap((s) => s.node.findAll().filter((c): c is CfnDashboard => c instanceof CfnDashboard)).map((d) => d.dashboardName)
    expect(dashboards).toEqual(["miyabi-dev-us-east-1-fleet", "miyabi-prod-us-east-1-fleet", "miyabi-prod-us-west-2-fleet"])
  })

  it("takes an account override from context", () => {
    const { stacks } = buildApp({
      repoRoot,
      webhookCodeDirectory,
      environments: ["dev"],
      appProps: { context: { "miyabi:dev:account": "444444444444" } }
    })
    expect(stacks.map((s) => s.account)).toEqual(["444444444444"])
  })
})
