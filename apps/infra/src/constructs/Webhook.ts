/**
 * The GitHub webhook intake: a Lambda function running @miyabi/queue's
 * Intake.LambdaHandler behind an HTTP API (payload 2.0). The function's code
 * is the bundle this package's build writes (dist/webhook, tsup); synth never
 * bundles, so it needs neither Docker nor esbuild.
 */
import { Duration } from "aws-cdk-lib/core"
import * as apigwv2 from "aws-cdk-lib/aws-apigatewayv2"
import * as integrations from "aws-cdk-lib/aws-apigatewayv2-integrations"
import type * as dynamodb from "aws-cdk-lib/aws-dynamodb"
import * as iam from "aws-cdk-lib/aws-iam"
import * as lambda from "aws-cdk-lib/aws-lambda"
import * as logs from "aws-cdk-lib/aws-logs"
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager"
import { Construct } from "constructs"
import { webhookQueueActions, webhookReplayActions, webhookReplayKeys, webhookTableActions } from "../config/Permissions.js"
import type { Queues } from "./Queues.js"

export interface WebhookProps {
  /** The directory holding the bundled handler (index.mjs exporting `handler`). */
  readonly codeDirectory: string
  readonly queues: Queues
  readonly table: dynamodb.ITable
  readonly queuePrefix: string
  readonly secret: secretsmanager.ISecret
  readonly logRetention: logs.RetentionDays
  readonly triggerLabel: string
}

export class Webhook extends Construct {
  readonly function: lambda.Function
  readonly api: apigwv2.HttpApi
  readonly logGroup: logs.LogGroup
  readonly accessLogGroup: logs.LogGroup

  constructor(scope: Construct, id: string, props: WebhookProps) {
    super(scope, id)
    this.logGroup = new logs.LogGroup(this, "FunctionLogs", { retention: props.logRetention })
    // An own role instead of AWSLambdaBasicExecutionRole (logs:* actions on every log group):
    // this function writes to its own log group only.
    const role = new iam.Role(this, "FunctionRole", {
      assumedBy: new iam.ServicePrincipal("lambda.amazonaws.com"),
      description: "Miyabi webhook: its log group, SendMessage on the task lanes, the task table's enqueue items"
    })
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: "OwnLogGroup",
        actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
        resources: [this.logGroup.logGroupArn]
      })
    )
    this.function = new lambda.Function(this, "Function", {
      role,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      handler: "index.handler",
      code: lambda.Code.fromAsset(props.codeDirectory),
      memorySize: 512,
      timeout: Duration.seconds(10),
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      environment: {
        MIYABI_QUEUE_PREFIX: props.queuePrefix,
        MIYABI_TASK_TABLE: props.table.tableName,
        MIYABI_QUEUE_HIGH_URL: props.queues.high.queueUrl,
        MIYABI_QUEUE_STANDARD_URL: props.queues.standard.queueUrl,
        MIYABI_QUEUE_DLQ_URL: props.queues.deadLetter.queueUrl,
        MIYABI_TRIGGER_LABEL: props.triggerLabel,
        // Delivery ids in the task table (DELIVERY#<id>, TTL expiresAt), shared by every container.
        MIYABI_REPLAY_STORE: "dynamodb",
        // A dynamic reference, resolved by CloudFormation at deploy: the secret is never in the template.
        GITHUB_WEBHOOK_SECRET: props.secret.secretValue.unsafeUnwrap(),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true"
      }
    })
    // Enqueue only: SendMessage on the two lanes, and the task table's idempotency and record items.
    role.addToPolicy(
      new iam.PolicyStatement({ sid: "EnqueueMessages", actions: [...webhookQueueActions], resources: [props.queues.high.queueArn, props.queues.standard.queueArn] })
    )
    role.addToPolicy(new iam.PolicyStatement({ sid: "TaskTableEnqueue", actions: [...webhookTableActions], resources: [props.table.tableArn] }))
    // The replay guard: DELIVERY#<id> items (with the table's TTL) are put with the enqueue grant above;
    // deleting is allowed on those items only.
    role.addToPolicy(
      new iam.PolicyStatement({
        sid: "ReplayGuardForget",
        actions: [...webhookReplayActions],
        resources: [props.table.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": [...webhookReplayKeys] } }
      })
    )

    this.accessLogGroup = new logs.LogGroup(this, "AccessLogs", { retention: props.logRetention })
    this.api = new apigwv2.HttpApi(this, "Api", {
      description: "Miyabi GitHub webhook intake",
      createDefaultStage: true
    })
    this.api.addRoutes({
      path: "/github/webhook",
      methods: [apigwv2.HttpMethod.POST],
      integration: new integrations.HttpLambdaIntegration("Intake", this.function, { payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0 })
    })
    const stage = this.api.defaultStage?.node.defaultChild
    if (stage instanceof apigwv2.CfnStage) {
      stage.accessLogSettings = {
        destinationArn: this.accessLogGroup.logGroupArn,
        format: JSON.stringify({
          requestId: "$context.requestId",
          ip: "$context.identity.sourceIp",
          requestTime: "$context.requestTime",
          routeKey: "$context.routeKey",
          status: "$context.status",
          integrationLatency: "$context.integrationLatency"
        })
      }
      stage.defaultRouteSettings = { throttlingBurstLimit: 100, throttlingRateLimit: 50 }
    }
  }
}
