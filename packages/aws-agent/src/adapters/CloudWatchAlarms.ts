/**
 * θ5's CloudWatch writes and alarm reads, per account and region: put the
 * alarms of `AlarmDefinition`s (PutMetricAlarm with their tags; CloudWatch
 * applies tags only when an alarm is created, which is enough here: an alarm's
 * name holds its cycle and change, the tags' values), read their states (DescribeAlarms by name,
 * at most 100 names a call, NextToken pages joined), delete them
 * (DeleteAlarms, 100 names a call; unknown names are ignored by AWS), and
 * publish a resource's `Miyabi/Cost EstimatedMonthlyCost` (PutMetricData).
 */
import {
  DeleteAlarmsCommand,
  DescribeAlarmsCommand,
  type DescribeAlarmsCommandInput,
  type MetricAlarm,
  PutMetricAlarmCommand,
  PutMetricDataCommand
} from "@aws-sdk/client-cloudwatch"
import { type AwsError, AwsClients } from "@miyabi/aws-runtime"
import { AlarmObservation, ChangeId, type MicroUsd, type ResourceRef } from "@miyabi/types"
import { Chunk, Context, Effect, Layer, Stream } from "effect"
import { type AlarmDefinition, COST_DIMENSION, COST_METRIC, COST_NAMESPACE } from "../monitor/Alarms.js"
import { CloudWatch } from "./CloudWatchMetrics.js"
import type { InventoryTarget } from "./Inventory.js"

/** AWS's limit of names in one DescribeAlarms or DeleteAlarms call. */
export const MAX_NAMES_PER_CALL = 100

/** The tag naming the change an alarm watches (set by `alarmDefinitions`). */
export const CHANGE_TAG = "miyabi:change"

export interface CloudWatchAlarmsShape {
  /** Creates or replaces each alarm, with its tags. */
  readonly put: (target: InventoryTarget, alarms: ReadonlyArray<AlarmDefinition>) => Effect.Effect<void, AwsError>
  /** The current state of each alarm that exists, in the order given, with the change it watches (its `miyabi:change` tag). */
  readonly states: (target: InventoryTarget, alarms: ReadonlyArray<AlarmDefinition>) => Effect.Effect<ReadonlyArray<AlarmObservation>, AwsError>
  readonly delete: (target: InventoryTarget, names: ReadonlyArray<string>) => Effect.Effect<void, AwsError>
  /** One datapoint of the resource's estimated monthly cost (micro-dollars) at `at`. */
  readonly publishCost: (target: InventoryTarget, resource: ResourceRef, monthlyCost: MicroUsd, at: Date) => Effect.Effect<void, AwsError>
}

export class CloudWatchAlarms extends Context.Tag("@miyabi/aws-agent/CloudWatchAlarms")<CloudWatchAlarms, CloudWatchAlarmsShape>() {}

const chunks = <A>(items: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size))

/** "CPUUtilization > 80 for 3 x 5 min", as the Observation shows an alarm. */
export const conditionOf = (a: Pick<AlarmDefinition, "MetricName" | "Threshold" | "EvaluationPeriods" | "Period">): string =>
  `${a.MetricName} > ${a.Threshold} for ${a.EvaluationPeriods} x ${a.Period >= 60 ? `${a.Period / 60} min` : `${a.Period} s`}`

/** An alarm as read back, with the change of its definition. */
export const observationOf = (alarm: MetricAlarm, definition: AlarmDefinition | undefined): AlarmObservation => {
  const change = definition?.Tags.find((t) => t.Key === CHANGE_TAG)?.Value
  const state = alarm.StateValue === "OK" || alarm.StateValue === "ALARM" ? alarm.StateValue : "INSUFFICIENT_DATA"
  return AlarmObservation.make({
    name: alarm.AlarmName ?? "",
    condition: definition === undefined ? (alarm.AlarmDescription ?? "") : conditionOf(definition),
    state,
    ...(change === undefined ? {} : { changeId: ChangeId.make(change) })
  })
}

export const make: Effect.Effect<CloudWatchAlarmsShape, never, AwsClients.AwsClients> = Effect.map(AwsClients.AwsClients, (aws) => ({
  put: (target, alarms) =>
    Effect.forEach(
      alarms,
      (a) =>
        aws.call(CloudWatch, target, new PutMetricAlarmCommand({ ...a, Dimensions: [...a.Dimensions], AlarmActions: [...a.AlarmActions], Tags: [...a.Tags] })),
      { concurrency: 4, discard: true }
    ).pipe(Effect.withSpan("CloudWatchAlarms.put", { attributes: { alarms: alarms.length } })),

  states: (target, alarms) => {
    const byName = new Map(alarms.map((a) => [a.AlarmName, a] as const))
    return Effect.forEach(chunks([...byName.keys()], MAX_NAMES_PER_CALL), (names) =>
      aws
        .paginate(CloudWatch, target, (input: DescribeAlarmsCommandInput) => new DescribeAlarmsCommand(input), { AlarmNames: [...names], AlarmTypes: ["MetricAlarm"], MaxRecords: 100 }, {
          inputToken: "NextToken",
          outputToken: "NextToken",
          items: "MetricAlarms"
        })
        .pipe(Stream.runCollect, Effect.map(Chunk.toReadonlyArray))
    ).pipe(
      Effect.map((pages) => {
        const order = new Map([...byName.keys()].map((name, i) => [name, i] as const))
        return pages
          .flat()
          .map((alarm) => observationOf(alarm, byName.get(alarm.AlarmName ?? "")))
          .sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0))
      }),
      Effect.withSpan("CloudWatchAlarms.states", { attributes: { alarms: alarms.length } })
    )
  },

  delete: (target, names) =>
    Effect.forEach(chunks(names, MAX_NAMES_PER_CALL), (batch) => aws.call(CloudWatch, target, new DeleteAlarmsCommand({ AlarmNames: [...batch] })), { discard: true }).pipe(
      Effect.withSpan("CloudWatchAlarms.delete", { attributes: { alarms: names.length } })
    ),

  publishCost: (target, resource, monthlyCost, at) =>
    Effect.asVoid(
      aws.call(
        CloudWatch,
        target,
        new PutMetricDataCommand({
          Namespace: COST_NAMESPACE,
          MetricData: [{ MetricName: COST_METRIC, Dimensions: [{ Name: COST_DIMENSION, Value: resource.arn }], Timestamp: at, Value: monthlyCost, Unit: "None" }]
        })
      )
    ).pipe(Effect.withSpan("CloudWatchAlarms.publishCost", { attributes: { resource: resource.id } }))
}))

export const layer: Layer.Layer<CloudWatchAlarms, never, AwsClients.AwsClients> = Layer.effect(CloudWatchAlarms, make)
