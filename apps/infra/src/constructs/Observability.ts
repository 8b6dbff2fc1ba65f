/**
 * What operators watch: alarms on the dead-letter queue (anything in it is a
 * task that failed for good), on the oldest message of each lane (the fleet
 * is not keeping up), and on the worker's error log lines (tasks
 * dead-lettered, queue store errors), all notifying one SNS topic; and one
 * dashboard with the queues, the fleet and the webhook.
 */
import { Duration, Stack } from "aws-cdk-lib/core"
import * as cloudwatch from "aws-cdk-lib/aws-cloudwatch"
import * as actions from "aws-cdk-lib/aws-cloudwatch-actions"
import type * as ecs from "aws-cdk-lib/aws-ecs"
import type * as lambda from "aws-cdk-lib/aws-lambda"
import * as logs from "aws-cdk-lib/aws-logs"
import * as sns from "aws-cdk-lib/aws-sns"
import { Construct } from "constructs"
import type { Queues } from "./Queues.js"

export interface ObservabilityProps {
  readonly prefix: string
  readonly queues: Queues
  readonly service: ecs.FargateService
  readonly workerLogGroup: logs.ILogGroup
  readonly webhookFunction: lambda.IFunction
  readonly metricNamespace: string
  readonly oldestMessageAgeSeconds: number
  readonly taskFailuresPerFiveMinutes: number
}

/** The metric the worker's ERROR log lines are counted into (a log metric filter; no worker code needed). */
export const WORKER_ERRORS_METRIC = "WorkerErrorLogLines"

export class Observability extends Construct {
  readonly topic: sns.Topic
  readonly alarms: ReadonlyArray<cloudwatch.Alarm>
  readonly dashboard: cloudwatch.Dashboard

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id)
    const { queues } = props
    this.topic = new sns.Topic(this, "AlarmTopic", { displayName: `${props.prefix} alarms`, enforceSSL: true })
    const notify = new actions.SnsAction(this.topic)

    const deadLettered = queues.deadLetter.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: "Maximum" })
    const dlqAlarm = deadLettered.createAlarm(this, "DeadLetterNotEmpty", {
      alarmName: `${props.prefix}-dlq-not-empty`,
      alarmDescription: "Tasks failed for good and wait in the dead-letter queue",
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING
    })

    const ageAlarms = (
      [
        ["high", queues.high],
        ["standard", queues.standard]
      ] as const
    ).map(([lane, queue]) =>
      queue
        .metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: "Maximum" })
        .createAlarm(this, `OldestMessage${lane === "high" ? "High" : "Standard"}`, {
          alarmName: `${props.prefix}-${lane}-oldest-message`,
          alarmDescription: `The oldest ${lane} task has waited over ${props.oldestMessageAgeSeconds} s: the fleet is not keeping up`,
          threshold: props.oldestMessageAgeSeconds,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING
        })
    )

    // The worker logs one JSON line per entry; ERROR lines are dead-lettered tasks and store errors.
    new logs.MetricFilter(this, "WorkerErrors", {
      logGroup: props.workerLogGroup,
      filterPattern: logs.FilterPattern.stringValue("$.level", "=", "ERROR"),
      metricNamespace: props.metricNamespace,
      metricName: WORKER_ERRORS_METRIC,
      metricValue: "1",
      defaultValue: 0
    })
    const workerErrors = new cloudwatch.Metric({
      namespace: props.metricNamespace,
      metricName: WORKER_ERRORS_METRIC,
      statistic: "Sum",
      period: Duration.minutes(5)
    })
    const failuresAlarm = workerErrors.createAlarm(this, "WorkerTaskFailures", {
      alarmName: `${props.prefix}-worker-task-failures`,
      alarmDescription: "Worker tasks failing (dead-lettered) or the queue store erroring",
      threshold: props.taskFailuresPerFiveMinutes,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING
    })

    const webhookErrors = props.webhookFunction.metricErrors({ period: Duration.minutes(5), statistic: "Sum" })
    const webhookAlarm = webhookErrors.createAlarm(this, "WebhookErrors", {
      alarmName: `${props.prefix}-webhook-errors`,
      alarmDescription: "The webhook function is failing: GitHub deliveries are not turning into tasks",
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING
    })

    this.alarms = [dlqAlarm, ...ageAlarms, failuresAlarm, webhookAlarm]
    for (const alarm of this.alarms) alarm.addAlarmAction(notify)

    const depth = (queue: Queues["high"], label: string) => queue.metricApproximateNumberOfMessagesVisible({ label, period: Duration.minutes(1), statistic: "Maximum" })
    const age = (queue: Queues["high"], label: string) => queue.metricApproximateAgeOfOldestMessage({ label, period: Duration.minutes(1), statistic: "Maximum" })
    this.dashboard = new cloudwatch.Dashboard(this, "Dashboard", {
      // Dashboard names are account-wide, not regional: an active-active pair needs two.
      dashboardName: `${props.prefix}-${Stack.of(this).region}-fleet`,
      defaultInterval: Duration.hours(6),
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: "Queue depth", left: [depth(queues.high, "high"), depth(queues.standard, "standard"), depth(queues.deadLetter, "dead-letter")], width: 12 }),
          new cloudwatch.GraphWidget({ title: "Oldest message age (s)", left: [age(queues.high, "high"), age(queues.standard, "standard")], width: 12 })
        ],
        [
          new cloudwatch.GraphWidget({
            title: "Workers",
            left: [
              props.service.metricCpuUtilization({ label: "CPU %", period: Duration.minutes(1) }),
              props.service.metricMemoryUtilization({ label: "memory %", period: Duration.minutes(1) })
            ],
            right: [
              new cloudwatch.Metric({
                namespace: "ECS/ContainerInsights",
                metricName: "RunningTaskCount",
                dimensionsMap: { ClusterName: props.service.cluster.clusterName, ServiceName: props.service.serviceName },
                statistic: "Average",
                period: Duration.minutes(1),
                label: "running tasks"
              })
            ],
            width: 12
          }),
          new cloudwatch.GraphWidget({
            title: "Failures",
            left: [workerErrors.with({ label: "worker error lines" }), webhookErrors.with({ label: "webhook errors" })],
            width: 12
          })
        ],
        [new cloudwatch.AlarmStatusWidget({ title: "Alarms", alarms: [...this.alarms], width: 24 })]
      ]
    })
  }
}
